"""What each Bitrix24 id of a portal is here (``PortalMapping``), read and written by kind in a
constant number of statements: one query for the ids of a slice of rows, one statement
(PostgreSQL's COPY, ``crm.bulkwrite``) for the new pairs.

The ids of a slice are given to the query as one array (``= ANY(%s)``; a plain list
elsewhere): as ``crm.bulkwrite.values_in``'s subquery they were planned as a nested loop over
the whole kind while the table, filling up, had no statistics yet (37 s for 5,000 ids among
30,000 rows, against milliseconds), and as a list of 5,000 parameters the query took longer
to build than to run."""

from django.db import connection

from crm.bulkwrite import insert_rows

from ..models import PortalMapping


class Mappings:
    """The pairs of one portal and one kind (``MappingKind``)."""

    def __init__(self, portal, kind: str):
        self.portal, self.kind = portal, kind

    def _rows(self):
        return PortalMapping.objects.filter(portal=self.portal, kind=self.kind)

    def all(self) -> dict[str, int]:
        return dict(self._rows().values_list("bitrix_id", "our_id"))

    def of(self, bitrix_ids) -> dict[str, int]:
        """Ours of ``bitrix_ids`` (those known), in one query."""
        wanted = sorted({str(pk) for pk in bitrix_ids})
        if not wanted:
            return {}
        if connection.vendor != "postgresql":
            return dict(self._rows().filter(bitrix_id__in=wanted).values_list("bitrix_id",
                                                                             "our_id"))  # fmt: skip
        with connection.cursor() as cursor:  # one array parameter, searched in the index
            cursor.execute(
                f"SELECT bitrix_id, our_id FROM {PortalMapping._meta.db_table} "  # noqa: S608
                "WHERE portal_id = %s AND kind = %s AND bitrix_id = ANY(%s)",
                [self.portal.pk, self.kind, wanted],
            )
            return dict(cursor.fetchall())

    def record(self, pairs: dict, *, replaced=()) -> None:
        """Remember ``{bitrix id: our id}``; ``replaced``: Bitrix24 ids known already whose
        item here is gone (made again), their old pairs dropped first."""
        replaced = [str(pk) for pk in replaced]
        if replaced:
            self._rows().filter(bitrix_id__in=replaced).delete()
        rows = [(self.portal.pk, self.kind, str(bitrix_id), our_id)
                for bitrix_id, our_id in pairs.items()]  # fmt: skip
        insert_rows(PortalMapping, ("portal_id", "kind", "bitrix_id", "our_id"), rows)
