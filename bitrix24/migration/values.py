"""A portal's rows as our item services take them.

A Bitrix24 field is read through our own Bitrix24 table of the item type
(``bitrix24.items.b24_fields``: the same one the facade serves, read from the field
catalogue), so ``TITLE`` becomes ``name`` exactly as ``crm.company.add`` would take it:
values parsed by the catalogue, ``PHONE``/``EMAIL``/``WEB`` as our phones, e-mails and
websites (``VALUE_TYPE`` words as kinds), custom ``UF_CRM_*`` fields through the mapping of
the ``fields`` step. What names another row of the portal goes through the mappings: a
reference-list entry or a stage (``COMPANY_TYPE: "CUSTOMER"``, ``STAGE_ID: "C3:NEW"``), a
user, a pipeline, a list option, and, for a whole slice at once (``Translator.resolve``), the
linked items, among those the acting user may read.

A row is written whole or refused with the reason (``Refused``): a value our catalogue
refuses, or one naming something the migration does not know. A field we have no place for
is left out and counted (``Tally.left_out``).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.custom_values import custom_fields
from crm.entities import entity_type, entity_type_of
from crm.fields import FieldKind as K
from dictionaries.defaults import DEAL_STAGE

from ..items import B24Field, b24_fields
from ..models import MappingKind
from ..multifields import value_types
from . import known

# Columns Bitrix24 derives from others, or keeps for its own modules: nothing to carry over.
DERIVED = frozenset({
    "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL", "IS_NEW", "CLOSED", "STAGE_SEMANTIC_ID",
    "STATUS_SEMANTIC_ID", "MOVED_BY_ID", "MOVED_TIME", "LAST_ACTIVITY_TIME", "LAST_ACTIVITY_BY",
    "LAST_COMMUNICATION_TIME", "DATE_CLOSED", "IS_RETURN_CUSTOMER", "IS_REPEATED_APPROACH",
    "IS_RECURRING", "IS_MANUAL_OPPORTUNITY", "QUOTE_ID", "LEAD_ID", "ORIGIN_VERSION",
})  # fmt: skip


# What the link writers and history read of a linked item: its version and the columns its
# name (``__str__``) is made of; the rest of its row is left unread.
NAME_COLUMNS = {"company": ("name",), "contact": ("first_name", "middle_name", "last_name"),
                "deal": ("title",)}  # fmt: skip


def lean(queryset):
    """``queryset`` of linked items reading only what linking them needs (``NAME_COLUMNS``)."""
    kind = entity_type_of(queryset.model).key
    return queryset.only("pk", "version", *NAME_COLUMNS[kind])


class Refused(Exception):
    """A row that is not written, and why (a message people read)."""


def blank(value) -> bool:
    """Empty as Bitrix24 sends empty: nothing, ``""``, ``[]``, or ``false`` for a user field
    that is no yes-or-no."""
    return value is None or value == "" or value == [] or value is False


def _listed(value) -> list:
    values = value if isinstance(value, list) else [value]
    return [one for one in values if not blank(one)]


def _channel(words: dict[str, str], value) -> list[dict]:
    """``PHONE``/``EMAIL``/``WEB`` values as ours, ``VALUE_TYPE`` words as kinds (``words``:
    ``multifields.value_types``, a word we do not know taken as ``OTHER``)."""
    values = []
    for one in value if isinstance(value, list) else []:
        if not isinstance(one, dict) or blank(one.get("VALUE")):
            continue
        word = str(one.get("VALUE_TYPE") or "WORK").upper()
        values.append({"value": str(one["VALUE"]), "kind": words.get(word, words["OTHER"])})
    return values


@dataclass
class Translated:
    """One row as the services take it: ``values`` (references as rows), and what waits for
    ``resolve``: ``links`` (our link field -> Bitrix24 ids) and ``custom_links`` (our custom
    code -> Bitrix24 ids). ``our_id`` once written; ``linked`` the items of ``links`` that are
    written apart from the item (a contact's companies, a deal's contacts)."""

    bitrix_id: str
    values: dict
    links: dict = field(default_factory=dict)
    custom_links: dict = field(default_factory=dict)
    linked: dict = field(default_factory=dict)
    our_id: int | None = None


class Translator:
    """The rows of one item type of a portal (``entity``) for the run ``run``."""

    def __init__(self, run, entity: str, step: str):
        self.run, self.entity = run, entity
        self.fields = b24_fields(entity)
        self.tally = run.report.tally(step)
        self.users = known.users(run)
        self.entries = known.entries(run)
        self.custom = known.custom_fields(run, entity)
        self.options = known.options(run)
        ours = custom_fields(entity)
        # Bitrix24's code of each custom field migrated -> ours, and ours by our code.
        self.ours = {code: ours[our_code] for code, our_code in self.custom.items()
                     if our_code in ours}  # fmt: skip
        self.ours_by_code = {f.code: f for f in self.ours.values()}
        # Each link field (and custom link) -> the kind of items it links.
        links = [f.source for f in self.fields.values() if f.kind == K.ITEM_LINK and not f.custom]
        links += [f for f in self.ours.values() if f.kind == K.ITEM_LINK]
        self.link_kinds = {f.code: entity_type_of(f.related_model).key for f in links}
        self.many = {f.code: bool(f.model_field and f.model_field.many_to_many) for f in links}
        # How each of the type's Bitrix24 fields is read, worked out once (None: not kept);
        # custom ones go through the mapping of the portal's codes (``_custom``).
        self.readers = {code: self._reader(found) for code, found in self.fields.items()
                        if not found.custom}  # fmt: skip

    def _reader(self, found: B24Field):
        """A function ``(value, row, done)`` putting ``found``'s value of ``row`` into the
        ``Translated`` ``done``; None for a field not written (read-only, or a deal's
        pipeline, which is its stage's)."""
        name = found.name
        if found.read_only or found.is_category:
            return None
        if found.is_list:
            words = value_types(found)

            def read(value, row, done):
                done.values[name] = _channel(words, value)
        elif found.kind == K.ITEM_LINK:
            plural = f"{found.code}S" if found.first_only else None

            def read(value, row, done):
                if plural not in row:  # else the list of them (COMPANY_IDS) gives them all
                    done.links[name] = [str(one) for one in _listed(value)]
        elif found.kind == K.REFERENCE:

            def read(value, row, done):
                done.values[name] = self._entry(found, value, row)
        elif found.kind == K.USER:

            def read(value, row, done):
                user = self._user(found.code, value)
                if user is not None:
                    done.values[name] = user
        elif found.kind == K.TEXT:

            def read(value, row, done):  # as the catalogue parses text: stripped
                done.values[name] = value.strip() if isinstance(value, str) else (
                    self._plain(found, value))  # fmt: skip
        else:

            def read(value, row, done):
                done.values[name] = self._plain(found, value)

        return read

    def row(self, row: dict) -> Translated:
        """``row`` translated but for its links (``resolve``); Refused otherwise."""
        done = Translated(str(row["ID"]), {})
        custom: dict = {}
        readers, left_out = self.readers, self.tally.left_out
        for code, value in row.items():
            read = readers.get(code)
            if read is not None:
                read(value, row, done)
            elif code.startswith("UF_"):
                self._custom(code, value, custom, done)
            elif code not in readers and code not in DERIVED and not blank(value):
                left_out[code] += 1
        if custom:
            done.values["custom"] = custom
        return done

    def _entry(self, found: B24Field, value, row: dict):
        if blank(value):
            return None
        entity_id = found.source.reference_list
        if entity_id == DEAL_STAGE and str(row.get("CATEGORY_ID") or "0") != "0":
            entity_id = f"{DEAL_STAGE}_{row['CATEGORY_ID']}"
        entry = self.entries.get(f"{entity_id}:{value}")
        if entry is None:
            raise Refused(_("%(field)s: “%(value)s” is not a value of %(list)s migrated here.")
                          % {"field": found.code, "value": value, "list": entity_id})  # fmt: skip
        return entry

    def _user(self, code: str, value):
        if blank(value):
            return None
        user = self.users.get(str(value))
        if user is None:
            raise Refused(_("%(field)s: the portal's user %(id)s was not migrated.")
                          % {"field": code, "id": value})  # fmt: skip
        return user

    def _plain(self, found: B24Field, value):
        if isinstance(value, dict | list):
            raise Refused(_("%s takes one value, not a list.") % found.code)
        try:
            parsed = found.source.parse(None if blank(value) else value, self.run.references)
        except ValidationError as error:
            raise Refused(f"{found.code}: {' '.join(error.messages)}") from None
        if parsed is None and found.kind in (K.TEXT, K.CURRENCY):
            return ""  # a text column is emptied, never null
        return parsed

    def _custom(self, code: str, value, custom: dict, done: Translated) -> None:
        ours = self.ours.get(code)
        if ours is None:
            if not blank(value):
                self.tally.left_out[code] += 1
            return
        if ours.kind == K.BOOL:
            custom[ours.code] = None if value is None or value == "" else value
            return
        values = _listed(value)
        if ours.kind == K.CHOICE:
            values = [self._option(code, one) for one in values]
        elif ours.kind == K.USER:
            values = [self._user(code, one).pk for one in values]
        elif ours.kind == K.ITEM_LINK:
            done.custom_links[ours.code] = [str(one) for one in values]
            return
        elif ours.custom_kind == "money":
            values = [str(one).split("|")[0] for one in values]  # Bitrix24's "100.00|EUR"
        custom[ours.code] = values if ours.multiple else (values[0] if values else None)

    def _option(self, code: str, value) -> int:
        option = self.options.get(f"{self.entity}:{code}:{value}")
        if option is None:
            raise Refused(_("%(field)s: the option %(id)s was not migrated.")
                          % {"field": code, "id": value})  # fmt: skip
        return option

    def resolve(self, rows: list[Translated], outcome) -> list[Translated]:
        """The slice's links as our rows (a deal's company in its values, a contact's
        companies in ``linked``, custom links by our ids), each kind found in two queries:
        the mapping and the readable items. A row naming an item the migration did not
        write, or one the user may not read, is refused (in ``outcome``); the others are
        returned."""
        wanted: dict[str, set[str]] = {}
        for one in rows:
            for name, ids in [*one.links.items(), *one.custom_links.items()]:
                wanted.setdefault(self.link_kinds[name], set()).update(ids)
        found = {kind: self._items(kind, ids) for kind, ids in wanted.items()}
        kept = []
        for one in rows:
            try:
                self._link(one, found)
            except Refused as refusal:
                outcome.refuse(one.bitrix_id, refusal)
                continue
            kept.append(one)
        return kept

    def _items(self, kind: str, bitrix_ids: set[str]) -> dict:
        """The items of ``kind`` migrated as ``bitrix_ids`` that the user may read."""
        ours = self.run.mappings(MappingKind(kind)).of(bitrix_ids)
        model = entity_type(kind).model
        readable = model.objects.restrict(self.run.user, "read").filter(
            pk__in=sorted(set(ours.values())))  # fmt: skip
        readable = lean(readable).in_bulk()
        return {bitrix_id: readable[pk] for bitrix_id, pk in ours.items() if pk in readable}

    def _linked_items(self, name: str, ids: list[str], found: dict) -> list:
        kind = self.link_kinds[name]
        items = found.get(kind, {})
        missing = [pk for pk in ids if pk not in items]
        if missing:
            raise Refused(
                _("%(field)s: the portal's %(item)s %(id)s was not migrated, or is out of your "
                  "reach.") % {"field": name, "item": kind, "id": missing[0]}
            )  # fmt: skip
        return [items[pk] for pk in dict.fromkeys(ids)]

    def _link(self, one: Translated, found: dict) -> None:
        for name, ids in one.links.items():
            linked = self._linked_items(name, ids, found)
            if self.many[name]:
                one.linked[name] = linked
            else:
                one.values[name] = linked[0] if linked else None
        for code, ids in one.custom_links.items():
            pks = [item.pk for item in self._linked_items(code, ids, found)]
            multiple = self.ours_by_code[code].multiple
            one.values.setdefault("custom", {})[code] = pks if multiple else next(iter(pks), None)
