"""An import: its file, how its columns map to catalogue fields, its options and counts, and
its rows staged in the database so that a worker killed midway resumes where it stopped."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import Job, JobStatus


class DuplicateMode(models.TextChoices):
    SKIP = "skip", _("Skip: count it, change nothing")
    MERGE = "merge", _("Merge: fill the existing item's empty fields, add phones and e-mails")
    REPLACE = "replace", _("Replace: overwrite the mapped fields")
    ALLOW = "allow", _("Allow: create anyway")


class ImportJob(models.Model):
    """One file to import into one item type. A draft until started; then its ``job`` (the
    job spine's row) holds the status and the progress, and the counts here say what the rows
    did."""

    DRAFT = "draft"

    entity = models.CharField(_("item type"), max_length=32)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.CASCADE,
        related_name="imports",
    )  # fmt: skip
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)  # csv, xlsx, html
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("mapping"), default=dict)  # header -> field code ("" skips)
    duplicates = models.CharField(
        _("duplicates"), max_length=8, choices=DuplicateMode, default=DuplicateMode.SKIP
    )
    match_by = models.JSONField(_("match by"), default=list)
    defaults = models.JSONField(_("defaults"), default=dict)  # field code -> value
    job = models.OneToOneField(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_job"
    )
    staged = models.BooleanField(default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    # The items created because rows named them (a contact's company): {item type: [ids]}.
    linked = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def status(self) -> str:
        return self.job.status if self.job_id else self.DRAFT

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class RowOutcome(models.TextChoices):
    PENDING = "pending", _("pending")
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    SKIPPED = "skipped", _("skipped")
    FAILED = "failed", _("rejected")


class ImportRow(models.Model):
    """One row of an import's file (``line``: its line or row number there), as read, and
    what became of it: the item it created or updated, or why it was rejected."""

    import_job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    cells = models.JSONField()
    # The lines that continue this row: a company's further requisites, a deal's further
    # products (Bitrix24's files), as [[line, cells], ...].
    more = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=8, choices=RowOutcome, default=RowOutcome.PENDING)
    reason = models.TextField(blank=True)
    item_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["import_job", "outcome"])]

    def __str__(self):
        return f"{self.import_job_id}:{self.line} {self.outcome}"
