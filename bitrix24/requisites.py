"""``crm.requisite.*`` and ``crm.requisite.preset.list``: the legal details of companies and
contacts as Bitrix24 shows them, each preset field under Bitrix24's ``RQ_*`` code.

A requisite belongs to a company (``ENTITY_TYPE_ID`` 4) or a contact (3), ``ENTITY_ID`` being
its id. Reads start from ``Requisite.objects.restrict(user, "read")``: whoever may not read
the owner never learns its requisites exist; writes go through ``requisites.services`` (the
right to change the owner, the preset's checks, history on the owner's card). Addresses and
bank accounts (Bitrix24's ``crm.address.*``, ``crm.requisite.bankdetail.*``) are not here.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from requisites import services
from requisites.identifiers import Kind
from requisites.models import Preset, PresetField, Requisite

from . import entity_types
from .descriptions import described
from .errors import bad_argument, not_found
from .general import iso
from .methods import PAGE_SIZE, Page, method, page_of
from .params import as_list, as_map, is_none, item_id, to_int
from .rows import filtered, ordered

# Bitrix24's field of each identifier kind, and of the text fields of the shipped presets;
# any other field shows as RQ_<its code>.
KIND_CODES = {
    Kind.RU_INN: "RQ_INN", Kind.RU_KPP: "RQ_KPP", Kind.RU_OGRN: "RQ_OGRN",
    Kind.RU_OGRNIP: "RQ_OGRNIP", Kind.FR_SIREN: "RQ_SIREN", Kind.FR_SIRET: "RQ_SIRET",
    Kind.FR_TVA: "RQ_VAT_ID", Kind.DE_VAT: "RQ_VAT_ID", Kind.DE_STNR: "RQ_INN",
    Kind.DE_HANDELSREGISTER: "RQ_USRLE", Kind.US_EIN: "RQ_INN",
}  # fmt: skip
TEXT_CODES = {
    "full_name": "RQ_COMPANY_FULL_NAME", "short_name": "RQ_COMPANY_NAME",
    "company_name": "RQ_COMPANY_NAME", "raison_sociale": "RQ_COMPANY_NAME",
    "forme_juridique": "RQ_LEGAL_FORM", "tax_id": "RQ_VAT_ID",
}  # fmt: skip
# Bitrix24's ids of the countries of its presets (crm.requisite.preset.countries).
COUNTRY_IDS = {"RU": 1, "BY": 4, "KZ": 6, "UA": 14, "BR": 34, "DE": 46, "CO": 77, "PL": 110,
               "US": 122, "FR": 132}  # fmt: skip
OWNER_TYPES = (entity_types.CONTACT, entity_types.COMPANY)
_OWNER_FIELDS = {entity_types.COMPANY: "company", entity_types.CONTACT: "contact"}
REQUISITE_ENTITY_TYPE = "8"  # what Bitrix24 gives a preset's ENTITY_TYPE_ID: requisites
COLUMNS = ("ID", "ENTITY_TYPE_ID", "ENTITY_ID", "PRESET_ID", "DATE_CREATE", "DATE_MODIFY",
           "CREATED_BY_ID", "MODIFY_BY_ID", "NAME", "CODE", "XML_ID", "ORIGINATOR_ID", "ACTIVE",
           "ADDRESS_ONLY", "SORT")  # fmt: skip
PRESET_COLUMNS = ("ID", "ENTITY_TYPE_ID", "COUNTRY_ID", "NAME", "ACTIVE", "SORT", "XML_ID")
# What crm.requisite.list filters by (exact, or @ with a list), and the columns behind them.
FILTERS = {"ID": "pk", "PRESET_ID": "preset_id", "NAME": "name"}
# The comparisons crm.requisite.list takes on ID (``filter[>ID]``: a migration's cursor).
COMPARISONS = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}
ORDERS = {"ID": "pk", "PRESET_ID": "preset_id", "NAME": "name", "DATE_CREATE": "created_at",
          "DATE_MODIFY": "modified_at"}  # fmt: skip


def rq_codes(preset: Preset) -> dict[str, str]:
    """Each field of ``preset`` (fields prefetched) and its Bitrix24 code, one code a field."""
    codes: dict[str, str] = {}
    for field in preset.fields.all():
        code = KIND_CODES.get(field.kind) or TEXT_CODES.get(field.code, "")
        if not code or code in codes.values():
            code = f"RQ_{field.code.upper()}"
        codes[field.code] = code
    return codes


def _readable(user):
    fields = Prefetch("preset__fields", queryset=PresetField.objects.order_by("sort", "pk"))
    return (
        Requisite.objects.restrict(user, "read").select_related("preset").prefetch_related(fields)
    )


def row(requisite: Requisite) -> dict:
    owner_type = entity_types.COMPANY if requisite.company_id else entity_types.CONTACT
    data = {
        "ID": str(requisite.pk), "ENTITY_TYPE_ID": str(owner_type),
        "ENTITY_ID": str(requisite.company_id or requisite.contact_id),
        "PRESET_ID": str(requisite.preset_id), "DATE_CREATE": iso(requisite.created_at),
        "DATE_MODIFY": iso(requisite.modified_at), "CREATED_BY_ID": None, "MODIFY_BY_ID": None,
        "NAME": requisite.name, "CODE": None, "XML_ID": None, "ORIGINATOR_ID": None,
        "ACTIVE": "Y", "ADDRESS_ONLY": "N", "SORT": "500",
    }  # fmt: skip
    for code, rq_code in rq_codes(requisite.preset).items():
        data[rq_code] = requisite.values.get(code, "")
    return data


def _requisite(user, params) -> Requisite:
    found = _readable(user).filter(pk=item_id(params)).first()
    if found is None:
        raise not_found()
    return found


def _upper(params) -> dict:
    return {str(key).upper(): value for key, value in as_map(params, "fields").items()}


def _owner(user, fields: dict):
    """The company or contact ``ENTITY_TYPE_ID``/``ENTITY_ID`` name, if the user may read it
    (one they may not is not found, as a missing one)."""
    for name in ("ENTITY_TYPE_ID", "ENTITY_ID"):
        if is_none(fields.get(name)):
            raise bad_argument(_("The field %s is required.") % name, f"fields[{name}]")
    number = to_int(fields["ENTITY_TYPE_ID"], "fields[ENTITY_TYPE_ID]")
    if number not in OWNER_TYPES:
        raise bad_argument(_("Requisites belong to a company (4) or a contact (3)."),
                           "fields[ENTITY_TYPE_ID]")  # fmt: skip
    model = entity_types.by_id(number).model
    owner = (
        model.objects.restrict(user, "read")
        .filter(pk=to_int(fields["ENTITY_ID"], "fields[ENTITY_ID]"))
        .first()
    )
    if owner is None:
        raise not_found(_("The owner of the requisites is not found."))
    return owner


def _values(preset: Preset, fields: dict, values: dict) -> dict:
    """``values`` (our codes) with what ``fields`` gives under Bitrix24's codes; an RQ_ field
    that is none of the preset's is a 400 rather than a value silently lost."""
    by_rq = {rq: code for code, rq in rq_codes(preset).items()}
    values = dict(values)
    for name, value in fields.items():
        if not name.startswith("RQ_"):
            continue  # Bitrix24's own columns (XML_ID, ACTIVE, SORT...) that we do not keep
        if name not in by_rq:
            message = _("%(field)s is not a field of the preset “%(preset)s”.")
            raise bad_argument(message % {"field": name, "preset": preset.name}, f"fields[{name}]")
        values[by_rq[name]] = "" if is_none(value) else str(value)
    return {code: value for code, value in values.items() if value}


