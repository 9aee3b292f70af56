"""``generate_clients``: fill the database with realistic fake companies and contacts.

A benchmark fixture, not data entry. Rows are written straight into the tables (PostgreSQL
``COPY``, or ``bulk_create`` on other databases), bypassing ``companies.services``,
``restrict()``/``check()`` and the timeline: no history events are recorded and nobody's rights
are checked. The rows still satisfy every model constraint: each company gets two contacts
(linked to it, each with a first and a last name in nearly every case, never with neither) and
two phones; each contact a mobile phone and an e-mail; every communication has exactly one owner
and its ``normalized`` form is what ``companies.communications`` computes from ``value``.

Names come in English (US and UK), Russian (Cyrillic), French and German; phones are valid
numbers of the matching countries in varied notations (a national notation only for
``PHONE_DEFAULT_REGION``, so every value parses back to the same E.164 number). Reference values
(type, industry, employees, source, ...) are picked from the installed reference lists, the
responsible person among ``--users`` generated users ``gen_user_<n>`` (created with unusable
passwords, reused when they exist), and creation times are spread over the past three years,
growing with the row ids as they would in a real database.

Faker is slow per row, so small pools of names and name parts are drawn from it once per locale
and combined at random. ``--seed`` makes the generated values reproducible.
"""

import functools
import random
import re
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from faker import Faker

from companies import communications as comms
from companies.models import Communication, Company, Contact
from crm import bulkload
from dictionaries.models import Entry

YEARS_BACK = 3
POOL_DRAWS = 3000
# Faker's Russian cities start with a lower-case kind of place (town, village): drop it.
CITY_KIND = re.compile(r"^[a-zа-яё]+\.?\s+")

# Column order of the rows built below; names are model attnames (``type_id``...).
COMPANY_FIELDS = (
    "name", "type_id", "industry_id", "employees_id", "source_id", "revenue", "currency",
    "address_street", "address_city", "address_region", "address_postal_code",
    "address_country", *bulkload.ITEM_FIELDS,
)  # fmt: skip
CONTACT_FIELDS = (
    "honorific_id", "first_name", "last_name", "middle_name", "position", "type_id",
    "source_id", "birthday", *bulkload.ITEM_FIELDS,
)  # fmt: skip
COMMUNICATION_FIELDS = (
    "company_id", "contact_id", "channel", "kind", "value", "normalized", "sort",
)  # fmt: skip


# Names


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split("|"))


@dataclass(frozen=True)
class LocaleSpec:
    """One language of names; company names follow ``patterns``: {L} a last name, {S} a
    legal-form suffix, {P} the same as a prefix, {W} a word, {R}{r} a pair of roots, {C} a city.
    """

    code: str
    weight: int
    region: str  # of phones, and the country of addresses
    country: str
    currency: str
    patterns: tuple[str, ...]
    suffixes: tuple[str, ...]
    words: tuple[str, ...]
    roots: tuple[str, ...] = ()


