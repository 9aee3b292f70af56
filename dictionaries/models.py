"""Reference lists (one table of entries for every list) and deal pipelines."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.validators import validate_text

from .defaults import DEAL_STAGE, DEFAULT_COLOR, LISTS

color_validator = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("Enter a colour as #RRGGBB, for example #39A8EF.")
)


class Pipeline(models.Model):
    """A deal pipeline ("direction"): its own ordered set of DEAL_STAGE entries.

    Exactly one pipeline is the default one; it cannot be deleted and its stage codes carry no
    prefix. Stage codes of any other pipeline N start with ``C<N>:``, as in Bitrix24, so a stage
    code alone names both the stage and its pipeline.
    """

    name = models.CharField(_("name"), max_length=100)
    sort = models.PositiveIntegerField(_("sort"), default=0)
    is_default = models.BooleanField(_("default pipeline"), default=False, editable=False)

    class Meta:
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_pipeline"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def access_entity(self) -> str:
        """Its row in the rights grid: ``deal`` for the default pipeline, ``deal:<id>`` for
        the others (Bitrix24's DEAL and DEAL_C<id>)."""
        return "deal" if self.is_default else f"deal:{self.pk}"

    @property
    def stage_code_prefix(self) -> str:
        return "" if self.is_default else f"C{self.pk}:"


class Semantics(models.TextChoices):
    PROCESS = "process", _("In progress")
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")


class EntryQuerySet(models.QuerySet):
    def of_list(self, list_code: str, pipeline: Pipeline | None = None):
        """The entries of one list (of one pipeline for deal stages), in their order."""
        return self.filter(list_code=list_code, pipeline=pipeline).order_by("sort", "id")

    def with_code(self, code):
        """The entries whose code is ``code``; none, without a query, for a value that no code
        can be (not text, too long, or holding what PostgreSQL refuses to compare, like NUL)."""
        max_length = self.model._meta.get_field("code").max_length
        if not isinstance(code, str) or len(code) > max_length:
            return self.none()
        try:
            validate_text(code)
        except ValidationError:
            return self.none()
        return self.filter(code=code)


class Entry(models.Model):
    """One value of a reference list, for example the company type CUSTOMER.

    ``code`` is stable and unique within its list (Bitrix24's STATUS_ID); ``name`` is what people
    see and may be renamed, ``original_name`` keeps the shipped name for "reset". Stage lists
    (lead, deal and quote stages) give each entry a ``semantics``; other lists leave it empty.
    The rules (system entries, stage rules, ordering) live in ``dictionaries.services``.
    """

    list_code = models.CharField(
        _("list"), max_length=32, choices=[(spec.code, spec.name) for spec in LISTS]
    )
    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("pipeline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stages",
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    original_name = models.CharField(_("original name"), max_length=100, blank=True)
    sort = models.PositiveIntegerField(_("sort"), default=0)
    color = models.CharField(
        _("colour"), max_length=7, default=DEFAULT_COLOR, validators=[color_validator]
    )
    is_system = models.BooleanField(_("system"), default=False)
    semantics = models.CharField(_("semantics"), max_length=10, choices=Semantics, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference list entry")
        verbose_name_plural = _("reference list entries")
        ordering = ["list_code", "pipeline_id", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["list_code", "code"], name="entry_code_unique"),
            models.CheckConstraint(
                condition=(
                    Q(list_code=DEAL_STAGE, pipeline__isnull=False)
                    | (~Q(list_code=DEAL_STAGE) & Q(pipeline__isnull=True))
                ),
                name="entry_pipeline_only_for_deal_stages",
            ),
        ]
        indexes = [models.Index(fields=["list_code", "pipeline", "sort"], name="entry_order")]

    def __str__(self):
        return self.name

    @property
    def can_reset(self) -> bool:
        return bool(self.original_name) and self.name != self.original_name


class CustomField(models.Model):
    """A field an admin added to an item type (Bitrix24's ``UF_CRM_*`` user fields).

    Its values live in the items' ``custom`` JSON column under ``code``; the definition joins
    the field catalogue (``crm.fields``), so every door reads and writes it like a system
    field. A deleted field keeps its row (``deleted_at``): its code is never given again.
    ``options`` of a list field are ``[{"id", "label", "sort"}]``, ids stable for ever.
    """

    class Kind(models.TextChoices):
        STRING = "string", _("string")
        TEXT = "text", _("text")
        INTEGER = "integer", _("integer")
        DECIMAL = "decimal", _("decimal number")
        MONEY = "money", _("money")
        DATE = "date", _("date")
        DATETIME = "datetime", _("date and time")
        BOOLEAN = "boolean", _("yes or no")
        LIST = "list", _("list")
        URL = "url", _("web address")
        EMAIL = "email", _("e-mail")
        PHONE = "phone", _("phone")
        COMPANY = "company", _("company")
        CONTACT = "contact", _("contact")
        DEAL = "deal", _("deal")
        USER = "user", _("user")

    entity = models.CharField(_("item type"), max_length=30)
    code = models.CharField(_("code"), max_length=50, editable=False)
    label = models.CharField(_("label"), max_length=255, validators=[validate_text])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    multiple = models.BooleanField(_("several values"), default=False)
    required = models.BooleanField(_("required"), default=False)
    default = models.JSONField(_("default value"), null=True, blank=True)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    sort = models.PositiveIntegerField(_("sort"), default=500)
    options = models.JSONField(_("options"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["entity", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["entity", "code"], name="custom_field_code")]

    def __str__(self):
        return f"{self.label} ({self.code})"


class CardLayout(models.Model):
    """How an admin arranged an item type's card and form: ``sections`` as
    ``[{"name", "fields": [codes]}]`` in order and the ``hidden`` codes (still in the data,
    the API, import and export). No row: the default layout of the field catalogue."""

    entity = models.CharField(_("item type"), max_length=30, unique=True)
    sections = models.JSONField(_("sections"), default=list)
    hidden = models.JSONField(_("hidden fields"), default=list, blank=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("card layout")
        verbose_name_plural = _("card layouts")

    def __str__(self):
        return self.entity
