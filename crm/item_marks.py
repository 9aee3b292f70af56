"""What other apps show on each item of a page of items (a list's rows, a board's cards): the
next activity, for one. An app registers a reader; the list and board views call every
reader once per page, so a mark costs a constant number of queries per page, never one per
item, and the framework imports nothing of the app."""

from collections.abc import Callable

_readers: list[Callable] = []


def register_item_marks(reader: Callable) -> None:
    """``reader(model, items, user)`` sets what it shows as attributes of each of ``items``
    (items of ``model`` that ``user`` may read), in a constant number of queries."""
    if reader not in _readers:
        _readers.append(reader)


def mark_items(model, items: list, user) -> None:
    """Let every registered reader mark ``items`` for ``user``."""
    if items:
        for reader in _readers:
            reader(model, items, user)
