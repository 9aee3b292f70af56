"""Likely duplicates of a company or contact being entered: same phone or e-mail (any
company or contact), or a very similar name. Only items the person may read are shown."""

from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from .models import Communication, Company, Contact

MAX_RESULTS = 10
NAME_SIMILARITY = 0.6


@dataclass
class Duplicate:
    item: object
    reasons: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.item._meta.verbose_name)


def _similar_companies(name: str):
    if connection.vendor == "postgresql":
        # UPPER(name) % 'NAME' uses the trigram index; the similarity keeps the close ones.
        return (
            Company.objects.annotate(upper_name=Upper("name"))
            .filter(upper_name__trigram_similar=name.upper())
            .annotate(similarity=TrigramSimilarity(Upper("name"), name.upper()))
            .filter(similarity__gte=NAME_SIMILARITY)
            .order_by("-similarity")
        )
    return Company.objects.filter(name__iexact=name)


def find_duplicates(*, user, model, name="", first_name="", last_name="", phones=(), emails=(),
                    exclude=None) -> list[Duplicate]:  # fmt: skip
    """Companies and contacts that look like the one being saved (``exclude``: itself)."""
    found: dict[tuple, Duplicate] = {}

    def add(item, reason):
        if exclude is not None and type(item) is type(exclude) and item.pk == exclude.pk:
            return
        found.setdefault((type(item), item.pk), Duplicate(item)).reasons.append(reason)

    values = [(Communication.Channel.PHONE, p["normalized"], p["value"]) for p in phones]
    values += [(Communication.Channel.EMAIL, e["normalized"], e["value"]) for e in emails]
    if values:
        condition = Q()
        for channel, normalized, _value in values:
            condition |= Q(channel=channel, normalized=normalized)
        matches = Communication.objects.filter(condition, lead__isnull=True)[: MAX_RESULTS * 4]
        shown = {normalized: value for _c, normalized, value in values}
        by_owner = {}
        for match in matches:
            owner = (
                ("company", match.company_id) if match.company_id else ("contact", match.contact_id)
            )
            by_owner.setdefault(owner, []).append(
                _("same %(channel)s %(value)s")
                % {"channel": match.get_channel_display(), "value": shown[match.normalized]}
            )
        for model_class, key in ((Company, "company"), (Contact, "contact")):
            ids = [pk for kind, pk in by_owner if kind == key]
            for item in model_class.objects.restrict(user, "read").filter(pk__in=ids):
                for reason in by_owner[(key, item.pk)]:
                    add(item, reason)

    if model is Company and name:
        for item in _similar_companies(name).restrict(user, "read")[:MAX_RESULTS]:
            add(item, _("similar name"))
    if model is Contact and (first_name or last_name):
        same_name = Contact.objects.restrict(user, "read").filter(
            first_name__iexact=first_name, last_name__iexact=last_name
        )
        for item in same_name[:MAX_RESULTS]:
            add(item, _("same name"))
    return list(found.values())[:MAX_RESULTS]
