"""What ``*.fields`` methods say of one field, as Bitrix24 says it: its type, the six flags
and its title (``upperName`` for the camelCase methods, such as ``crm.category.fields``)."""


def described(kind: str, title: str, *, required=False, read_only=False, immutable=False,
              upper: str = "") -> dict:  # fmt: skip
    description = {"type": kind, "isRequired": required, "isReadOnly": read_only,
                   "isImmutable": immutable, "isMultiple": False, "isDynamic": False,
                   "title": title}  # fmt: skip
    if upper:
        description["upperName"] = upper
    return description