ENGLISH = {
    "patterns": _words("{L} {S}|{L} {S}|{L}, {L} and {L}|{L}-{L}|{L} {W}|{L} {W} {S}|{C} {W}"),
    "suffixes": _words("Inc.|LLC|Ltd|Group|PLC|and Sons|Corp.|Holdings|& Co."),
    "words": _words(
        "Systems|Logistics|Consulting|Foods|Energy|Solutions|Technologies|Trading|Partners|Media"
        "|Motors|Labs|Capital|Design|Construction|Healthcare|Software|Analytics|Insurance|Realty"
    ),
}
LOCALES = (
    LocaleSpec("en_US", 30, "US", "United States", "USD", **ENGLISH),
    LocaleSpec("en_GB", 8, "GB", "United Kingdom", "GBP", **ENGLISH),
    LocaleSpec(
        "ru_RU",
        30,
        "RU",
        "Россия",
        "RUB",
        patterns=_words(
            "{P} «{L}»|{P} «{L}»|{P} «{L} и партнёры»|{P} «{R}{r}»|{P} «{R}{r}»"
            "|{P} «{R}{r}-{W}»|{L} Групп|ТД «{R}{r}»"
        ),
        suffixes=_words("ООО|ООО|ООО|АО|ЗАО|ПАО|НПО|ГК|ИП"),
        words=_words("М|Плюс|Центр|Сервис|Холдинг|Трейд|Групп|Регион"),
        roots=_words(
            "Техно|Строй|Агро|Гео|Мега|Интер|Сиб|Урал|Энерго|Транс|Медиа|Инвест|Мед|Нефте|Газ"
            "|Лес|Пром|Софт|Торг|Логистик|Волга|Альфа|Вектор|Смарт|Эко|Металл|Фарм|Снаб|Авто"
        ),
    ),
    LocaleSpec(
        "fr_FR",
        16,
        "FR",
        "France",
        "EUR",
        patterns=_words("{L} {S}|{L} {S}|{L} {L} {S}|{W} {L}|{W} {L} et Fils|{L} & Associés"),
        suffixes=_words("SA|SARL|SAS|et Fils|Frères|SCOP"),
        words=_words(
            "Boulangerie|Transports|Société|Cabinet|Atelier|Groupe|Laboratoires|Éditions|Garage"
            "|Maison|Imprimerie|Brasserie|Menuiserie|Pharmacie"
        ),
    ),
    LocaleSpec(
        "de_DE",
        16,
        "DE",
        "Deutschland",
        "EUR",
        patterns=_words("{L} {S}|{L} {S}|{L} & {L} {S}|{L} {W} {S}|{L} {W}|{L}-{L} {S}"),
        suffixes=_words("GmbH|GmbH|AG|KG|GmbH & Co. KG|OHG|e.K.|UG"),
        words=_words(
            "Bau|Logistik|Maschinenbau|Elektrotechnik|Immobilien|Software|Versicherungen|Handel"
            "|Metallbau|Transporte|Druckerei|Autohaus"
        ),
    ),
)

TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцы", "abvgdezijklmnoprstufhcy", strict=True)),
        "ё": "e", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "э": "e",
        "ю": "yu", "я": "ya", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o",
    }
)  # fmt: skip


def ascii_slug(text: str) -> str:
    """Lower-case Latin letters of a name, for e-mail addresses (Пётр -> petr, Müller -> muller)."""
    text = text.lower().translate(TRANSLIT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", text)


def _clean(value: str, limit: int) -> str:
    # Values go into COPY's text format and into single-line fields: one line, no tabs.
    return " ".join(value.split())[:limit]


def _draw(function, limit: int = 100) -> tuple[str, ...]:
    values = {_clean(function(), limit) for _ in range(POOL_DRAWS)}
    return tuple(sorted(v for v in values if v))


@dataclass
class NamePools:
    """What Faker gives for one locale, drawn once: names by gender, jobs, places, domains."""

    spec: LocaleSpec
    first: dict[str, tuple[str, ...]]
    last: dict[str, tuple[str, ...]]
    middle: dict[str, tuple[str, ...]]
    jobs: tuple[str, ...]
    cities: tuple[str, ...]
    streets: tuple[str, ...]
    postcodes: tuple[str, ...]
    regions: tuple[str, ...]
    domains: tuple[str, ...]
    slugs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, spec: LocaleSpec, seed: int) -> "NamePools":
        fake = Faker(spec.code)
        fake.seed_instance(seed)
        russian = spec.code == "ru_RU"
        pools = cls(
            spec=spec,
            first={"m": _draw(fake.first_name_male), "f": _draw(fake.first_name_female)},
            last={"m": _draw(fake.last_name_male), "f": _draw(fake.last_name_female)},
            middle=(
                {"m": _draw(fake.middle_name_male), "f": _draw(fake.middle_name_female)}
                if russian
                else {"m": (), "f": ()}
            ),
            jobs=_draw(fake.job, 255),
            cities=_draw(lambda: CITY_KIND.sub("", fake.city())),
            streets=_draw(fake.street_address, 255),
            postcodes=_draw(fake.postcode, 20),
            regions=_draw(fake.state_abbr if spec.code == "en_US" else fake.region)
            if spec.code in ("en_US", "ru_RU")
            else (),
            domains=tuple(sorted({fake.free_email_domain() for _ in range(300)})),
        )
        for names in (*pools.first.values(), *pools.last.values()):
            for name in names:
                pools.slugs[name] = ascii_slug(name) or "client"
        return pools


