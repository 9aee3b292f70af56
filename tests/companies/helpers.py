from dictionaries.models import Entry


def entry(list_code: str, code: str) -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def phone(value: str, kind: str = "work") -> dict:
    return {"value": value, "kind": kind}
