"""Deals in pipelines and leads, each moving through the stages of its reference list."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accessrights.restriction import may
from companies.models import Company, Contact, entry_field
from crm.models import CrmItem, MoneyField
from crm.validators import validate_currency
from dictionaries.models import Entry, Pipeline, Semantics


def _stage(list_code: str):
    return models.ForeignKey(
        Entry,
        verbose_name=_("stage"),
        on_delete=models.PROTECT,
        limit_choices_to={"list_code": list_code},
        related_name="+",
    )


class StagedItem(CrmItem):
    """An item in a stage; ``closed`` follows the stage: a success or failure stage closes it.

    ``closed`` is stored (not joined from the stage each time) so that lists and the kanban
    filter on it through an index; the services keep it in step with ``stage``.
    """

    closed = models.BooleanField(_("closed"), default=False, editable=False)
    amount = MoneyField(_("amount"), null=True, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    source = entry_field("SOURCE", _("source"))

    class Meta:
        abstract = True

    @classmethod
    def follow_entry(cls, field_name: str, entry: Entry) -> dict:
        """Other fields that change when ``field_name`` is pointed at ``entry`` (for the
        reference-list replacement on delete)."""
        return {"closed": entry.semantics != Semantics.PROCESS} if field_name == "stage" else {}


class Deal(StagedItem):
    """A sale in progress: its pipeline and stage, amount, client (company and contacts)."""

    access_entity = "deal"
    name_fields = ("title",)

    title = models.CharField(_("title"), max_length=255)
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = _stage("DEAL_STAGE")
    type = entry_field("DEAL_TYPE", _("deal type"))
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    begin_date = models.DateField(_("start date"), null=True, blank=True)
    close_date = models.DateField(_("expected close date"), null=True, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), related_name="deals", blank=True
    )
    lead = models.ForeignKey(
        "Lead",
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        editable=False,
    )

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-id"]
        indexes = [
            # Kanban columns: a stage's cards newest first, and its count and sum.
            models.Index(fields=["stage", "-id"], name="deal_stage"),
            models.Index(fields=["pipeline", "closed", "-id"], name="deal_pipeline"),
            models.Index(fields=["responsible", "pipeline", "-id"], name="deal_resp"),
            models.Index(fields=["company", "-id"], name="deal_company"),
            # The open deals by stage (the start page): read from the index alone.
            models.Index(
                fields=["pipeline", "stage", "currency"],
                include=["amount", "responsible"],
                condition=Q(closed=False),
                name="deal_open_by_stage",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("deals:deal", args=[self.pk])

    @classmethod
    def access_partitions(cls) -> dict[str, Q]:
        """Rights are given per pipeline: the rights entity of each pipeline and its rows."""
        return {
            pipeline.access_entity: Q(pipeline_id=pipeline.pk)
            for pipeline in Pipeline.objects.only("pk", "is_default")
        }

    @classmethod
    def rights_rows(cls) -> list[tuple[str, str]]:
        """The rights grid's rows of deals: one per pipeline (one query)."""
        pipelines = list(Pipeline.objects.all())
        if len(pipelines) == 1:
            return [(pipelines[0].access_entity, str(_("Deals")))]
        return [(p.access_entity, _("Deals: %s") % p.name) for p in pipelines]

    @classmethod
    def access_entity_of(cls, deal) -> str:
        return deal.pipeline.access_entity

    @classmethod
    def pipelines_for(cls, user, action: str) -> list[Pipeline]:
        """The pipelines in whose deals ``user`` may ``action``, in their order."""
        return [p for p in Pipeline.objects.all() if may(user, action, cls, cls(pipeline=p))]


