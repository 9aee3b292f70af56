"""Writing many rows in one statement: PostgreSQL ``COPY``, ``bulk_create`` elsewhere.

Used by the bulk item services (``crm.services.items_bulk_create``: the items, their phones
and e-mails, their history) and by the benchmark fixtures (``crm.bulkload``). A row is a
tuple of values in the order of a list of attnames (``responsible_id``, not
``responsible``). On PostgreSQL the new rows' ids are taken from the primary key's sequence
first (one statement), so the rows that point at them can be written next without reading
anything back; other databases get one ``bulk_create`` per table (SQLite splits it into
batches of its 999 parameters). The writers take the cursor to write through (default: a new
one of the thread's connection): the bulk item services write a chunk in a thread of its own,
through a cursor of the caller's connection, inside the caller's transaction.
"""

import contextlib
import functools
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone


def copy_rows(cursor, model, attnames: Sequence[str], rows: Iterable[tuple]) -> None:
    """Stream ``rows`` into ``model``'s table with COPY (PostgreSQL, psycopg 3).

    The COPY goes through the connection's execute wrappers like every other statement, so
    what counts statements sees it (Django logs it with the queries when they are logged:
    ``DEBUG``, ``CaptureQueriesContext``, ``assertNumQueries``). The connection is the
    cursor's (``cursor.db``), whichever thread writes through it."""
    db = cursor.db
    table = db.ops.quote_name(model._meta.db_table)
    columns = (model._meta.get_field(name).column for name in attnames)
    names = ", ".join(db.ops.quote_name(column) for column in columns)
    sql = f"COPY {table} ({names}) FROM STDIN"

    def copy_them(sql, params, many, context):
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    executor = copy_them
    for wrapper in reversed(db.execute_wrappers):
        executor = functools.partial(wrapper, executor)
    executor(sql, None, False, {"connection": db, "cursor": cursor})


def reserve_ids(cursor, model, count: int) -> list[int]:
    """``count`` new ids from the primary key's sequence of ``model`` (PostgreSQL)."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_new_rows(cursor, model, attnames: Sequence[str], rows: Sequence[tuple]) -> list[int]:
    """Stream ``rows`` with COPY under ids taken from the primary key's sequence first; the ids,
    for the rows that point at these."""
    ids = reserve_ids(cursor, model, len(rows))
    copy_rows(
        cursor,
        model,
        (model._meta.pk.attname, *attnames),
        ((pk, *row) for pk, row in zip(ids, rows, strict=True)),
    )
    return ids


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def _writing(cursor):
    """``cursor``, or a new cursor of the thread's connection for the time of one write."""
    if cursor is not None:
        yield cursor
    else:
        with connection.cursor() as new:
            yield new


def insert_rows(model, attnames: Sequence[str], rows: Sequence[tuple], cursor=None) -> None:
    """Insert ``rows`` (tuples of ``attnames``' values) in one statement."""
    if not rows:
        return
    if uses_copy():
        with _writing(cursor) as cursor:
            copy_rows(cursor, model, attnames, rows)
        return
    model._default_manager.bulk_create(
        model(**dict(zip(attnames, row, strict=True))) for row in rows
    )


def _value_getters(fields, db) -> list:
    """How each field's value is read from an unsaved instance for COPY: the attribute as
    it is for the plain types psycopg writes itself, Django's conversion for the rest (JSON,
    ...); ``auto_now``/``auto_now_add`` fields get their time as ``save()`` gives it."""
    plain = (
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.BooleanField,
        models.DecimalField,
        models.DateField,  # DateTimeField too
        models.ForeignKey,
        models.AutoField,
    )
    getters = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            getters.append(lambda obj, field=field: field.pre_save(obj, add=True))
        elif isinstance(field, models.JSONField):
            getters.append(
                lambda obj, f=field: (
                    json.dumps(getattr(obj, f.attname), cls=f.encoder)
                    if getattr(obj, f.attname) is not None
                    else None
                )
            )
        elif isinstance(field, plain):
            getters.append(lambda obj, name=field.attname: getattr(obj, name))
        else:
            getters.append(lambda obj, f=field: f.get_db_prep_save(getattr(obj, f.attname), db))
    return getters


