"""The links an import writes, named in the file as people name them (Bitrix24's files do
the same): a contact's companies and a deal's company by the company's name, a deal's
contacts by their full names ("Ivan Petrov", first name first).

Each name is looked up, for a whole chunk at once, among the items the uploader may read
(``companies.matching.match_each`` by exact name: one query per chunk; the oldest of
namesakes); a name found nowhere becomes a new item through the bulk item service, as the
uploader, so that no link is dropped. What the import created this way is kept on the job
(``ImportJob.linked``): undo deletes it with the rest.
"""

import re

from django.utils.translation import gettext as _

from companies.matching import ClientFacts, Signal, match_each
from companies.services import contact_company_links_write
from crm.entities import entity_type, entity_type_of
from crm.fields import CatalogueField, FieldKind
from crm.services import items_bulk_create
from deals.services import deal_links_write

_PEOPLE_SEPARATORS = re.compile(r"\s*[;,]\s*")
# Linking a contact to a company changes the company too (``contact_link``): the uploader
# must be able to update it; a deal's clients need only be readable (``deal_create``).
_LINK_ACTION = {("contact", "company"): "update"}


def link_fields(fields) -> list[CatalogueField]:
    """The fields of ``fields`` that link other items (a deal's company and contacts)."""
    return [field for field in fields if field.kind == FieldKind.ITEM_LINK]


def names_in(field: CatalogueField, text: str) -> list[str]:
    """The names a cell gives: one company name (a company's name may hold a comma), or
    several people separated by ``;`` or ``,``."""
    text = str(text or "").strip()
    if not text:
        return []
    kind = entity_type_of(field.related_model).key
    parts = _PEOPLE_SEPARATORS.split(text) if kind == "contact" else text.split(";")
    return [part.strip() for part in parts if part.strip()] if field.multiple else [text]


def _facts(kind: str, name: str) -> ClientFacts:
    if kind == "company":
        return ClientFacts.build(kind, name=name)
    return ClientFacts.build(kind, **_person(name))


def _person(name: str) -> dict:
    """A full name as a contact's names: "Ivan Petrov", "Ivan Ivanovich Petrov", "Petrov"."""
    parts = name.split()
    if len(parts) == 1:
        return {"last_name": parts[0]}
    if len(parts) == 3:
        return {"first_name": parts[0], "middle_name": parts[1], "last_name": parts[2]}
    return {"first_name": parts[0], "last_name": " ".join(parts[1:])}


class Linker:
    """The items a run's names point at, found or created once per run."""

    def __init__(self, entity: str, user, references, created: dict | None = None):
        self.entity = entity
        self.user = user
        self.references = references
        self.found: dict[tuple[str, str], object] = {}  # (kind, casefolded name) -> row
        self.refused: dict[tuple[str, str], str] = {}  # a name that could not be created
        self.created: dict[str, list[int]] = dict(created or {})  # earlier chunks' too

    def resolve(self, wanted: dict[str, set[str]]) -> None:
        """Find, or create, the items named ``{kind: {names}}`` (one chunk's)."""
        for kind, names in wanted.items():
            missing = {n for n in names if (kind, n.casefold()) not in self.found}
            missing -= {n for n in names if (kind, n.casefold()) in self.refused}
            if not missing:
                continue
            ordered = sorted(missing)
            model = entity_type(kind).model
            ids = match_each(kind, [_facts(kind, n) for n in ordered], {Signal.EXACT_NAME},
                             user=self.user)  # fmt: skip
            action = _LINK_ACTION.get((self.entity, kind), "read")
            rows = model.objects.restrict(self.user, action).in_bulk([pk for pk in ids if pk])
            new = []
            for name, pk in zip(ordered, ids, strict=True):
                if pk is None:
                    new.append(name)
                elif pk in rows:
                    self.found[(kind, name.casefold())] = rows[pk]
                else:
                    self.refused[(kind, name.casefold())] = _(
                        "you may not change it, so it cannot be linked"
                    )
            self._create(kind, model, new)

    def _create(self, kind: str, model, names: list[str]) -> None:
        if not names:
            return
        spec = entity_type(kind).services.spec
        given = [{"name": n} if kind == "company" else _person(n) for n in names]
        result = items_bulk_create(spec, user=self.user, rows=given, references=self.references)
        rows = model.objects.in_bulk(result.ids)
        for number, pk in result.created.items():
            self.found[(kind, names[number - 1].casefold())] = rows[pk]
        for rejected in result.rejected:
            self.refused[(kind, names[rejected.row - 1].casefold())] = rejected.reason
        self.created.setdefault(kind, []).extend(result.ids)

    def items(self, field: CatalogueField, names: list[str]):
        """The rows ``names`` point at (after ``resolve``), or a ValueError with the reason."""
        kind = entity_type_of(field.related_model).key
        rows = []
        for name in names:
            key = (kind, name.casefold())
            if key in self.refused:
                raise ValueError(
                    _("%(field)s “%(name)s”: %(reason)s")
                    % {"field": field.label, "name": name, "reason": self.refused[key]}
                )
            rows.append(self.found[key])
        return rows


def write_links(entity: str, pairs: dict[str, list[tuple]], user) -> None:
    """The links of the rows written, ``{field code: [(item, other)]}``, each once, with
    "linked" in the history of the other side (and of both for a many-to-many link)."""
    if entity == "contact":
        contact_company_links_write(user=user, pairs=pairs.get("companies", ()))
    elif entity == "deal":
        deal_links_write(user=user, companies=pairs.get("company", ()),
                         contacts=pairs.get("contacts", ()))  # fmt: skip
