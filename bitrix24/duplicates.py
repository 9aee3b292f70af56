"""``crm.duplicate.findbycomm``: the leads, contacts and companies having one of up to 20
phones or e-mails, as ids per entity type (``{"CONTACT": [5, 9]}``).

Values are compared normalised (phones in E.164, e-mails in lower case), as the client
matcher compares them, and only among the items the user may read: a hidden item is never
named nor counted. Companies and contacts go through the matcher itself; leads, which it
does not know, through the same normalised column of their phones and e-mails.
"""

from django.utils.translation import gettext as _

from companies.matching import ClientFacts, Order, Policy, Signal, match_clients
from companies.models import Communication
from deals.models import Lead

from .errors import bad_argument
from .methods import method
from .params import as_list, is_none

MAX_VALUES = 20
# Bitrix24 gives at most about this many ids of a type (and stops after a type that has
# them); the order it looks in.
MAX_FOUND = 20
TYPES = ("LEAD", "CONTACT", "COMPANY")
SIGNALS = {"PHONE": Signal.PHONE, "EMAIL": Signal.EMAIL}


def _lead_ids(user, signal: Signal, values: tuple[str, ...]) -> list[int]:
    readable = Lead.objects.restrict(user, "read").values("pk")
    found = Communication.objects.filter(
        channel=signal.value, normalized__in=values, lead__in=readable
    ).order_by("lead_id").values_list("lead_id", flat=True).distinct()  # fmt: skip
    return list(found[:MAX_FOUND])


def _client_ids(user, kind: str, signal: Signal, facts: ClientFacts) -> list[int]:
    signals = frozenset({signal})
    policy = Policy(f"findbycomm {kind}", company=signals if kind == "company" else frozenset(),
                    contact=signals if kind == "contact" else frozenset(), across_kinds=signals,
                    order=Order.OLDEST, limit=MAX_FOUND)  # fmt: skip
    return sorted(match.item.pk for match in match_clients(facts, policy, user=user))


def _values(params) -> list[str]:
    given = params.get("values")
    values = [] if is_none(given) else as_list(given)
    if not values:
        raise bad_argument(_("Communication values is not defined"), "values")
    if len(values) > MAX_VALUES:
        raise bad_argument(_("At most %d values are looked up at once.") % MAX_VALUES, "values")
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise bad_argument(_("Each value is a phone number or an e-mail address."), "values")
    return [str(v) for v in values]


@method("crm.duplicate.findbycomm", scope="crm")
def duplicate_findbycomm(user, params):
    """``type`` PHONE or EMAIL, ``values``, and ``entity_type`` (LEAD, CONTACT, COMPANY; all
    three when left out). Values that are no phone or e-mail match nothing."""
    kind = str(params.get("type") or "").strip().upper()
    if not kind:
        raise bad_argument(_("Communication type is not defined"), "type")
    if kind not in SIGNALS:
        raise bad_argument(_("Communication type '%s' is not supported in current context")
                           % kind, "type")  # fmt: skip
    given = params.get("entity_type")
    wanted = str(given).strip().upper() if not is_none(given) else ""
    if wanted and wanted not in TYPES:
        raise bad_argument(_("Entity type %s is not supported.") % wanted, "entity_type")
    signal, values = SIGNALS[kind], _values(params)
    facts = ClientFacts.build(None, **{f"{signal.value}s": values})
    found = {}
    for name in [wanted] if wanted else TYPES:
        normalised = getattr(facts, f"{signal.value}s")
        ids = (_lead_ids(user, signal, normalised) if name == "LEAD"
               else _client_ids(user, name.lower(), signal, facts))  # fmt: skip
        if ids:
            found[name] = ids
        if len(ids) >= MAX_FOUND:
            break
    return found or []  # PHP's empty array
