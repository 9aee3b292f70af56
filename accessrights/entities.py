"""The rows of the rights grid: one per registered item type, or one per partition of it
(deals: one per pipeline), from the entity registry (``crm.entities``)."""

from crm.entities import entity_types


def rights_entities() -> list[tuple[str, str]]:
    """``(entity code, label)`` of every row, in the grid's order."""
    return [row for entity_type in entity_types() for row in entity_type.grid_rows()]


def entity_label(code: str) -> str | None:
    return dict(rights_entities()).get(code)
