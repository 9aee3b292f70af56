"""The card an admin arranges: an item type's sections, the fields in each and the fields
hidden from its card and form (still in the data, the API, import and export). Without an
arrangement the field catalogue's default layout holds; "reset" returns to it.

Writes check the settings right and raise ``ValidationError`` with the reason having changed
nothing. The arrangement is read by ``crm.fields.layout`` through a registered source, kept
as ``dictionaries.shared_cache.SharedSettings``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accessrights.rules import check_settings_right
from crm.entities import entity_type
from crm.fields import catalogue

from .models import CardLayout
from .shared_cache import SharedSettings

MAX_SECTIONS = 30
MAX_NAME = 100


def _clean(entity: str, sections, hidden) -> tuple[list[dict], list[str]]:
    try:
        entity_type(entity)
    except KeyError:
        raise ValidationError({"entity": _("There is no item type “%s”.") % entity}) from None
    fields = {field.code: field for field in catalogue(entity)}
    if not isinstance(sections, list) or not sections or len(sections) > MAX_SECTIONS:
        raise ValidationError(
            {"sections": _("Give 1 to %d sections, in their order.") % MAX_SECTIONS}
        )
    if not isinstance(hidden, list):
        raise ValidationError({"hidden": _("Give the hidden fields as a list of codes.")})
    placed: list[str] = []
    cleaned = []
    for section in sections:
        if not isinstance(section, dict):
            raise ValidationError({"sections": _("Each section has a name and its fields.")})
        name = str(section.get("name") or "").strip()
        codes = section.get("fields", [])
        if not name or len(name) > MAX_NAME:
            raise ValidationError(
                {"sections": _("Each section needs a name of 1 to %d characters.") % MAX_NAME}
            )
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ValidationError({"sections": _("A section's fields are a list of codes.")})
        cleaned.append({"name": name, "fields": list(codes)})
        placed.extend(codes)
    unknown = sorted({str(c) for c in [*placed, *hidden]} - set(fields))
    if unknown:
        raise ValidationError(
            {"sections": _("These are no fields of this item type: %s.") % ", ".join(unknown)}
        )
    twice = sorted(
        {code for code in placed if placed.count(code) > 1} | (set(placed) & set(hidden))
    )
    if twice:
        raise ValidationError(
            {"sections": _("A field sits in one place only: %s.") % ", ".join(twice)}
        )
    needed = [c for c in hidden if fields[c].required and fields[c].default is None]
    if needed:
        raise ValidationError({"hidden": _(
            "These fields are required and have no default, so they cannot be hidden: %s."
        ) % ", ".join(needed)})  # fmt: skip
    return cleaned, list(dict.fromkeys(hidden))


@transaction.atomic
def layout_set(*, user, entity: str, sections, hidden=()) -> CardLayout:
    """Arrange ``entity``'s card: ``sections`` ``[{"name", "fields": [codes]}]`` and the
    ``hidden`` codes. Fields named nowhere (a field added later) go to the last section."""
    check_settings_right(user)
    sections, hidden = _clean(entity, sections, list(hidden))
    layout, _created = CardLayout.objects.update_or_create(
        entity=entity, defaults={"sections": sections, "hidden": hidden}
    )
    arrangements.changed()
    return layout


@transaction.atomic
def layout_reset(*, user, entity: str) -> None:
    """Back to the default layout."""
    check_settings_right(user)
    CardLayout.objects.filter(entity=entity).delete()
    arrangements.changed()


arrangements = SharedSettings(
    "card-layouts",
    lambda: {row.entity: (row.sections, row.hidden) for row in CardLayout.objects.all()},
)


def arranged(entity_key: str):
    """``(sections, hidden)`` as the admin arranged ``entity_key``'s card, or None (the
    source ``crm.fields.layout`` reads; registered in ``DictionariesConfig.ready()``)."""
    return arrangements.get().get(entity_key)