def _name(fields: dict):
    value = fields.get("NAME")
    if is_none(value):
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise bad_argument(_("The field %s must be text.") % "NAME", "fields[NAME]")
    return str(value)


@method("crm.requisite.fields", scope="crm")
def requisite_fields(user, params):
    """The requisite's own columns, then every RQ_ field of the active presets."""
    found = {
        "ID": described("integer", "ID", read_only=True),
        "ENTITY_TYPE_ID": described("integer", _("Owner type"), required=True, immutable=True),
        "ENTITY_ID": described("integer", _("Owner"), required=True, immutable=True),
        "PRESET_ID": described("integer", _("Preset"), required=True, immutable=True),
        "DATE_CREATE": described("datetime", _("Created"), read_only=True),
        "DATE_MODIFY": described("datetime", _("Modified"), read_only=True),
        "NAME": described("string", _("Name")),
    }
    for preset in Preset.objects.filter(is_active=True).prefetch_related("fields"):
        labels = {f.code: f.label for f in preset.fields.all()}
        for code, rq_code in rq_codes(preset).items():
            found.setdefault(rq_code, described("string", labels[code]))
    return found


@method("crm.requisite.get", scope="crm")
def requisite_get(user, params):
    return row(_requisite(user, params))


@method("crm.requisite.add", scope="crm")
def requisite_add(user, params):
    """Requisites of a company or contact from a preset (``PRESET_ID``), with ``NAME`` and
    the preset's RQ_ fields. A tax id another item has is kept, as Bitrix24 keeps it."""
    fields = _upper(params)
    owner = _owner(user, fields)
    if is_none(fields.get("PRESET_ID")):
        raise bad_argument(_("The field %s is required.") % "PRESET_ID", "fields[PRESET_ID]")
    preset = Preset.objects.filter(pk=to_int(fields["PRESET_ID"], "fields[PRESET_ID]")).first()
    if preset is None:
        raise bad_argument(_("The preset is not found."), "fields[PRESET_ID]")
    requisite = services.requisite_create(
        user=user, owner=owner, preset=preset, name=_name(fields) or "",
        values=_values(preset, fields, {}), allow_duplicate=True,
    )  # fmt: skip
    return requisite.pk