class Lead(StagedItem):
    """An unqualified request; converted, it produces a contact, a company and/or a deal."""

    access_entity = "lead"
    name_fields = ("title", "first_name", "last_name", "company_name")

    title = models.CharField(_("title"), max_length=255)
    stage = _stage("STATUS")
    honorific = entry_field("HONORIFIC", _("salutation"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    company_name = models.CharField(_("company name"), max_length=255, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        editable=False,
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        editable=False,
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["stage", "-id"], name="lead_stage"),
            models.Index(fields=["responsible", "closed", "-id"], name="lead_resp"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("deals:lead", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


# Items shared with a user or a group on top of their roles (django-guardian, direct tables).


class DealUserShare(UserObjectPermissionBase):
    content_object = models.ForeignKey(Deal, on_delete=models.CASCADE)


class DealGroupShare(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Deal, on_delete=models.CASCADE)


class LeadUserShare(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)


class LeadGroupShare(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)


class StageMove(models.Model):
    """One move of a deal or a lead into a stage (``from_stage_id`` empty: it was created
    there), with its amount and currency at that moment: the stage history the reports read.

    Written by the deal and lead services beside the move's history event
    (``deals.stage_moves``), and filled from history for items older than this table
    (migration 0005). Stages and pipelines are kept by id, without a foreign key: a move stays
    as it happened when its stage is deleted later (the items' move to the replacement stage
    is a move of its own), and a stage's deletion does not count history as a use of it.
    ``stage_seconds``: how long the item had stayed in ``from_stage_id``; ``age_seconds``: how
    long after its creation the move came (a closing move's is the deal's cycle time).
    """

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, null=True, blank=True, related_name="stage_moves"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="stage_moves"
    )
    pipeline_id = models.PositiveIntegerField(null=True, blank=True)
    from_stage_id = models.PositiveIntegerField(null=True, blank=True)
    to_stage_id = models.PositiveIntegerField()
    moved_at = models.DateTimeField(default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    amount = MoneyField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    stage_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    age_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(deal__isnull=True) ^ Q(lead__isnull=True), name="stage_move_one_item"
            )
        ]
        indexes = [
            # The reports: a pipeline's (or the leads') moves in a period, an item's moves.
            models.Index(fields=["pipeline_id", "moved_at"], name="move_pipeline_time"),
            models.Index(fields=["to_stage_id", "moved_at"], name="move_stage_time"),
            models.Index(fields=["deal", "moved_at"], name="move_deal_time"),
            models.Index(fields=["lead", "moved_at"], name="move_lead_time"),
            # The items that moved in some hours or days of any pipeline (analytics.composed).
            models.Index(fields=["moved_at"], include=["deal", "lead"], name="move_time"),
            # The median time in a stage: the moves out of it in a period, read from the index.
            models.Index(
                fields=["from_stage_id", "moved_at"],
                include=["stage_seconds", "deal", "lead"],
                name="move_from_time",
            ),
        ]

    def __str__(self):
        return f"{self.deal_id or self.lead_id}: {self.from_stage_id} -> {self.to_stage_id}"


class PeriodKind(models.IntegerChoices):
    NOW = 0, "now"  # an open item as it is now: its stage (as the furthest), amount, currency
    MONTH = 1, "month"
    QUARTER = 2, "quarter"
    YEAR = 3, "year"


class ItemPeriod(models.Model):
    """An item's stage history summed up over one calendar month, quarter or year (``kind``,
    ``first`` day, in ``settings.TIME_ZONE``) and one pipeline of its moves: its furthest move
    there in the period (the funnel), its last move into a final stage (the outcome), and the
    item as it is now (who reaches it, its source, whether it is won, its amount), so that a
    report reads one row per item instead of its moves. Exact, not estimated: rewritten from
    the item's moves in the transaction of every write (``deals.period_rollups``).

    ``furthest_stage_id``: the stage of the furthest move (by the stage order, then the latest);
    ``outcome_last``: whether the outcome is the item's last outcome in the period over all
    pipelines; ``created``: the item was created in the period, and this row's pipeline is its
    pipeline now (the sources count each item once, in its current pipeline)."""

    kind = models.PositiveSmallIntegerField(choices=PeriodKind.choices)
    first = models.DateField()
    pipeline_id = models.PositiveIntegerField(null=True, blank=True)
    # The item now: what restrict() and the people filter look at, and the sources' figures.
    responsible_id = models.IntegerField()
    opened = models.BooleanField(default=False)
    item_pipeline_id = models.PositiveIntegerField(null=True, blank=True)
    source_id = models.PositiveIntegerField(null=True, blank=True)
    won_now = models.BooleanField(default=False)
    item_amount = MoneyField(null=True, blank=True)
    item_currency = models.CharField(max_length=3, blank=True)
    created = models.BooleanField(default=False)
    furthest_stage_id = models.PositiveIntegerField(null=True, blank=True)
    furthest_amount = MoneyField(null=True, blank=True)
    furthest_currency = models.CharField(max_length=3, blank=True)
    outcome_stage_id = models.PositiveIntegerField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_amount = MoneyField(null=True, blank=True)
    outcome_currency = models.CharField(max_length=3, blank=True)
    outcome_age = models.PositiveBigIntegerField(null=True, blank=True)
    outcome_last = models.BooleanField(default=False)
    # What the item did outside the period, so that a longer period made of several can tell
    # this row's furthest move and outcome are the item's there without reading its other rows
    # (analytics.composed): the latest move before the period to a higher stage in the
    # pipeline; the earliest one from its end to a stage as high or higher; the earliest move
    # into a final stage from its end, in the pipeline and in any.
    beaten_before = models.DateTimeField(null=True, blank=True)
    beaten_after = models.DateTimeField(null=True, blank=True)
    outcome_after = models.DateTimeField(null=True, blank=True)
    outcome_after_any = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{PeriodKind(self.kind).label} {self.first}: {self.pipeline_id}"


class DealPeriod(ItemPeriod):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            # A period's rows of a pipeline, of some people (an item's rows: the key's index),
            # holding what a composed period reads of them and what the rights look at: read
            # from the index alone (analytics.composed).
            models.Index(
                fields=["kind", "first", "pipeline_id", "responsible_id"],
                include=[
                    "deal",
                    "opened",
                    "item_pipeline_id",
                    "furthest_stage_id",
                    "furthest_amount",
                    "furthest_currency",
                    "outcome_stage_id",
                    "outcome_at",
                    "outcome_amount",
                    "outcome_currency",
                    "outcome_age",
                    "outcome_last",
                    "beaten_before",
                    "beaten_after",
                    "outcome_after",
                    "outcome_after_any",
                ],
                name="deal_period_people",
            ),
            # The reader's rows of a period (the moves of the items they may read: the median
            # time in a stage), read from the index alone (what the rights look at is in it).
            models.Index(
                fields=["kind", "first", "responsible_id"],
                include=["deal", "opened", "item_pipeline_id"],
                name="deal_period_reader",
            ),
        ]


class LeadPeriod(ItemPeriod):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["kind", "first", "responsible_id"], name="lead_period_people"),
        ]