def insert_objects(
    model, objects: Sequence[models.Model], *, new_ids: bool = False, cursor=None
) -> None:
    """Insert unsaved instances of ``model`` in one statement; with ``new_ids`` each gets its
    primary key (taken from the sequence first on PostgreSQL). The instances are then saved
    ones (``_state.adding`` is False)."""
    if not objects:
        return
    alias = connection.alias
    if not uses_copy():
        model._default_manager.bulk_create(objects)
    else:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        with _writing(cursor) as cursor:
            alias = cursor.db.alias
            getters = _value_getters(fields, cursor.db)
            attnames = [f.attname for f in fields]
            if new_ids:
                for obj, pk in zip(objects, reserve_ids(cursor, model, len(objects)), strict=True):
                    obj.pk = pk
                attnames.insert(0, model._meta.pk.attname)
                getters.insert(0, lambda obj: obj.pk)
            copy_rows(cursor, model, attnames, (tuple(g(o) for g in getters) for o in objects))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = alias


def insert_dicts(model, rows: Sequence[dict], cursor=None) -> None:
    """Insert rows given as dicts of field values (``{"author": user, "kind": ...}``; a field
    left out takes its default) in one statement, without making an instance of each."""
    if not rows:
        return
    if not uses_copy():
        model._default_manager.bulk_create(model(**row) for row in rows)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    getters = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            getters.append(lambda row, name=field.name: row.get(name) or now)
        elif field.many_to_one:
            getters.append(
                lambda row, f=field: _pk(row[f.name]) if f.name in row else row.get(f.attname)
            )
        elif isinstance(field, models.JSONField):
            getters.append(lambda row, f=field: _json(f, row.get(f.name)))
        else:
            getters.append(lambda row, f=field: row[f.name] if f.name in row else f.get_default())
    with _writing(cursor) as cursor:
        copy_rows(
            cursor,
            model,
            [f.attname for f in fields],
            (tuple(get(row) for get in getters) for row in rows),
        )


def update_objects(model, objects: Sequence[models.Model], attnames: Sequence[str]) -> None:
    """Write ``attnames`` of saved instances of ``model``, each its own values, in one
    ``UPDATE ... FROM`` (``bulk_update`` writes a CASE per column and row, several times
    slower): on PostgreSQL from one array per column (a handful of parameters whatever the
    rows), elsewhere from a ``VALUES`` list per batch of the database's parameters (SQLite
    from 3.33). ``auto_now`` fields get the time of the write."""
    if not objects:
        return
    meta, ops = model._meta, connection.ops
    fields = [meta.pk, *(meta.get_field(name) for name in attnames if name != meta.pk.attname)]
    for field in fields:
        if getattr(field, "auto_now", False):
            for obj in objects:
                field.pre_save(obj, add=False)
    columns = [ops.quote_name(f.column) for f in fields]
    names = ", ".join(columns)
    table = ops.quote_name(meta.db_table)
    update = (
        f"UPDATE {table} SET {', '.join(f'{c} = v.{c}' for c in columns[1:])} "  # noqa: S608
        f"FROM {{source}} WHERE {table}.{columns[0]} = v.{columns[0]}"
    )
    types = [f.db_type(connection) for f in fields]
    with connection.cursor() as cursor:
        if uses_copy():
            arrays = ", ".join(f"CAST(%s AS {db_type}[])" for db_type in types)
            source = f"unnest({arrays}) AS v({names})"
            cursor.execute(update.format(source=source), _column_values(fields, objects))
            return
        row = "(" + ", ".join(f"CAST(%s AS {db_type})" for db_type in types) + ")"
        size = max(1, ops.bulk_batch_size(fields, objects))
        for start in range(0, len(objects), size):
            part = objects[start : start + size]
            values = ", ".join([row] * len(part))
            source = f"(WITH v({names}) AS (VALUES {values}) SELECT * FROM v) AS v"  # noqa: S608
            by_row = zip(*_column_values(fields, part), strict=True)
            params = [value for row_values in by_row for value in row_values]
            cursor.execute(update.format(source=source), params)


def _column_values(fields, objects) -> list[list]:
    """Each field's database values for ``objects``, one list per field."""
    return [
        [f.get_db_prep_save(getattr(o, f.attname), connection) for o in objects] for f in fields
    ]


def _pk(obj):
    return obj.pk if obj is not None else None


def _json(field, value):
    if value is None:
        value = field.get_default()
    return None if value is None else json.dumps(value, cls=field.encoder)


def ids_in(ids: Sequence[int]):
    """What ``pk__in=`` takes for a long list of ids: on PostgreSQL one array parameter
    (``unnest``) instead of one parameter per id, which Django and the server take much
    longer to build and parse for thousands of ids."""
    return values_in(ids, "bigint")


def values_in(values, db_type: str):
    """``ids_in`` for values of any type (``"text"`` for phones): what ``field__in=`` takes."""
    if not uses_copy():
        return list(values)
    return RawSQL(f"SELECT unnest(%s::{db_type}[])", [list(values)])  # noqa: S611 (a type name of ours)