@functools.cache
def locale_pools(index: int, seed: int) -> NamePools:
    """The pools of ``LOCALES[index]``; drawn once per seed and process (tests run it often)."""
    return NamePools.build(LOCALES[index], seed + index)


def user_names(seed: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names for the generated users (see ``crm.bulkload.generated_users``)."""
    pools = locale_pools(0, seed)
    return pools.first["m"] + pools.first["f"], pools.last["m"]


# Phones


def _digits(rng: random.Random, count: int, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choices("0123456789", k=count - 1))


@dataclass(frozen=True)
class PhoneCountry:
    """How to draw a number of one country (as digit groups) and ways people write it."""

    country_code: int
    draw: Callable  # (rng) -> digit groups that make the national significant number
    international: tuple[Callable, ...]  # (country code, groups) -> as written
    national: tuple[Callable, ...]  # (groups) -> as written; only for PHONE_DEFAULT_REGION


def _us(rng):
    area = rng.choice(
        ("202", "212", "213", "305", "312", "404", "415", "512", "617", "646", "702", "713",
         "718", "773", "818", "917", "206", "303", "503", "602", "615", "801")
    )  # fmt: skip
    return area, _digits(rng, 3, "23456789"), _digits(rng, 4)


def _ru(rng):
    code = rng.choice(("495", "499", "812", "343", "383", "9"))
    code = code if len(code) == 3 else code + _digits(rng, 2)
    return code, _digits(rng, 3, "123456789"), _digits(rng, 2), _digits(rng, 2)


def _fr(rng):
    return (rng.choice("1234567"), *(_digits(rng, 2) for _ in range(4)))


def _de(rng):
    if rng.random() < 0.4:
        return rng.choice(("151", "152", "157", "160", "162", "170", "171", "172", "176")), (
            _digits(rng, rng.choice((7, 8)), "123456789")
        )
    area = rng.choice(("30", "40", "89", "69", "221", "211", "711", "341", "351", "511"))
    return area, _digits(rng, (8 if len(area) == 2 else 7) - rng.randint(0, 1), "123456789")


def _gb(rng):
    kind = rng.random()
    if kind < 0.4:
        return "7" + _digits(rng, 3, "4589"), _digits(rng, 6)
    if kind < 0.8:
        return "20", _digits(rng, 4, "378"), _digits(rng, 4)
    return rng.choice(("161", "121", "131", "113")), _digits(rng, 3, "2345689"), _digits(rng, 4)


PHONE_COUNTRIES = {
    "US": PhoneCountry(
        1,
        _us,
        (
            lambda cc, g: f"+{cc} {g[0]}-{g[1]}-{g[2]}",
            lambda cc, g: f"+{cc} ({g[0]}) {g[1]}-{g[2]}",
            lambda cc, g: f"+{cc}{''.join(g)}",
            lambda cc, g: f"+{cc}.{'.'.join(g)}",
        ),
        (
            lambda g: f"({g[0]}) {g[1]}-{g[2]}",
            lambda g: f"{g[0]}-{g[1]}-{g[2]}",
            lambda g: f"{g[0]}.{g[1]}.{g[2]}",
        ),
    ),
    "RU": PhoneCountry(
        7,
        _ru,
        (
            lambda cc, g: f"+{cc} {g[0]} {g[1]}-{g[2]}-{g[3]}",
            lambda cc, g: f"+{cc} ({g[0]}) {g[1]}-{g[2]}-{g[3]}",
            lambda cc, g: f"+{cc}{''.join(g)}",
            lambda cc, g: f"+{cc} {' '.join(g)}",
        ),
        (
            lambda g: f"8 ({g[0]}) {g[1]}-{g[2]}-{g[3]}",
            lambda g: f"8{''.join(g)}",
        ),
    ),
    "FR": PhoneCountry(
        33,
        _fr,
        (
            lambda cc, g: f"+{cc} {' '.join(g)}",
            lambda cc, g: f"+{cc} (0){g[0]} {' '.join(g[1:])}",
            lambda cc, g: f"+{cc}{''.join(g)}",
            lambda cc, g: f"+{cc} {'.'.join(g)}",
        ),
        (
            lambda g: f"0{' '.join(g)}",
            lambda g: f"0{'.'.join(g)}",
        ),
    ),
    "DE": PhoneCountry(
        49,
        _de,
        (
            lambda cc, g: f"+{cc} {g[0]} {g[1]}",
            lambda cc, g: f"+{cc} (0){g[0]} {g[1]}",
            lambda cc, g: f"+{cc}-{g[0]}-{g[1]}",
            lambda cc, g: f"+{cc} {g[0]}/{g[1]}",
            lambda cc, g: f"+{cc}{''.join(g)}",
        ),
        (
            lambda g: f"0{g[0]} {g[1]}",
            lambda g: f"0{g[0]}/{g[1]}",
            lambda g: f"(0{g[0]}) {g[1]}",
        ),
    ),
    "GB": PhoneCountry(
        44,
        _gb,
        (
            lambda cc, g: f"+{cc} {' '.join(g)}",
            lambda cc, g: f"+{cc} (0){' '.join(g)}",
            lambda cc, g: f"+{cc}{''.join(g)}",
        ),
        (
            lambda g: f"0{' '.join(g)}",
            lambda g: f"0{''.join(g)}",
        ),
    ),
}


def phone_number(rng: random.Random, region: str, default_region: str) -> tuple[str, str]:
    """A valid number of ``region``: (as written, E.164)."""
    country = PHONE_COUNTRIES[region]
    for _attempt in range(100):
        groups = country.draw(rng)
        national = "".join(groups)
        number = phonenumbers.PhoneNumber(
            country_code=country.country_code, national_number=int(national)
        )
        if phonenumbers.is_valid_number(number):
            break
    else:  # pragma: no cover - the drawing rules above give valid numbers most of the time
        raise CommandError(f"could not draw a valid {region} phone number")
    normalized = f"+{country.country_code}{national}"
    if region == default_region and rng.random() < 0.6:
        return rng.choice(country.national)(groups), normalized
    return rng.choice(country.international)(country.country_code, groups), normalized


# Rows


@dataclass
class Batch:
    """Rows of one batch; contacts and communications name their owners by position."""

    companies: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)
    contact_company: list[int] = field(default_factory=list)
    # (owner is a company?, owner position, channel, kind, value, normalized, sort)
    communications: list[tuple] = field(default_factory=list)


class ClientGenerator:
    """Draws companies with their contacts and phones; values only, no database access."""

    def __init__(self, *, seed: int, total: int, user_ids: list[int], refs: dict, now: datetime):
        self.rng = random.Random(seed)  # noqa: S311 - fake data, reproducible by seed
        self.pools = [locale_pools(i, seed) for i in range(len(LOCALES))]
        self.weights = [spec.weight for spec in LOCALES]
        self.total = max(total, 1)
        self.user_ids = user_ids
        self.refs = refs
        self.end, self.end_time = now.timestamp(), now
        self.start = (now - timedelta(days=365 * YEARS_BACK)).timestamp()
        self.default_region = settings.PHONE_DEFAULT_REGION
        self.currencies = set(getattr(settings, "CRM_CURRENCIES", ()))

    def _ref(self, list_code: str, empty_share: float = 0.0):
        ids = self.refs.get(list_code)
        if not ids or self.rng.random() < empty_share:
            return None
        return self.rng.choice(ids)

    def _company_name(self, pools: NamePools) -> str:
        rng, spec = self.rng, pools.spec
        pattern = rng.choice(spec.patterns)
        name = pattern
        while "{L}" in name:
            name = name.replace("{L}", rng.choice(pools.last["m"]), 1)
        if "{R}" in name:
            name = name.replace("{R}", rng.choice(spec.roots))
            name = name.replace("{r}", rng.choice(spec.roots).lower())
        name = name.replace("{P}", rng.choice(spec.suffixes))
        name = name.replace("{S}", rng.choice(spec.suffixes))
        name = name.replace("{W}", rng.choice(spec.words))
        name = name.replace("{C}", rng.choice(pools.cities) if pools.cities else "City")
        return name[:255]

    def _time(self, index: int) -> tuple[datetime, datetime]:
        span = self.end - self.start
        created = self.start + span * (index + self.rng.random()) / self.total
        modified = created + (self.end - created) * self.rng.random() ** 4
        return datetime.fromtimestamp(created, UTC), datetime.fromtimestamp(modified, UTC)

    def batch(self, first_index: int, count: int) -> Batch:
        rng, batch = self.rng, Batch()
        for index in range(first_index, first_index + count):
            pools = rng.choices(self.pools, self.weights)[0]
            spec = pools.spec
            responsible = rng.choice(self.user_ids)
            created, modified = self._time(index)
            has_revenue = spec.currency in self.currencies and rng.random() < 0.6
            batch.companies.append(
                (
                    self._company_name(pools),
                    self._ref("COMPANY_TYPE"),
                    self._ref("INDUSTRY", 0.1),
                    self._ref("EMPLOYEES", 0.2),
                    self._ref("SOURCE", 0.05),
                    Decimal(rng.randrange(10, 5_000_000) * 1000) if has_revenue else None,
                    spec.currency if has_revenue else "",
                    rng.choice(pools.streets) if rng.random() < 0.7 else "",
                    rng.choice(pools.cities),
                    rng.choice(pools.regions) if pools.regions and rng.random() < 0.7 else "",
                    rng.choice(pools.postcodes) if rng.random() < 0.6 else "",
                    spec.country,
                    *bulkload.item_values(rng, responsible, created, modified),
                )
            )
            position = len(batch.companies) - 1
            region = spec.region if rng.random() < 0.9 else rng.choice(list(PHONE_COUNTRIES))
            for sort, kind in enumerate(("work", rng.choice(("work", "mobile", "other")))):
                value, normalized = phone_number(rng, region, self.default_region)
                batch.communications.append(
                    (True, position, comms.PHONE, kind, value, normalized, sort)
                )
            for _ in range(2):
                person_pools = (
                    pools if rng.random() < 0.8 else rng.choices(self.pools, self.weights)[0]
                )
                self._contact(batch, person_pools, position, responsible, created)
        return batch

    def _contact(self, batch: Batch, pools: NamePools, company_position: int, responsible, since):
        rng = self.rng
        gender = rng.choice("mf")
        first = rng.choice(pools.first[gender])
        last = rng.choice(pools.last[gender])
        middle = rng.choice(pools.middle[gender]) if pools.middle[gender] else ""
        shape = rng.random()
        if shape < 0.01:
            first, middle = "", ""  # some people are known by their last name only
        elif shape < 0.02:
            last = ""
        created = since + timedelta(seconds=rng.randint(0, 3600))
        modified = created + (self.end_time - created) * rng.random() ** 4
        honorific = self.refs.get("HONORIFIC") or []
        batch.contacts.append(
            (
                honorific[gender == "f"] if len(honorific) > 1 and rng.random() < 0.5 else None,
                first,
                last,
                middle,
                rng.choice(pools.jobs) if rng.random() < 0.7 else "",
                self._ref("CONTACT_TYPE", 0.1),
                self._ref("SOURCE", 0.1),
                date(1950, 1, 1) + timedelta(days=rng.randrange(19_000))
                if rng.random() < 0.4
                else None,
                *bulkload.item_values(rng, responsible, created, modified),
            )
        )
        batch.contact_company.append(company_position)
        position = len(batch.contacts) - 1
        value, normalized = phone_number(rng, pools.spec.region, self.default_region)
        batch.communications.append((False, position, comms.PHONE, "mobile", value, normalized, 0))
        local = ".".join(pools.slugs.get(n, "") for n in (first, last) if n) or "client"
        if rng.random() < 0.5:
            local += str(rng.randint(1, 9999))
        address = f"{local}@{rng.choice(pools.domains)}"
        value = address.capitalize() if rng.random() < 0.1 else address
        batch.communications.append(
            (False, position, comms.EMAIL, "work", value, address.lower(), 0)
        )


# Writers


class CopyWriter:
    """PostgreSQL: ids reserved from the sequences, rows streamed with COPY (psycopg 3).

    Measured on 2 cores: about 5 times the speed of bulk_create (3,600 against 700 companies
    a second, each with its 2 contacts, 2 links and 6 communications); the time goes into the
    database's index upkeep, not into Python.
    """

    name = "COPY"

    def write(self, batch: Batch) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            company_ids = bulkload.copy_new_rows(cursor, Company, COMPANY_FIELDS, batch.companies)
            contact_ids = bulkload.copy_new_rows(cursor, Contact, CONTACT_FIELDS, batch.contacts)
            bulkload.copy_rows(
                cursor,
                Contact.companies.through,
                ("contact", "company"),
                ((contact_ids[i], company_ids[c]) for i, c in enumerate(batch.contact_company)),
            )
            bulkload.copy_rows(
                cursor,
                Communication,
                COMMUNICATION_FIELDS,
                (
                    (company_ids[owner], None, *rest)
                    if of_company
                    else (None, contact_ids[owner], *rest)
                    for of_company, owner, *rest in batch.communications
                ),
            )


class OrmWriter:
    """Any database: bulk_create, then the creation times (auto_now_add ignores given ones)."""

    name = "bulk_create"

    def write(self, batch: Batch) -> None:
        with transaction.atomic():
            companies = bulkload.create_rows(Company, COMPANY_FIELDS, batch.companies)
            contacts = bulkload.create_rows(Contact, CONTACT_FIELDS, batch.contacts)
            through = Contact.companies.through
            through.objects.bulk_create(
                (
                    through(contact_id=contacts[i].pk, company_id=companies[c].pk)
                    for i, c in enumerate(batch.contact_company)
                ),
                batch_size=1000,
            )
            Communication.objects.bulk_create(
                (
                    Communication(
                        **dict(
                            zip(
                                COMMUNICATION_FIELDS,
                                (companies[owner].pk, None, *rest)
                                if of_company
                                else (None, contacts[owner].pk, *rest),
                                strict=True,
                            )
                        )
                    )
                    for of_company, owner, *rest in batch.communications
                ),
                batch_size=1000,
            )


# The command


class Command(BaseCommand):
    help = (
        "Fill the database with fake companies (2 contacts and 2 phones each) for benchmarks. "
        "Bypasses services and history; not for real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=100_000)
        bulkload.add_arguments(parser, batch_help="companies per transaction")

    def handle(self, *args, companies, users, batch, seed, method, **options):
        if companies < 0 or users < 1 or batch < 1:
            raise CommandError("--companies must be >= 0, --users and --batch >= 1.")
        method = bulkload.resolve_method(method)
        writer = CopyWriter() if method == "copy" else OrmWriter()
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        verbose = options["verbosity"] > 0

        started = time.monotonic()
        user_ids = bulkload.generated_users(users, seed, user_names)
        refs = {
            code: list(Entry.objects.of_list(code).values_list("pk", flat=True))
            for code in (
                "COMPANY_TYPE", "INDUSTRY", "EMPLOYEES", "SOURCE", "CONTACT_TYPE", "HONORIFIC",
            )
        }  # fmt: skip
        generator = ClientGenerator(
            seed=seed, total=companies, user_ids=user_ids, refs=refs, now=datetime.now(UTC)
        )
        if verbose:
            self.stdout.write(
                f"Generating {companies} companies with {writer.name}, seed {seed}, "
                f"{len(user_ids)} users (ready in {time.monotonic() - started:.1f}s)"
            )

        loading = time.monotonic()
        done = 0
        # The next batch is drawn in a thread while the database digests the current one
        # (psycopg releases the GIL while it waits): two cores, both busy.
        with ThreadPoolExecutor(max_workers=1) as drawing:
            pending = drawing.submit(generator.batch, 0, min(batch, companies))
            while done < companies:
                rows = pending.result()
                count = len(rows.companies)
                following = done + count
                if following < companies:
                    size = min(batch, companies - following)
                    pending = drawing.submit(generator.batch, following, size)
                writer.write(rows)
                done = following
                if verbose:
                    elapsed = time.monotonic() - loading
                    rate = done / elapsed
                    self.stdout.write(
                        f"  {done}/{companies} companies ({100 * done / companies:.0f}%), "
                        f"{rate:.0f} companies/s, {elapsed:.0f}s elapsed, "
                        f"~{(companies - done) / rate:.0f}s left"
                    )
        load_time = time.monotonic() - loading

        analysing = time.monotonic()
        bulkload.analyze(
            (get_user_model(), Company, Contact, Contact.companies.through, Communication)
        )
        if verbose:
            total = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"Done: {companies} companies, {2 * companies} contacts, "
                    f"{6 * companies} phones and e-mails in {total:.1f}s "
                    f"(loading {load_time:.1f}s, {companies / max(load_time, 1e-9):.0f} "
                    f"companies/s; statistics {time.monotonic() - analysing:.1f}s)"
                )
            )
