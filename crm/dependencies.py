"""What other apps list on an item's dependencies tab (a company's quotes and invoices).

An app registers a panel in its ``AppConfig.ready()``: ``reader(item, user)`` gives the
template's context for that item (what it finds through ``restrict()`` for ``user``), or None
where the panel does not apply; the card's dependencies tab includes each panel that applies.
So a client's card lists what apps above it made for it without importing them.
"""

from collections.abc import Callable

_dependents: list[tuple[str, Callable]] = []


def register_dependents(template: str, reader: Callable) -> None:
    _dependents.append((template, reader))


def dependent_panels(item, user) -> list[tuple[str, dict]]:
    """``(template, context)`` of each registered panel that applies to ``item``."""
    panels = []
    for template, reader in _dependents:
        context = reader(item, user)
        if context is not None:
            panels.append((template, context))
    return panels