@method("crm.requisite.update", scope="crm")
def requisite_update(user, params):
    """``NAME`` and RQ_ fields; fields not given keep their values, an empty one is cleared.
    The owner and the preset stay."""
    requisite = _requisite(user, params)
    fields = _upper(params)
    given = fields.get("PRESET_ID")
    if not is_none(given) and to_int(given, "fields[PRESET_ID]") != requisite.preset_id:
        raise bad_argument(_("The preset of requisites cannot be changed."), "fields[PRESET_ID]")
    name = _name(fields)
    services.requisite_update(
        user=user, requisite=requisite, values=_values(requisite.preset, fields, requisite.values),
        allow_duplicate=True, **({"name": name} if name is not None else {}),
    )  # fmt: skip
    return True


@method("crm.requisite.delete", scope="crm")
def requisite_delete(user, params):
    services.requisite_delete(user=user, requisite=_requisite(user, params))
    return True


def _filtered(user, params):
    """The readable requisites the ``filter`` keeps: ``ENTITY_TYPE_ID``, ``ENTITY_ID`` and the
    columns of ``FILTERS``, exact or ``@`` (a list), and ``ID`` compared (``>``, ``>=``,
    ``<``, ``<=``); anything else is a 400."""
    found = _readable(user)
    given = {str(k).upper(): v for k, v in as_map(params, "filter").items()}
    owners = ("company", "contact")
    if "ENTITY_TYPE_ID" in given:
        number = to_int(given.pop("ENTITY_TYPE_ID"), "filter[ENTITY_TYPE_ID]")
        if number not in OWNER_TYPES:
            return found.none()
        owners = (_OWNER_FIELDS[number],)
        found = found.filter(**{f"{owners[0]}__isnull": False})
    for key, value in given.items():
        compared = next((op for op in COMPARISONS if key.startswith(op) and key[len(op):] == "ID"),
                        None)  # fmt: skip
        if compared is not None:
            number = to_int(value, f"filter[{key}]")
            found = found.filter(**{f"pk__{COMPARISONS[compared]}": number})
            continue
        many = key.startswith("@")
        name = key[1:] if key[:1] in "=@" else key
        if name != "ENTITY_ID" and name not in FILTERS:
            raise bad_argument(_("Unknown filter field %s.") % key, f"filter[{key}]")
        values = as_list(value) if many else [value]
        if name != "NAME":
            values = [to_int(v, f"filter[{key}]") for v in values]
        if name == "ENTITY_ID":
            either = Q()
            for owner in owners:
                either |= Q(**{f"{owner}_id__in": values})
            found = found.filter(either)
        else:
            found = found.filter(**{f"{FILTERS[name]}__in": values})
    return found


def _ordering(params) -> list[str]:
    order = []
    for key, direction in as_map(params, "order").items():
        name, direction = str(key).upper(), str(direction).upper()
        if name not in ORDERS or direction not in ("ASC", "DESC"):
            raise bad_argument(_("Cannot order by %(field)s %(direction)s.")
                               % {"field": name, "direction": direction}, "order")  # fmt: skip
        order.append(("-" if direction == "DESC" else "") + ORDERS[name])
    return [*order, "pk"]


def _selected(data: dict, select: list) -> dict:
    wanted = {str(name).upper() for name in select}
    if not wanted or "*" in wanted:
        return data
    return {key: value for key, value in data.items() if key in wanted}


@method("crm.requisite.list", scope="crm")
def requisite_list(user, params):
    """Pages of 50 of the requisites the user may read (``start=-1``: no count)."""
    found = _filtered(user, params).order_by(*_ordering(params))
    select = as_list(params.get("select") or [])
    start = to_int(params.get("start", 0), "start")
    if start < 0:
        return Page([_selected(row(r), select) for r in found[:PAGE_SIZE]])
    total = found.count()
    offset, following = page_of(start, total)
    rows = [_selected(row(r), select) for r in found[offset : offset + PAGE_SIZE]]
    return Page(rows, total=total, next=following)


def _preset_row(preset: Preset) -> dict:
    return {"ID": str(preset.pk), "ENTITY_TYPE_ID": REQUISITE_ENTITY_TYPE,
            "COUNTRY_ID": str(COUNTRY_IDS.get(preset.country, "")) or None,
            "NAME": preset.name, "DATE_CREATE": None, "DATE_MODIFY": None,
            "CREATED_BY_ID": None, "MODIFY_BY_ID": None,
            "ACTIVE": "Y" if preset.is_active else "N", "SORT": str(preset.sort),
            "XML_ID": None}  # fmt: skip


@method("crm.requisite.preset.list", scope="crm")
def requisite_preset_list(user, params):
    """Every preset (an admin's list is short: no pages), filtered and ordered in place."""
    rows = filtered([_preset_row(p) for p in Preset.objects.all()], params, PRESET_COLUMNS)
    rows = ordered(rows, params, PRESET_COLUMNS, ("ID", "SORT", "COUNTRY_ID"), [("ID", "ASC")])
    return Page(rows, total=len(rows))
