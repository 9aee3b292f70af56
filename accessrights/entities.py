"""The rows of the rights grid: one per item type, or one per partition of it (deals: one per
pipeline). The entity registry (``crm.entities.register``) hands each item type's rows here,
so the rights need no import of what sits above them."""

from collections.abc import Callable

_row_sources: dict[str, tuple[tuple, Callable[[], list[tuple[str, str]]]]] = {}


def register_rights_rows(key: str, order: tuple, rows: Callable[[], list[tuple[str, str]]]):
    """The rows of item type ``key``: ``rows()`` gives ``(entity code, label)`` pairs, read
    each time the grid is built (pipelines come and go); ``order`` places them."""
    _row_sources[key] = (order, rows)


def rights_entities() -> list[tuple[str, str]]:
    """``(entity code, label)`` of every row, in the grid's order."""
    ordered = sorted(_row_sources.values(), key=lambda source: source[0])
    return [row for _order, rows in ordered for row in rows()]


def entity_label(code: str) -> str | None:
    return dict(rights_entities()).get(code)
