"""The rows of the rights grid: companies, contacts, leads, and deals once per pipeline."""

from django.utils.translation import gettext as _

from .models import Entity


def rights_entities() -> list[tuple[str, str]]:
    """``(entity code, label)`` of every row, in the grid's order (one query)."""
    from dictionaries.models import Pipeline  # the dictionaries app builds on this one

    rows = [(entity.value, str(entity.label)) for entity in Entity if entity != Entity.DEAL]
    pipelines = list(Pipeline.objects.all())
    for pipeline in pipelines:
        label = _("Deals: %s") % pipeline.name if len(pipelines) > 1 else str(Entity.DEAL.label)
        rows.append((pipeline.access_entity, label))
    return rows


def entity_label(code: str) -> str | None:
    return dict(rights_entities()).get(code)
