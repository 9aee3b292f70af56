"""The peer of the import benchmark: django-import-export 4.4.3 in its fastest documented mode.

Its "Bulk imports" page, "Performance tuning": ``use_bulk`` (instances kept in lists and written
by ``bulk_create()`` / ``bulk_update()`` every ``batch_size`` rows), ``CachedInstanceLoader``
(an import that creates and updates, with the existing instances held in memory: one query),
``skip_diff`` (no copy of each instance, no diff), and a ``ForeignKeyWidget`` subclass that
caches its queryset instead of reading it for each row. ``force_init_instance`` is advised for
imports that only create: this one updates a tenth of its rows, so it stays off.
``skip_unchanged`` needs the diff, so it is off too. The file is read as the package reads an
``.xlsx`` (``base_formats.XLSX().create_dataset``: openpyxl in read-only mode into a tablib
``Dataset``), with its default of one transaction around the whole import.

What it writes, into our tables: the company (name, type, industry and source by their code or
their name, revenue, city, comment; the responsible person, its creator and modifier), its two
phones and its e-mail in ``Communication`` (the values normalised by our own
``companies.communications.clean_values``: the peer has no notion of them), written in bulk
after each batch of companies. A row whose e-mail belongs to an existing company updates it as
our "merge" does: the company's empty fields are filled, its values kept, the phones and e-mails
it lacks added. The peer cannot match a row on a value of another table (``import_id_fields``
are the model's own), so ``before_import`` looks the companies up by e-mail in one query and
hands their ids to it as an ``id`` column. Its ``DecimalWidget`` cannot read "1 234 567,50", so
the revenue goes through our ``crm.fields.parse_decimal``.

What it does not do, and ours does: no rights (no ``restrict``, no check after the write), no
history (no "created/updated by import" event, no field diffs), no ``version`` or
``modified_at`` change on updates, no duplicate search by phone, nor among the file's own rows,
no staging of the rows, no job row, progress or per-chunk checkpoint, no file of rejected rows
(a row it cannot import stops it: ``raise_errors``).
"""

from pathlib import Path

from import_export import fields, resources, widgets
from import_export.formats.base_formats import XLSX
from import_export.instance_loaders import CachedInstanceLoader

from companies import communications as comms
from companies.models import Communication, Company
from crm.fields import parse_decimal
from dictionaries.models import Entry

# The file's channel columns: (column, channel, kind).
CHANNELS = [("Work phone", comms.PHONE, "work"), ("Mobile phone", comms.PHONE, "mobile"),
            ("Work E-mail", comms.EMAIL, "work")]  # fmt: skip
EMAIL_COLUMN = "Work E-mail"


class EntryWidget(widgets.ForeignKeyWidget):
    """An entry of ``list_code`` by its code or its name, case-insensitive (as ours reads the
    file), the list read once: the docs' advice for a ``ForeignKeyWidget`` in bulk mode."""

    def __init__(self, list_code: str):
        super().__init__(Entry)
        self.list_code = list_code
        self.entries = None

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        if self.entries is None:
            self.entries = {}
            for entry in Entry.objects.filter(list_code=self.list_code):
                self.entries[entry.name.casefold()] = self.entries[entry.code.casefold()] = entry
        try:
            return self.entries[str(value).strip().casefold()]
        except KeyError:
            raise ValueError(f"{value!r} is not in {self.list_code}") from None


class RevenueWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return parse_decimal(value)
        except Exception as exc:  # a ValidationError: the peer reports ValueErrors per field
            raise ValueError(str(exc)) from None


class CompanyResource(resources.ModelResource):
    """Companies from the benchmark's file; ``user`` is their responsible person."""

    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    name = fields.Field(attribute="name", column_name="Company name", widget=widgets.CharWidget())
    type = fields.Field(attribute="type", column_name="Company type",
                        widget=EntryWidget("COMPANY_TYPE"))  # fmt: skip
    industry = fields.Field(attribute="industry", column_name="Industry",
                            widget=EntryWidget("INDUSTRY"))  # fmt: skip
    source = fields.Field(attribute="source", column_name="Source", widget=EntryWidget("SOURCE"))
    revenue = fields.Field(attribute="revenue", column_name="Annual revenue",
                           widget=RevenueWidget())  # fmt: skip
    address_city = fields.Field(attribute="address_city", column_name="City",
                                widget=widgets.CharWidget())  # fmt: skip
    comments = fields.Field(attribute="comments", column_name="Comment",
                            widget=widgets.CharWidget())  # fmt: skip

    class Meta:
        model = Company
        fields = ("id", "name", "type", "industry", "source", "revenue", "address_city",
                  "comments")  # fmt: skip
        import_id_fields = ("id",)
        instance_loader_class = CachedInstanceLoader
        use_bulk = True
        batch_size = 1000  # the package's default; its docs found None slower
        skip_diff = True

    def __init__(self, *, user):
        super().__init__()
        self.user = user
        self.channels = {True: [], False: []}  # created / updated: (company, channel values)

    def before_import(self, dataset, **kwargs):
        emails = [str(value or "").strip().lower() for value in dataset[EMAIL_COLUMN]]
        owners = dict(
            Communication.objects.filter(
                channel=comms.EMAIL, company__isnull=False, normalized__in=set(emails)
            ).values_list("normalized", "company_id")
        )
        dataset.append_col([owners.get(email) for email in emails], header="id")

    def init_instance(self, row=None):
        return Company(responsible=self.user, created_by=self.user, modified_by=self.user)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # Merge: an existing company keeps the values it has.
        if instance.pk is not None:
            current = getattr(instance, Company._meta.get_field(field.attribute).attname)
            if current not in (None, ""):
                return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        # Here, before the instance joins a batch: a bad value makes the row invalid.
        values = {}
        for column, channel, kind in CHANNELS:
            values.setdefault(channel, []).append({"value": row[column], "kind": kind})
        cleaned = {channel: comms.clean_values(channel, v) for channel, v in values.items()}
        self.channels[instance.pk is None].append((instance, cleaned))

    def bulk_create(self, *args, **kwargs):
        super().bulk_create(*args, **kwargs)
        self._write_channels(self.channels[True], known=set())

    def bulk_update(self, *args, **kwargs):
        super().bulk_update(*args, **kwargs)
        updated = self.channels[False]
        known = set(
            Communication.objects.filter(company__in=[c for c, _ in updated]).values_list(
                "company_id", "channel", "normalized"
            )
        )
        self._write_channels(updated, known)

    def _write_channels(self, written: list, known: set) -> None:
        """The values of the companies just written that they do not have yet (``known``:
        their ``(company id, channel, normalized)``), in one statement per batch."""
        rows = [
            Communication(
                company=company,
                channel=channel,
                kind=v["kind"],
                value=v["value"],
                normalized=v["normalized"],
                sort=position,
            )
            for company, cleaned in written
            for channel, values in cleaned.items()
            for position, v in enumerate(values)
            if (company.pk, channel, v["normalized"]) not in known
        ]
        Communication.objects.bulk_create(rows, batch_size=self._meta.batch_size)
        written.clear()


def peer_import(path: Path, *, user):
    """Import the file at ``path`` as django-import-export does; its ``Result`` (a row it
    cannot import raises: the benchmark's file has none)."""
    dataset = XLSX().create_dataset(path.read_bytes())
    return CompanyResource(user=user).import_data(dataset, raise_errors=True)
