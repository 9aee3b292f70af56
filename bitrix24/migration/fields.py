"""The portal's custom fields (the ``UF_CRM_*`` that ``crm.<type>.fields`` describes) as our
custom fields, through ``dictionaries.custom_fields``, keeping the portal's codes where they
are free so that its scripts keep naming them the same.

A field is found by the mapping, else by its code with the same kind, else added; a renamed
field is renamed, and a list field gets the options the portal added (their ids mapped, so
that an item's value, the option's Bitrix24 id, finds ours). Types we have no counterpart
for (files, addresses, ...) and ``crm`` fields linking several kinds of items are refused
with the reason. A field is added as not required, whatever the portal says: its older items
may lack a value, and they must not be refused for it.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from dictionaries.custom_fields import custom_field_create, custom_field_update
from dictionaries.models import CustomField

from ..models import MappingKind
from .lists import REFUSALS, reason
from .report import Outcome

ENTITIES = (("company", "crm.company"), ("contact", "crm.contact"), ("deal", "crm.deal"),
            ("lead", "crm.lead"))  # fmt: skip
Kind = CustomField.Kind
# Bitrix24's user-field types -> our kinds ("crm" is decided by its settings).
KINDS = {
    "string": Kind.STRING, "integer": Kind.INTEGER, "double": Kind.DECIMAL,
    "money": Kind.MONEY, "date": Kind.DATE, "datetime": Kind.DATETIME,
    "boolean": Kind.BOOLEAN, "enumeration": Kind.LIST, "url": Kind.URL, "employee": Kind.USER,
}  # fmt: skip
CRM_KINDS = {"COMPANY": Kind.COMPANY, "CONTACT": Kind.CONTACT, "DEAL": Kind.DEAL}


def _kind(described: dict) -> str:
    """Our kind of a field the portal describes so; ValueError with the reason otherwise."""
    kind = str(described.get("type") or "")
    if kind == "crm":
        settings = described.get("settings") or {}
        linked = [name for name, flag in settings.items() if flag == "Y"] if isinstance(
            settings, dict) else []  # fmt: skip
        if len(linked) == 1 and linked[0] in CRM_KINDS:
            return CRM_KINDS[linked[0]]
        raise ValueError(
            _("it links %s: here a field links one kind of items (companies, contacts or deals)")
            % (", ".join(linked) or _("no kind"))
        )
    if kind not in KINDS:
        raise ValueError(_("Bitrix24's type “%s” has no counterpart here") % kind)
    return KINDS[kind]


def _label(code: str, described: dict) -> str:
    for name in ("listLabel", "formLabel", "editFormLabel", "filterLabel", "title"):
        label = described.get(name)
        if isinstance(label, str) and label.strip() and label.strip() != code:
            return label.strip()[:255]
    return code


def _items(described: dict) -> list[tuple[str, str]]:
    """A list field's options, ``(Bitrix24 id, label)``, in the portal's order."""
    items = described.get("items") or []
    return [(str(item.get("ID")), str(item.get("VALUE") or "").strip()) for item in items
            if isinstance(item, dict)]  # fmt: skip


class FieldsStep:
    name = "fields"

    def run(self, run) -> None:
        outcome = Outcome()
        fields, options = run.mappings(MappingKind.FIELD), run.mappings(MappingKind.OPTION)
        known_fields, known_options = fields.all(), options.all()
        new_fields, new_options = {}, {}
        for entity, method in ENTITIES:
            described = run.source.call(f"{method}.fields")
            for code, one in (described or {}).items():
                if not str(code).startswith("UF_") or not isinstance(one, dict):
                    continue
                key = f"{entity}:{code}"
                try:
                    with transaction.atomic():
                        field = self._field(run, outcome, entity, code, one, known_fields)
                        self._options(run, field, key, one, known_options, new_options)
                except (ValueError, *REFUSALS) as error:
                    outcome.refuse(key, _("%(code)s: %(reason)s")
                                   % {"code": code, "reason": reason(error)})  # fmt: skip
                    continue
                if known_fields.get(key) != field.pk:
                    new_fields[key] = field.pk
        fields.record(new_fields, replaced=[k for k in new_fields if k in known_fields])
        options.record(new_options, replaced=[k for k in new_options if k in known_options])
        for key in ("fields", "options"):
            run.forget(key)
        run.report.add(self.name, outcome)

    def _field(self, run, outcome, entity, code, described, known) -> CustomField:
        kind, label = _kind(described), _label(code, described)
        ours = CustomField.objects.filter(entity=entity, deleted_at__isnull=True)
        field = ours.filter(pk=known.get(f"{entity}:{code}")).first()
        if field is None and (field := ours.filter(code=code, kind=kind).first()) is not None:
            outcome.matched += 1
        elif field is None:
            taken = CustomField.objects.filter(entity=entity, code=code).exists()
            field = custom_field_create(
                user=run.user, entity=entity, label=label, kind=kind,
                multiple=str(described.get("isMultiple")) in ("True", "Y", "true", "1"),
                options=[{"label": text} for _id, text in _items(described)],
                code="" if taken else code,
            )  # fmt: skip
            outcome.created += 1
            return field
        elif field.label == label:
            outcome.unchanged += 1
        else:
            outcome.updated += 1
        if field.label != label:
            field = custom_field_update(user=run.user, field=field, label=label)
        return field

    def _options(self, run, field: CustomField, key: str, described, known, new) -> None:
        """Map each option of the portal's list field to ours: by the mapping, else by
        label, else added after ours; a renamed one renamed."""
        if field.kind != Kind.LIST:
            return
        options = [dict(option) for option in field.options]
        by_id = {option["id"]: option for option in options}
        by_label = {option["label"].casefold(): option for option in options}
        pairs, added = {}, []
        for bitrix_id, label in _items(described):
            option = by_id.get(known.get(f"{key}:{bitrix_id}")) or by_label.get(label.casefold())
            if option is None:
                option = {"label": label}
                options.append(option)
                added.append((bitrix_id, option))
            else:
                option["label"] = label
                pairs[bitrix_id] = option["id"]
        given = [{k: v for k, v in o.items() if k in ("id", "label")} for o in options]
        if given != [{"id": o["id"], "label": o["label"]} for o in field.options]:
            field = custom_field_update(user=run.user, field=field, options=given)
        stored = {option["label"].casefold(): option["id"] for option in field.options}
        for bitrix_id, option in added:
            pairs[bitrix_id] = stored[option["label"].casefold()]
        for bitrix_id, option_id in pairs.items():
            if known.get(f"{key}:{bitrix_id}") != option_id:
                new[f"{key}:{bitrix_id}"] = option_id
