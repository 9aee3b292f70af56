"""Case-insensitive text lookups that work alike on SQLite and PostgreSQL, for every script.

SQLite's ``LIKE`` and ``UPPER()`` ignore the case of ASCII letters only, so on the quick
start's database ``северный`` did not find "Северный ветер" nor ``CAFÉ`` "Café". Django's
``iexact``, ``icontains``, ``istartswith`` and ``iendswith`` are replaced, once for every
field (``register()``, from ``CrmConfig.ready``), by subclasses that on SQLite compare both
sides case-folded by ``crm_casefold``, a deterministic Python function every new SQLite
connection gets (``str.casefold``: ``Straße`` is ``strasse``); on PostgreSQL, whose
``UPPER()`` knows every script, they are Django's own, unchanged. Every door (search boxes,
list filters, the admin, the Bitrix24 facade's filters) uses them without asking.
"""

from django.db.backends.signals import connection_created
from django.db.models import Field, lookups

FUNCTION = "crm_casefold"


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def _add_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, _casefold, deterministic=True)


class _Casefolded:
    """On SQLite: ``crm_casefold(column) LIKE crm_casefold(pattern)`` with Django's pattern."""

    def as_sqlite(self, compiler, connection):
        lhs_sql, params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        params.extend(rhs_params)
        rhs_sql = self.get_rhs_op(connection, f"{FUNCTION}({rhs_sql})")
        return f"{FUNCTION}({lhs_sql}) {rhs_sql}", params


class IExact(_Casefolded, lookups.IExact):
    pass


class IContains(_Casefolded, lookups.IContains):
    pass


class IStartsWith(_Casefolded, lookups.IStartsWith):
    pass


class IEndsWith(_Casefolded, lookups.IEndsWith):
    pass


def register() -> None:
    """Put these lookups in the place of Django's, for every field, and give each SQLite
    connection made from now on the function they call (and the one open already, if any)."""
    for lookup in (IExact, IContains, IStartsWith, IEndsWith):
        Field.register_lookup(lookup)
    connection_created.connect(_add_function, dispatch_uid=FUNCTION)
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _add_function(None, connection)
