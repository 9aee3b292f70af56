"""The start page is the user's day: each app registers its panels (``register_home_panel``),
and the page shows, in order, those that have something for this user.

A panel is a template and a function ``(user) -> dict | None``: the panel's context, or None
when it has nothing to show (a panel never shows what ``restrict()`` hides)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accessrights.restriction import may

from .entities import entity_types


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    context: Callable[[object], dict | None]
    order: int = 100


_panels: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def panels_for(user) -> list[tuple[str, dict]]:
    """``[(template, context), ...]``: the panels with something for ``user``, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda panel: (panel.order, panel.key)):
        context = panel.context(user)
        if context is not None:
            shown.append((panel.template, context))
    return shown


NEWEST = 5


def newest_items(user) -> dict | None:
    """The newest items of each type the user is responsible for (and may read)."""
    groups = []
    for entity_type in entity_types():
        model = entity_type.model
        if not may(user, "read", model):
            continue
        items = list(model.objects.restrict(user, "read").filter(responsible=user)[:NEWEST])
        if items:
            groups.append((entity_type.label, items))
    return {"title": _("Your newest items"), "groups": groups} if groups else None


register_home_panel(HomePanel("newest", "home/_newest_items.html", newest_items, order=90))
