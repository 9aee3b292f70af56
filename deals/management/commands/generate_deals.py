"""``generate_deals``: fill the database with fake deals (and leads) for benchmarks.

A benchmark fixture, not data entry, written like ``generate_clients``: rows go straight into
the tables (PostgreSQL ``COPY``, or ``bulk_create`` on other databases), bypassing
``deals.services``, ``restrict()``/``check()`` and the timeline, so no history events are
recorded and nobody's rights are checked. The rows still keep every rule the services keep:

- every deal is in ``--pipeline`` (the default pipeline unless given) and in one of that
  pipeline's stages; ``closed`` is exactly "the stage's semantics is not *process*";
- most deals are in process stages, the earlier ones more often (a funnel); the older a deal,
  the likelier it is won or lost;
- amounts have two decimals and come with a currency of ``settings.CRM_CURRENCIES`` (a few
  deals have neither); deal types and sources come from their reference lists;
- when companies exist, most deals are linked to one of them (drawn from a sample of at most
  ``COMPANY_SAMPLE`` companies) and named after it;
- ``--leads`` leads are spread over the lead stages (STATUS) the same way, with names, a company
  name, a phone and an e-mail whose ``normalized`` form is what ``companies.communications``
  computes. Converted leads are not linked to what a conversion would have produced.

The responsible person is one of ``--users`` generated users ``gen_user_<n>``, the same users
``generate_clients`` makes (created when missing, reused when they exist); creation times are
spread over the past three years, growing with the row ids. The tables are analysed at the end
on PostgreSQL, so the planner sees the new rows at once. ``--seed`` makes the values
reproducible (for the same companies in the database).
"""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max, Min

from companies import communications as comms
from companies.management.commands.generate_clients import (
    LOCALES,
    YEARS_BACK,
    NamePools,
    locale_pools,
    phone_number,
    user_names,
)
from companies.models import Communication, Company
from crm import bulkload
from deals.models import Deal, Lead
from deals.services import LEAD_STAGE
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline, Semantics

COMPANY_SAMPLE = 20_000
ID_CHUNK = 500

# Column order of the rows built below; names are model attnames.
DEAL_FIELDS = (
    "title", "pipeline_id", "stage_id", "closed", "type_id", "amount", "currency",
    "probability", "begin_date", "close_date", "company_id", "source_id",
    *bulkload.ITEM_FIELDS,
)  # fmt: skip
LEAD_FIELDS = (
    "title", "stage_id", "closed", "honorific_id", "first_name", "last_name", "middle_name",
    "position", "company_name", "amount", "currency", "source_id", *bulkload.ITEM_FIELDS,
)  # fmt: skip
COMMUNICATION_FIELDS = ("lead_id", "channel", "kind", "value", "normalized", "sort")

PRODUCTS = (
    "Licence renewal", "Server upgrade", "Annual support", "Consulting", "Equipment supply",
    "Website redesign", "Staff training", "Office furniture", "Cloud migration",
    "Security audit", "Spare parts", "Maintenance contract", "Marketing campaign",
    "Logistics services", "Software licences", "Поставка оборудования", "Внедрение CRM",
    "Техническое обслуживание", "Livraison de matériel", "Wartungsvertrag",
)  # fmt: skip
LEAD_TITLES = ("{name}", "{name}", "Website request: {name}", "Call: {name}", "{company}")


# Stages


@dataclass(frozen=True)
class StagePlan:
    """The stages of one list by semantics, and how often an item ends up closed."""

    process: tuple[Entry, ...]
    success: tuple[Entry, ...]
    failure: tuple[Entry, ...]
    success_share: float  # of the closed items

    @classmethod
    def of(cls, stages, success_share: float) -> "StagePlan":
        by = {semantics: [] for semantics in Semantics.values}
        for stage in stages:
            by.setdefault(stage.semantics, []).append(stage)
        return cls(
            tuple(by[Semantics.PROCESS]),
            tuple(by[Semantics.SUCCESS]),
            tuple(by[Semantics.FAILURE]),
            success_share,
        )

    @property
    def funnel(self) -> list[int]:
        """Weights of the process stages: the earlier, the more items."""
        count = len(self.process)
        return [count - position for position in range(count)]

    def draw(self, rng: random.Random, age: float) -> Entry:
        """A stage for an item of ``age`` (0 the newest, 1 the oldest)."""
        closed = self.success or self.failure
        if closed and (not self.process or rng.random() < 0.05 + 0.5 * age):
            won = self.success and (not self.failure or rng.random() < self.success_share)
            return rng.choice(self.success if won else self.failure)
        return rng.choices(self.process, self.funnel)[0]


