"""An item named by a call's ``id``, as the caller may see it."""

from crm.validators import parse_id

from .errors import bad_argument, not_found
from .params import is_none


def item_id(params, name: str = "id") -> int:
    """The positive id of ``params[name]``: ``ID is not defined or invalid.`` otherwise."""
    value = params.get(name)
    pk = None if is_none(value) else parse_id(value if isinstance(value, int) else str(value))
    if pk is None:
        raise bad_argument("ID is not defined or invalid.", name)
    return pk


def readable(user, model, pk: int):
    """The item ``pk`` if ``user`` may read it; the 400 ``NOT_FOUND`` otherwise, the same
    for a missing item and a hidden one."""
    item = model.objects.restrict(user, "read").filter(pk=pk).first()
    if item is None:
        raise not_found()
    return item
