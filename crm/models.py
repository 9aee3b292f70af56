"""Abstract base of every CRM item (company, contact, deal, lead) and the money field."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import RestrictedQuerySet


class MoneyField(models.DecimalField):
    """An amount of money: never negative, at most 13 digits before the point and 2 after.

    The one bound of every amount (a company's revenue, a deal's or a lead's amount): 15
    significant digits is what every database we run on stores exactly. SQLite keeps decimals
    as REAL (a double, 15 significant digits), so ``9999999999999999.99`` would be written as
    ``1E16`` and then break every read of its row (``decimal.InvalidOperation``). The bound is
    ``max_digits``, so model validation (``full_clean()`` in the services and model forms) and
    the API serializers refuse a larger amount with the field named, and the OpenAPI schema
    shows it.
    """

    MAX_DIGITS = 15
    DECIMAL_PLACES = 2
    default_validators = [MinValueValidator(0)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", self.MAX_DIGITS)
        kwargs.setdefault("decimal_places", self.DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


class CrmItem(models.Model):
    """Who is responsible, who may see it (``opened``), who made and changed it, and when.

    ``version`` goes up by one with every update, so an edit made on an outdated copy is
    detected instead of silently overwriting someone else's change.
    """

    name_fields: tuple[str, ...] = ()  # where a typed name is looked for (crm.filters.named)

    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened = models.BooleanField(
        _("available to everyone"),
        default=True,
        help_text=_("Visible to everybody whose role allows seeing open items."),
    )
    comments = models.TextField(_("comments"), blank=True, max_length=20_000)
    # The values of the custom fields admins add, by code (``crm.custom_values``): adding or
    # removing a field rewrites no row.
    custom = models.JSONField(
        _("custom fields"), default=dict, db_default={}, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modified by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    access_owner_field = "responsible"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class FilterPreset(models.Model):
    """A list filter a user saved under a name, per kind of list (``companies``, ...)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    list_name = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(max_length=2000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"], name="filter_preset_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class ListColumns(models.Model):
    """The columns one user chose for the list of one item type (``company``, ...), in order;
    without a row the list shows its default columns (``crm.list_columns``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    entity = models.CharField(max_length=32)
    columns = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "entity"], name="list_columns_unique_entity")
        ]

    def __str__(self):
        return f"{self.entity}: {', '.join(self.columns)}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs ``user`` may watch: their own; every job for a superuser."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self if user.is_superuser else self.filter(requester=user)


class Job(models.Model):
    """Long work done in the background for a person: a bulk action on a filtered list (later
    imports and exports), described by ``kind`` (``bulk.update``) and JSON ``parameters``.

    What it guarantees (``crm.jobs`` keeps these promises):

    - the row is committed before its task is enqueued, so a worker always finds it, and a job
      started in a transaction that rolls back never runs;
    - ``status`` goes queued -> running -> done or failed, never back; a failed job says why in
      ``error``, in words its requester may read;
    - the work is done in chunks of rows taken in primary-key order, and each chunk commits
      its work together with ``done``, ``failed``, ``failures`` and ``cursor`` (the primary key
      of the last row of the chunk): a job whose worker died resumes right after the last
      committed chunk, and no row is ever done twice;
    - ``total`` and ``last_pk`` are fixed when the job starts: rows added later are left out;
    - ``failures`` keeps the first ``MAX_FAILURES`` failed rows with their reason
      (``{"id", "reason"}``); ``failed`` counts them all.
    """

    MAX_FAILURES = 100

    kind = models.CharField(_("kind"), max_length=32)
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus, default=JobStatus.QUEUED
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    total = models.PositiveIntegerField(_("total"), null=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    failures = models.JSONField(_("failed rows"), default=list)
    cursor = models.BigIntegerField(default=0)
    last_pk = models.BigIntegerField(null=True)
    error = models.TextField(_("error"), blank=True)
    result = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True)
    finished_at = models.DateTimeField(_("finished"), null=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["requester", "-id"], name="job_requester")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