# Rows


@dataclass
class Batch:
    deals: list[tuple] = field(default_factory=list)
    leads: list[tuple] = field(default_factory=list)
    # (lead position in the batch, channel, kind, value, normalized, sort)
    communications: list[tuple] = field(default_factory=list)


class DealGenerator:
    """Draws deals and leads; values only, no database access."""

    def __init__(
        self,
        *,
        seed: int,
        pipeline: Pipeline,
        deal_stages: StagePlan,
        lead_stages: StagePlan,
        companies: list[tuple[int, str]],
        user_ids: list[int],
        refs: dict,
        now: datetime,
        with_leads: bool,
    ):
        self.rng = random.Random(seed)  # noqa: S311 - fake data, reproducible by seed
        self.pipeline = pipeline
        self.deal_stages = deal_stages
        self.lead_stages = lead_stages
        self.companies = companies
        self.user_ids = user_ids
        self.refs = refs
        self.now = now
        self.start = (now - timedelta(days=365 * YEARS_BACK)).timestamp()
        self.currencies = list(getattr(settings, "CRM_CURRENCIES", ()))
        self.default_region = settings.PHONE_DEFAULT_REGION
        # Names of people, drawn from Faker once (it takes seconds), only when leads need them.
        self.pools: list[NamePools] = (
            [locale_pools(i, seed) for i in range(len(LOCALES))] if with_leads else []
        )

    def _ref(self, list_code: str, empty_share: float = 0.0):
        ids = self.refs.get(list_code)
        if not ids or self.rng.random() < empty_share:
            return None
        return self.rng.choice(ids)

    def _time(self, index: int, total: int) -> tuple[datetime, datetime, float]:
        """Creation and modification times growing with ``index``, and the item's age."""
        end = self.now.timestamp()
        share = (index + self.rng.random()) / max(total, 1)
        created = self.start + (end - self.start) * share
        modified = created + (end - created) * self.rng.random() ** 4
        return (
            datetime.fromtimestamp(created, UTC),
            datetime.fromtimestamp(modified, UTC),
            1 - share,
        )

    def _amount(self, present: float) -> tuple[Decimal | None, str]:
        if not self.currencies or self.rng.random() >= present:
            return None, ""
        value = Decimal(f"{10 ** self.rng.uniform(2, 6.5):.2f}")  # 100.00 to ~3 million
        return value, self.rng.choice(self.currencies)

    def deals(self, batch: Batch, first_index: int, count: int, total: int) -> None:
        rng = self.rng
        for index in range(first_index, first_index + count):
            created, modified, age = self._time(index, total)
            stage = self.deal_stages.draw(rng, age)
            closed = stage.semantics != Semantics.PROCESS
            company = rng.choice(self.companies) if self.companies and rng.random() < 0.7 else None
            product = rng.choice(PRODUCTS)
            title = f"{product}: {company[1]}" if company else f"{product} #{index + 1}"
            amount, currency = self._amount(0.92)
            begin = created.date()
            if closed:
                close = min(begin + timedelta(days=rng.randint(1, 120)), self.now.date())
                probability = 100 if stage.semantics == Semantics.SUCCESS else 0
            else:
                close = begin + timedelta(days=rng.randint(14, 180))
                position = self.deal_stages.process.index(stage)
                steps = len(self.deal_stages.process) + 1
                probability = round(100 * (position + 1) / steps) if rng.random() < 0.6 else None
            responsible = rng.choice(self.user_ids)
            batch.deals.append(
                (
                    title[:255],
                    self.pipeline.pk,
                    stage.pk,
                    closed,
                    self._ref("DEAL_TYPE", 0.3),
                    amount,
                    currency,
                    probability,
                    begin,
                    close if rng.random() < 0.8 else None,
                    company[0] if company else None,
                    self._ref("SOURCE", 0.2),
                    *bulkload.item_values(rng, responsible, created, modified),
                )
            )

    def leads(self, batch: Batch, first_index: int, count: int, total: int) -> None:
        rng = self.rng
        weights = [spec.weight for spec in LOCALES]
        honorific = self.refs.get("HONORIFIC") or []
        for index in range(first_index, first_index + count):
            pools = rng.choices(self.pools, weights)[0]
            spec = pools.spec
            created, modified, age = self._time(index, total)
            stage = self.lead_stages.draw(rng, age)
            gender = rng.choice("mf")
            first = rng.choice(pools.first[gender])
            last = rng.choice(pools.last[gender])
            middle = rng.choice(pools.middle[gender]) if pools.middle[gender] else ""
            name = f"{first} {last}"
            company_name = ""
            if rng.random() < 0.5:
                suffix, owner = rng.choice(spec.suffixes), rng.choice(pools.last["m"])
                company_name = (
                    f"{suffix} «{owner}»" if spec.code == "ru_RU" else f"{owner} {suffix}"
                )
            pattern = rng.choice(LEAD_TITLES)
            title = pattern.format(name=name, company=company_name or name)
            amount, currency = self._amount(0.4)
            responsible = rng.choice(self.user_ids)
            batch.leads.append(
                (
                    title[:255],
                    stage.pk,
                    stage.semantics != Semantics.PROCESS,
                    honorific[gender == "f"] if len(honorific) > 1 and rng.random() < 0.5 else None,
                    first,
                    last,
                    middle,
                    rng.choice(pools.jobs) if rng.random() < 0.5 else "",
                    company_name,
                    amount,
                    currency,
                    self._ref("SOURCE", 0.1),
                    *bulkload.item_values(rng, responsible, created, modified),
                )
            )
            position = len(batch.leads) - 1
            if rng.random() < 0.9:
                region = spec.region
                value, normalized = phone_number(rng, region, self.default_region)
                kind = rng.choice(("mobile", "work"))
                batch.communications.append((position, comms.PHONE, kind, value, normalized, 0))
            if rng.random() < 0.7:
                local = ".".join(pools.slugs.get(n, "") for n in (first, last) if n) or "lead"
                address = f"{local}{rng.randint(1, 999)}@{rng.choice(pools.domains)}"
                batch.communications.append(
                    (position, comms.EMAIL, "work", address, address.lower(), 0)
                )

    def batch(self, deal_range: tuple[int, int, int], lead_range: tuple[int, int, int]) -> Batch:
        batch = Batch()
        self.deals(batch, *deal_range)
        self.leads(batch, *lead_range)
        return batch


