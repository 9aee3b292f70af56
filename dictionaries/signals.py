"""What the lists tell the apps above them without importing them."""

from django.dispatch import Signal

# A stage list's order or its stages changed (reordered, a stage deleted), inside the
# transaction of the change: ``list_code`` and ``pipeline`` (None for a list of no pipeline).
# What ranks items by their stage's place (the period rollups of deals and leads) ranks again.
stages_changed = Signal()
