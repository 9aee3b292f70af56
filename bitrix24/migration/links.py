"""A slice's links to several items (a contact's companies, a deal's contacts) made as the
portal has them: those it lacks added in one go through the bulk link writers of the
services, those the portal no longer has (and the user may read) removed through the
one-link services, history on both sides either way."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .values import lean


def differences(user, model, name: str, written: list) -> tuple[dict, list, dict]:
    """For the rows ``written`` (``Translated``, our ids known) and their ``linked[name]``:
    our items by id (read in one query, for history), the ``(item, other)`` pairs to add,
    and ``{item id: [others the portal no longer links]}`` among those ``user`` may read."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    own, other = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    wanting = [one for one in written if name in one.linked]
    ids = [one.our_id for one in wanting]
    current: dict[int, set[int]] = {}
    for pk, linked in through.objects.filter(**{f"{own}__in": ids}).values_list(own, other):
        current.setdefault(pk, set()).add(linked)
    items = lean(model._base_manager.all()).in_bulk(ids)
    added, removed = [], {}
    for one in wanting:
        have = current.get(one.our_id, set())
        wanted = {linked.pk for linked in one.linked[name]}
        added += [(items[one.our_id], linked) for linked in one.linked[name]
                  if linked.pk not in have]  # fmt: skip
        if have - wanted:
            removed[one.our_id] = sorted(have - wanted)
    if removed:
        readable = set(
            field.related_model.objects.restrict(user, "read")
            .filter(pk__in=sorted({pk for pks in removed.values() for pk in pks}))
            .values_list("pk", flat=True)
        )  # fmt: skip
        removed = {pk: [o for o in others if o in readable] for pk, others in removed.items()}
        removed = {pk: others for pk, others in removed.items() if others}
    return items, added, removed


def refuse_links(outcome, written: list, ids, refusal) -> None:
    """The rows whose items were written without their links, and why."""
    ids = set(ids)
    for one in written:
        if one.our_id in ids:
            outcome.refuse(one.bitrix_id, _("written without its links: %s") % _text(refusal))


def _text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


LINK_REFUSALS = (PermissionDenied, ValidationError)
