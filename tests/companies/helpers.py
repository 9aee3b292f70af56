from companies.models import Communication, Company, Contact
from dictionaries.models import Entry
from timeline.models import Event


def entry(list_code: str, code: str) -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def table_snapshot() -> list:
    """Every company, contact, link, communication and event, to prove nothing changed."""
    return [
        list(Company.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        list(Contact.companies.through.objects.order_by("pk").values()),
        list(Communication.objects.order_by("pk").values()),
        list(Event.objects.order_by("pk").values()),
    ]


def phone(value: str, kind: str = "work") -> dict:
    return {"value": value, "kind": kind}