NO_DAY = date(1970, 1, 1)  # the month and week of a total that is no outcome


class PeriodMeasure(models.IntegerChoices):
    FURTHEST = 1, "furthest"
    OUTCOME = 2, "outcome"
    CREATED = 3, "created"
    OUTCOME_MONTH = 4, "outcome per month"  # each bucket a measure of its own: a year's
    OUTCOME_WEEK = 5, "outcome per week"  # outcomes in all are read without 52 weeks in them


class PeriodTotal(models.Model):
    """The period rollups of items summed up (``count`` items, ``amount`` over the
    ``amounted`` of them that have one, ``age`` in seconds), per what a report groups by and
    what the rights look at: a year's report reads a few hundred of these instead of a third
    of the items' rows. ``measure`` says which part of the item rows is summed (the furthest
    stage, the outcome, the creation); keys a measure has not are 0 or empty (a unique key
    holds no NULL). Kept by ``deals.period_rollups`` with the item rows, in the same
    transaction: what an item's rewrite removes and adds is added to the totals."""

    is_deal = models.BooleanField()
    kind = models.PositiveSmallIntegerField(choices=PeriodKind.choices)
    first = models.DateField()
    measure = models.PositiveSmallIntegerField(choices=PeriodMeasure.choices)
    pipeline_id = models.PositiveIntegerField(default=0)
    responsible_id = models.IntegerField()
    opened = models.BooleanField()
    item_pipeline_id = models.PositiveIntegerField(default=0)
    stage_id = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    month = models.DateField(default=NO_DAY)  # an outcome's month and week (Monday)
    week = models.DateField(default=NO_DAY)
    outcome_last = models.BooleanField(default=False)
    source_id = models.PositiveIntegerField(default=0)
    won_now = models.BooleanField(default=False)
    count = models.BigIntegerField(default=0)
    amounted = models.BigIntegerField(default=0)
    amount = MoneyField(default=0)
    age = models.BigIntegerField(default=0)

    KEY = ("is_deal", "kind", "first", "measure", "pipeline_id", "responsible_id", "opened",
           "item_pipeline_id", "stage_id", "currency", "month", "week", "outcome_last",
           "source_id", "won_now")  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "is_deal", "kind", "first", "measure", "pipeline_id", "responsible_id",
                    "opened", "item_pipeline_id", "stage_id", "currency", "month", "week",
                    "outcome_last", "source_id", "won_now",
                ],
                name="period_total_key",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{PeriodKind(self.kind).label} {self.first}: {self.count}"
