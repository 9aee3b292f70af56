"""The card layout settings page (/settings/cards/<item type>/, the settings right): name,
add, reorder and delete sections, place each field in a section at a position or hide it,
reset to the default layout. Every change goes through ``dictionaries.card_layouts``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accessrights.decorators import settings_right_required
from crm.entities import entity_types
from crm.fields import catalogue, hidden_fields, layout
from crm.forms import posted_position

from . import card_layouts
from .custom_field_views import entity_or_404

HIDDEN = "hidden"
NEW_SECTIONS = 1  # blank section names offered for adding


def _posted_layout(post, codes: list[str]) -> tuple[list[dict], list[str]]:
    """The layout the page's form describes: section names in order (a section left without
    a name is deleted, its fields go to the first one), each field's section and position."""
    names = [post.get(f"section-{i}", "").strip() for i in range(int(post.get("sections", 0)))]
    kept = [i for i, name in enumerate(names) if name]
    if not kept:
        raise ValidationError({"sections": _("Keep at least one section with a name.")})
    placed: dict[int, list[tuple[float, str]]] = {i: [] for i in kept}
    hidden = []
    for position, code in enumerate(codes):
        where = post.get(f"place-{code}", "")
        if where == HIDDEN:
            hidden.append(code)
            continue
        index = int(where) if where.isdigit() and int(where) in placed else kept[0]
        placed[index].append((posted_position(post, f"order-{code}", position), code))
    sections = [{"name": names[i], "fields": [c for _o, c in sorted(placed[i])]} for i in kept]
    return sections, hidden


@settings_right_required
def card_layout_page(request, entity: str):
    item_type = entity_or_404(entity)
    codes = [f.code for f in catalogue(entity) if f.section or f.custom]
    if request.method == "POST":
        back = redirect(reverse("dictionaries:card_layout", args=[entity]))
        try:
            if "reset" in request.POST:
                card_layouts.layout_reset(user=request.user, entity=entity)
            else:
                sections, hidden = _posted_layout(request.POST, codes)
                card_layouts.layout_set(
                    user=request.user, entity=entity, sections=sections, hidden=hidden
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return back
    sections = layout(entity)
    hidden = hidden_fields(entity)
    labels = {f.code: f.label for f in catalogue(entity)}
    names = [str(section.label) for section, _fields in sections] + [""] * NEW_SECTIONS
    placed = [[f.code for f in fields] for _section, fields in sections] + [[]] * NEW_SECTIONS
    placed.append([code for code in codes if code in hidden])

    def rows(group):
        return [(code, labels[code], position) for position, code in enumerate(group, 1)]

    groups = [(i, name, rows(placed[i])) for i, name in enumerate(names)]
    context = {
        "item_type": item_type,
        "item_types": entity_types(),
        "names": list(enumerate(names)),
        "groups": [*groups, (HIDDEN, "", rows(placed[-1]))],
        "hidden_value": HIDDEN,
    }
    return render(request, "dictionaries/card_layout.html", context)
