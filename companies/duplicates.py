"""Likely duplicates of a company, contact or lead being entered, for the warning on its form:
the client matcher's ``DUPLICATE_WARNING`` policy (same phone or e-mail on any company or
contact, a similar company name, the same first and last name of a contact) in the reader's
scope, with the reasons as text."""

from dataclasses import dataclass, field

from .matching import COMPANY, CONTACT, DUPLICATE_WARNING, ClientFacts, match_clients


@dataclass
class Duplicate:
    item: object
    reasons: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.item._meta.verbose_name)


def find_duplicates(*, user, model, name="", first_name="", last_name="", phones=(), emails=(),
                    exclude=None) -> list[Duplicate]:  # fmt: skip
    """Companies and contacts ``user`` may read that look like the one being saved, best
    first (``exclude``: itself). ``phones``/``emails`` are cleaned values (``{"value",
    "normalized"}``); a reason shows the value as it was typed. A lead (``model`` neither
    company nor contact) is compared by its phones and e-mails only."""
    kind = model._meta.model_name if model._meta.model_name in (COMPANY, CONTACT) else None
    facts = ClientFacts(
        kind,
        name=name,
        first_name=first_name,
        last_name=last_name,
        phones=tuple(p["normalized"] for p in phones),
        emails=tuple(e["normalized"] for e in emails),
        pk=exclude.pk if kind is not None and isinstance(exclude, model) else None,
    )
    typed = {value["normalized"]: value["value"] for value in (*phones, *emails)}
    return [
        Duplicate(match.item, [reason.text(typed) for reason in match.reasons])
        for match in match_clients(facts, DUPLICATE_WARNING, user=user)
    ]