# Writers


class CopyWriter:
    """PostgreSQL: rows streamed with COPY (psycopg 3); lead ids reserved from the sequence
    first, for their phones and e-mails."""

    name = "COPY"

    def write(self, batch: Batch) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if batch.deals:
                bulkload.copy_rows(cursor, Deal, DEAL_FIELDS, batch.deals)
            if not batch.leads:
                return
            lead_ids = bulkload.copy_new_rows(cursor, Lead, LEAD_FIELDS, batch.leads)
            bulkload.copy_rows(
                cursor,
                Communication,
                COMMUNICATION_FIELDS,
                ((lead_ids[owner], *rest) for owner, *rest in batch.communications),
            )


class OrmWriter:
    """Any database: bulk_create, then the creation times (auto_now_add ignores given ones)."""

    name = "bulk_create"

    def write(self, batch: Batch) -> None:
        with transaction.atomic():
            bulkload.create_rows(Deal, DEAL_FIELDS, batch.deals)
            leads = bulkload.create_rows(Lead, LEAD_FIELDS, batch.leads)
            Communication.objects.bulk_create(
                (
                    Communication(
                        **dict(zip(COMMUNICATION_FIELDS, (leads[owner].pk, *rest), strict=True))
                    )
                    for owner, *rest in batch.communications
                ),
                batch_size=1000,
            )


# The command


def _split(done: int, size: int, total: int) -> tuple[int, int, int]:
    """(first index, count, total) of the next slice of ``total`` rows."""
    return done, max(0, min(size, total - done)), total


