"""Bulk loading of generated rows, for the benchmark fixtures ``generate_clients`` and
``generate_deals``.

A row is a tuple of values in the order of a list of model attnames; the rows of ``CrmItem``
models end with ``ITEM_FIELDS``. PostgreSQL gets them with ``COPY`` (ids reserved from the
sequence first where other rows point at them), other databases with ``bulk_create``. Their
responsible people are the generated users ``gen_user_<n>``, shared by both commands.
"""

import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connection

from .bulkwrite import copy_new_rows, copy_rows

__all__ = ["copy_new_rows", "copy_rows"]  # used by the generators, kept here for them

USERNAME_PREFIX = "gen_user_"
# The columns every ``crm.models.CrmItem`` has, in the order of ``item_values``.
ITEM_FIELDS = (
    "responsible_id", "opened", "comments", "created_at", "modified_at", "created_by_id",
    "modified_by_id", "version",
)  # fmt: skip


def add_arguments(parser, *, batch_help: str) -> None:
    """The options both commands take: --users, --batch, --seed and --method."""
    parser.add_argument("--users", type=int, default=500, help="responsible people to use")
    parser.add_argument("--batch", type=int, default=10_000, help=batch_help)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--method",
        choices=("auto", "copy", "orm"),
        default="auto",
        help="auto: COPY on PostgreSQL, bulk_create elsewhere",
    )


def resolve_method(method: str, *, needs_ids: bool = True) -> str:
    """``copy`` or ``orm`` for the --method option; ``needs_ids``: the ORM must learn the ids
    of the rows it inserts (other rows point at them)."""
    if method == "auto":
        method = "copy" if connection.vendor == "postgresql" else "orm"
    if method == "copy" and connection.vendor != "postgresql":
        raise CommandError("COPY needs PostgreSQL; use --method orm.")
    if method == "orm" and needs_ids and not connection.features.can_return_rows_from_bulk_insert:
        raise CommandError("This database does not return the ids of bulk inserts.")
    return method


def generated_users(
    count: int, seed: int, names: Callable[[int], tuple[Sequence[str], Sequence[str]]]
) -> list[int]:
    """The ids of gen_user_1..gen_user_<count>, creating the missing ones (unusable passwords)
    with a first and a last name drawn from ``names(seed)``, called only then."""
    user_model = get_user_model()
    usernames = [f"{USERNAME_PREFIX}{n}" for n in range(1, count + 1)]
    users = user_model.objects.filter(username__in=usernames)
    existing = dict(users.values_list("username", "pk"))
    missing = [name for name in usernames if name not in existing]
    if missing:
        first_names, last_names = names(seed)
        rng = random.Random(seed)  # noqa: S311 - fake data
        user_model.objects.bulk_create(
            user_model(
                username=name,
                first_name=rng.choice(first_names),
                last_name=rng.choice(last_names),
                email=f"{name}@example.com",
                password=make_password(None),
            )
            for name in missing
        )
        existing = dict(users.values_list("username", "pk"))
    return [existing[name] for name in usernames]


def item_values(
    rng: random.Random, responsible: int, created: datetime, modified: datetime
) -> tuple:
    """Values of ``ITEM_FIELDS`` for an item made and last changed by its responsible person,
    open to everyone 9 times in 10."""
    return (responsible, rng.random() < 0.9, "", created, modified, responsible, responsible, 1)


def create_rows(model, attnames: Sequence[str], rows: Iterable[tuple]) -> list:
    """Any database: the saved objects of ``rows``, with their given creation and modification
    times (``auto_now_add``/``auto_now`` replace them on insert, so they are written again)."""
    objects = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
    times = [(o.created_at, o.modified_at) for o in objects]
    model.objects.bulk_create(objects, batch_size=1000)
    for obj, (created, modified) in zip(objects, times, strict=True):
        obj.created_at, obj.modified_at = created, modified
    model.objects.bulk_update(objects, ["created_at", "modified_at"], batch_size=500)
    return objects


def analyze(models) -> None:
    """Fresh planner statistics (and visibility map, outside a transaction) on PostgreSQL."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in models]
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {', '.join(tables)}")
