"""Pages of 50 of a list, as the clients walk them: fast-bitrix24's ``get_all`` and b24pysdk's
``as_list`` send one ``batch`` of up to 50 commands for the pages ``start=50, 100, ...`` of
one list.

Within one call (a batch is one transaction), the same list's ``total`` is counted once, and
a page that follows the one just read in ID order continues after that page's last id (no
OFFSET rescanning the rows before it). What is remembered is forgotten at the end of the call
and after any write of the item methods (``forget()``), so nothing read is staler than a count
per command would be. A page's rows are one query: the page's ids in a subquery (its OFFSET
walks an index of ids, not the rows with their joins).
"""

import threading

from django.db import connection

from .methods import PAGE_SIZE, page_of

_remembered = threading.local()


def _memory() -> dict:
    """What this call remembered: kept while the call's transaction lasts (the outermost
    one but a test's)."""
    blocks = [block for block in connection.atomic_blocks
              if not getattr(block, "_from_testcase", False)]  # fmt: skip
    if not blocks:
        return {}
    outer = blocks[0]
    if getattr(_remembered, "block", None) is not outer:
        _remembered.block, _remembered.values = outer, {}
    return _remembered.values


def forget() -> None:
    """Drop what the call remembered (an item was written: counts and pages move)."""
    _remembered.__dict__.clear()


def page(items, key, start: int, columns: list[str]) -> tuple[list, int | None, int | None]:
    """The page of ``items`` (ordered) from ``start`` as the values of ``columns``, with
    ``total`` and the next offset; a negative ``start``: the first page without counting (no
    total, no next). ``key`` names the list: the same for the same filter and order."""
    memory = _memory()
    total = following = None
    offset = 0
    if start >= 0:
        if ("total", key) not in memory:
            memory[("total", key)] = items.count()
        total = memory[("total", key)]
        offset, following = page_of(start, total)
    ordering = tuple(items.query.order_by)
    by_id = len(ordering) == 1 and ordering[0].lstrip("-") in ("pk", items.model._meta.pk.name)
    after = memory.get(("end", key, offset)) if by_id else None
    if after is not None:
        rows = items.filter(**{"pk__lt" if ordering[0].startswith("-") else "pk__gt": after})
        rows = rows[:PAGE_SIZE]
    else:
        ids = items.values("pk")[offset : offset + PAGE_SIZE]
        rows = items.model.objects.filter(pk__in=ids).order_by(*ordering)
    found = list(rows.values(*columns))
    if found:
        memory[("end", key, offset + len(found))] = found[-1]["id"]
    return found, total, following