class Command(BaseCommand):
    help = (
        "Fill the database with fake deals (and leads) spread over a pipeline's stages, for "
        "benchmarks. Bypasses services and history; not for real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deals", type=int, default=50_000)
        parser.add_argument(
            "--pipeline", type=int, default=None, help="pipeline id (default: the default one)"
        )
        parser.add_argument("--leads", type=int, default=0)
        bulkload.add_arguments(parser, batch_help="rows per transaction")

    def handle(self, *args, deals, pipeline, leads, users, batch, seed, method, **options):
        if deals < 0 or leads < 0 or users < 1 or batch < 1:
            raise CommandError("--deals and --leads must be >= 0, --users and --batch >= 1.")
        # Only leads need their ids back (for their phones and e-mails).
        method = bulkload.resolve_method(method, needs_ids=leads > 0)
        writer = CopyWriter() if method == "copy" else OrmWriter()
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        verbose = options["verbosity"] > 0

        started = time.monotonic()
        chosen = self._pipeline(pipeline)
        deal_stages = StagePlan.of(Entry.objects.of_list(DEAL_STAGE, chosen), 0.45)
        if deals and not deal_stages.process + deal_stages.success + deal_stages.failure:
            raise CommandError(f"The pipeline “{chosen}” has no stages.")
        lead_stages = StagePlan.of(Entry.objects.of_list(LEAD_STAGE), 0.35)
        if leads and not lead_stages.process + lead_stages.success + lead_stages.failure:
            raise CommandError("There are no lead stages.")
        user_ids = bulkload.generated_users(users, seed, user_names)  # generate_clients' users
        generator = DealGenerator(
            seed=seed,
            pipeline=chosen,
            deal_stages=deal_stages,
            lead_stages=lead_stages,
            companies=self._companies(random.Random(seed)),  # noqa: S311 - fake data
            user_ids=user_ids,
            refs={
                code: list(Entry.objects.of_list(code).values_list("pk", flat=True))
                for code in ("DEAL_TYPE", "SOURCE", "HONORIFIC")
            },
            now=datetime.now(UTC),
            with_leads=leads > 0,
        )
        if verbose:
            self.stdout.write(
                f"Generating {deals} deals in “{chosen}” and {leads} leads with {writer.name}, "
                f"seed {seed}, {len(user_ids)} users, {len(generator.companies)} companies to "
                f"link (ready in {time.monotonic() - started:.1f}s)"
            )

        loading = time.monotonic()
        deals_done = leads_done = 0
        while deals_done < deals or leads_done < leads:
            deal_slice = _split(deals_done, batch, deals)
            lead_slice = _split(leads_done, batch, leads)
            writer.write(generator.batch(deal_slice, lead_slice))
            deals_done += deal_slice[1]
            leads_done += lead_slice[1]
            if verbose:
                elapsed = time.monotonic() - loading
                rate = (deals_done + leads_done) / max(elapsed, 1e-9)
                self.stdout.write(
                    f"  {deals_done}/{deals} deals, {leads_done}/{leads} leads, "
                    f"{rate:.0f} rows/s, {elapsed:.0f}s elapsed"
                )
        load_time = time.monotonic() - loading

        analysing = time.monotonic()
        loaded = [get_user_model(), Deal] + ([Lead, Communication] if leads else [])
        bulkload.analyze(loaded)
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Done: {deals} deals, {leads} leads in {time.monotonic() - started:.1f}s "
                    f"(loading {load_time:.1f}s; statistics "
                    f"{time.monotonic() - analysing:.1f}s)"
                )
            )

    def _pipeline(self, pk: int | None) -> Pipeline:
        if pk is None:
            found = Pipeline.objects.filter(is_default=True).first()
            if found is None:
                raise CommandError("There is no default pipeline; run the migrations.")
            return found
        found = Pipeline.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(f"There is no pipeline {pk}.")
        return found

    def _companies(self, rng: random.Random) -> list[tuple[int, str]]:
        """At most COMPANY_SAMPLE existing companies (id, name), drawn by id without a scan."""
        bounds = Company.objects.aggregate(low=Min("pk"), high=Max("pk"))
        low, high = bounds["low"], bounds["high"]
        if low is None:
            return []
        names = Company.objects.order_by("pk").values_list("pk", "name")
        if high - low < COMPANY_SAMPLE:
            return list(names.filter(pk__gte=low, pk__lte=high))
        wanted = sorted({rng.randint(low, high) for _ in range(COMPANY_SAMPLE)})
        found = []
        for start in range(0, len(wanted), ID_CHUNK):
            found += names.filter(pk__in=wanted[start : start + ID_CHUNK])
        return found
