"""Filtering and ordering short lists of rows in memory, as Bitrix24's list methods that
answer in one piece do (``crm.status.list``, ``crm.dealcategory.list``, presets): exact
values of the row's own columns, ``order`` a map of columns to ``ASC``/``DESC``."""

from django.utils.translation import gettext as _

from .errors import bad_argument
from .params import as_map, is_none


def filtered(rows: list[dict], params, columns) -> list[dict]:
    """The rows whose columns equal the ``filter``'s values (as text; ``=ID`` is ``ID``).
    A key that is no column, or a value that is no single value, is a 400: a filter left out
    would answer more than was asked."""
    conditions = {}
    for key, value in as_map(params, "filter").items():
        name = str(key).upper().removeprefix("=")
        if name not in columns or isinstance(value, dict | list):
            raise bad_argument(_("Unknown filter field %s.") % key, f"filter[{key}]")
        conditions[name] = "" if is_none(value) else str(value).strip()
    return [r for r in rows if all(str(r[k] or "") == v for k, v in conditions.items())]


def ordered(rows: list[dict], params, columns, numeric, default) -> list[dict]:
    """``rows`` in the ``order`` asked (``default`` when none), ``numeric`` columns compared
    as numbers; a column that is not one of ``columns`` or a direction not ASC/DESC is a
    400."""
    given = [(str(k).upper(), str(v).upper()) for k, v in as_map(params, "order").items()]
    for name, direction in reversed(given or default):
        if name not in columns or direction not in ("ASC", "DESC"):
            raise bad_argument(_("Cannot order by %(field)s %(direction)s.")
                               % {"field": name, "direction": direction}, "order")  # fmt: skip
        rows.sort(key=lambda r: int(r[name] or 0) if name in numeric else str(r[name] or ""),
                  reverse=direction == "DESC")  # fmt: skip
    return rows
