from dictionaries.models import Entry


def entry(list_code: str, code: str) -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def codes(list_code: str, pipeline=None) -> list[str]:
    return list(Entry.objects.of_list(list_code, pipeline).values_list("code", flat=True))
