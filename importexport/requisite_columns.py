"""Requisite columns of a company or contact import: Bitrix24's "with details" files (seed
000's "with mentions", ``../shared/bitrix24/columns.md`` §2.3, §4.7).

A requisite column is headed ``<prefix>: <field>`` or ``<prefix> (<country>): <field>``, the
prefix ``Details``, ``Реквизит``, ``Détails`` or ``Informationen``, the field a preset field's
label or code (``ИНН``, ``SIREN``, ``inn``) or one of the requisite's own parts: its template
(the preset, by name), its name, its address. Each maps to a pseudo-field ``requisite.<code>``
of the import. The values of a line make one requisite, checked by its preset (the one the
line names, else the first active preset that has every field the line gives and all its
required ones); a line whose item columns are all empty continues the row above with a
further requisite (Bitrix24's "Export details" writes each extra requisite so).
"""

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.fields import CatalogueField, FieldKind
from requisites.models import Preset
from requisites.services import requisite_build

PREFIX = "requisite."
HEADER = re.compile(
    r"^\s*(?:details|реквизиты?|détails|informationen|requisites?)\s*(?:\([^)]*\))?\s*:\s*(.+?)\s*$",
    re.IGNORECASE,
)
PARTS = {  # the requisite's own parts, by the captions Bitrix24 and we give them
    "preset": ("template", "шаблон", "modèle", "vorlage", "preset"),
    "name": ("name", "название", "prénom", "nom"),
    "address": ("address", "адрес", "adresse", "anschrift"),
}
OWNERS = ("company", "contact")


def _presets() -> list[Preset]:
    return list(Preset.objects.filter(is_active=True).prefetch_related("fields"))


def requisite_fields(entity_key: str) -> list[CatalogueField]:
    """The pseudo-fields of the requisite columns an import of ``entity_key`` may map."""
    if entity_key not in OWNERS:
        return []
    labels = {code: _(code) for code in PARTS}
    for preset in _presets():
        for field in preset.fields.all():
            labels.setdefault(field.code, field.label)
    return [
        CatalogueField(f"{PREFIX}{code}", FieldKind.TEXT, label=f"{_('Requisites')}: {label}")
        for code, label in labels.items()
    ]


def requisite_codes(entity_key: str, headers) -> dict[str, str]:
    """The pseudo-field each requisite column's header names (headers of other columns left
    out); the presets read once."""
    titles = {h: found.group(1).casefold() for h in headers
              if entity_key in OWNERS and (found := HEADER.match(str(h)))}  # fmt: skip
    if not titles:
        return {}
    by_title: dict[str, str] = {}
    for preset in reversed(_presets()):  # the first preset's labels win
        for field in preset.fields.all():
            by_title[field.label.casefold()] = by_title[field.code.casefold()] = field.code
    for part, captions in PARTS.items():  # the requisite's own parts win over field labels
        by_title.update(dict.fromkeys(captions, part))
    return {h: PREFIX + by_title[title] for h, title in titles.items() if title in by_title}


@dataclass
class RequisiteColumns:
    """The requisite columns of one import, and what one line of them makes."""

    columns: list[tuple[int, str]]  # (cell index, part or preset field code)
    presets: list[Preset] = dataclass_field(default_factory=list)

    @classmethod
    def of(cls, columns: list[tuple[int, str]]) -> "RequisiteColumns":
        return cls(columns, _presets() if columns else [])

    def given(self, cells: list[str]) -> dict[str, str]:
        """The requisite values a line gives, by code (empty cells left out)."""
        values = {}
        for index, code in self.columns:
            text = str(cells[index]).strip() if index < len(cells) else ""
            if text:
                values[code] = text
        return values

    def build(self, given: dict[str, str], line: int):
        """The unsaved requisite a line's values make, or a ValidationError naming the line."""
        values = {c: v for c, v in given.items() if c not in PARTS}
        try:
            preset = self._preset(given.get("preset", ""), values)
            address = {"address_street": given.get("address", "")}
            return requisite_build(preset=preset, name=given.get("name", ""), values=values,
                                   address=address)  # fmt: skip
        except ValidationError as error:
            messages = error.messages
            if hasattr(error, "error_dict"):
                messages = [f"{key.removeprefix('values.')}: {' '.join(texts)}"
                            for key, texts in error.message_dict.items()]  # fmt: skip
            raise ValidationError(
                _("Requisites on line %(line)d: %(errors)s")
                % {"line": line, "errors": "; ".join(messages)}
            ) from None

    def _preset(self, name: str, values: dict) -> Preset:
        if name:
            for preset in self.presets:
                if preset.name.casefold() == name.casefold():
                    return preset
            raise ValidationError(_("there is no active preset “%s”") % name)
        codes = set(values)
        fitting = [p for p in self.presets if codes <= {f.code for f in p.fields.all()}]
        complete = [p for p in fitting
                    if {f.code for f in p.fields.all() if f.required} <= codes]  # fmt: skip
        if complete or fitting:
            return (complete or fitting)[0]
        raise ValidationError(
            _("no preset has all of %s; name the preset in a “Template” column")
            % ", ".join(sorted(codes))
        )
