"""Bitrix24's CRM entity types: the ids its methods take (``ENTITY_TYPE_ID``,
``entityTypeId``) and the names (``COMPANY``, ``company``), mapped to our registered item
types. Each app names its Bitrix24 entity when it registers the type (``EntityType.bitrix24``),
so the only fact kept here is Bitrix24's numbering."""

from crm.entities import EntityType, entity_types

LEAD, DEAL, CONTACT, COMPANY = 1, 2, 3, 4
IDS = {"LEAD": LEAD, "DEAL": DEAL, "CONTACT": CONTACT, "COMPANY": COMPANY}


def by_name(name) -> EntityType | None:
    """The item type Bitrix24 calls ``name`` in any case (``company``, ``COMPANY``), or None."""
    if not isinstance(name, str):
        return None
    wanted = name.strip().upper()
    return next((t for t in entity_types() if t.bitrix24 and t.bitrix24 == wanted), None)


def by_id(number: int) -> EntityType | None:
    """The item type of Bitrix24's entity type id ``number`` (3: contacts), or None."""
    names = {n: name for name, n in IDS.items()}
    return by_name(names[number]) if number in names else None
