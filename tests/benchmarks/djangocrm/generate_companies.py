"""Loads N companies (default 100,000) into DjangoCRM's database, the peer of our
``generate_clients``: each company has a phone, one or two e-mails (DjangoCRM keeps them in one
comma-separated field), a website, a city name, a country, a type, 1-2 industries and an owner,
and 2 contact persons (a phone and an e-mail each), creation dates over three years. Like
``generate_clients`` it is a benchmark fixture: ``bulk_create`` in batches, no admin, no
signals. Run with DjangoCRM's Python after ``setupdata`` (its migrate plus fixtures):

    PYTHONPATH=$PWD/tests/benchmarks DJANGO_SETTINGS_MODULE=djangocrm.settings \
        /tmp/djcrm312/bin/python -P -m djangocrm.generate_companies --companies 100000 --seed 1
"""

import argparse
import random
import time
from datetime import timedelta

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from crm.models import ClientType, Company, Contact, Country, Industry, LeadSource  # noqa: E402

WORDS = [
    "Acme",
    "Global",
    "Nord",
    "Sud",
    "Alpha",
    "Beta",
    "Delta",
    "Omega",
    "Prime",
    "Vector",
    "Blue",
    "Green",
    "Red",
    "Solar",
    "Lunar",
    "Atlas",
    "Orion",
    "Nova",
    "Stellar",
    "Pioneer",
    "Summit",
    "Vertex",
    "Harbor",
    "River",
    "Stone",
    "Iron",
    "Silver",
    "Golden",
    "Bright",
    "Swift",
    "Smart",
    "Rapid",
    "Union",
    "Metro",
    "Central",
    "Pacific",
    "Atlantic",
    "Baltic",
    "Alpine",
    "Northern",
]
SUFFIXES = ("Ltd", "LLC", "Inc", "GmbH", "SA", "SARL", "OOO", "AG", "Group", "Holding")
FIRST = [
    "Anna",
    "Boris",
    "Claire",
    "Daniel",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Irina",
    "Jean",
    "Klara",
    "Leon",
    "Marie",
    "Nikolai",
]
LAST = [
    "Smith",
    "Ivanov",
    "Martin",
    "Muller",
    "Petrova",
    "Dubois",
    "Schmidt",
    "Sokolov",
    "Bernard",
    "Weber",
    "Kuznetsova",
]
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    countries = list(Country.objects.values_list("id", flat=True))
    sources = list(LeadSource.objects.values_list("id", "department_id"))
    industries = list(Industry.objects.values_list("id", "department_id"))
    managers = Group.objects.get(name="managers")
    departments = list(Group.objects.filter(department__isnull=False).values_list("id", flat=True))
    owners = []
    for number in range(50):  # responsible users, as generate_clients has (500 there)
        user, _ = User.objects.get_or_create(
            username=f"bench_manager_{number}", defaults={"is_staff": True}
        )
        department = departments[number % 2]  # Global sales / Local sales
        user.groups.add(managers, department)
        owners.append((user.id, department))
    types = {d: list(ClientType.objects.filter(department_id=d).values_list("id", flat=True))
             for d in departments}  # fmt: skip
    now = timezone.now()
    started = time.perf_counter()
    done = 0
    while done < args.companies:
        size = min(BATCH, args.companies - done)
        companies, industry_links = [], []
        for index in range(done, done + size):
            owner, department = rng.choice(owners)
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)} {index}"
            host = f"{name.split()[0].lower()}{index}.example"
            emails = [f"info@{host}"] + ([f"sales@{host}"] if rng.random() < 0.5 else [])
            companies.append(
                Company(
                    full_name=name,
                    email=", ".join(emails),
                    phone=f"+1 202 {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
                    website=f"https://{host}",
                    city_name=rng.choice(("Paris", "Berlin", "Moscow", "London", "Boston")),
                    country_id=rng.choice(countries),
                    type_id=rng.choice(types[department]),
                    lead_source_id=rng.choice([s for s, d in sources if d == department]),
                    owner_id=owner,
                    department_id=department,
                    token=f"b{index:010d}",
                    creation_date=now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400)),
                )
            )
        with transaction.atomic():
            Company.objects.bulk_create(companies)
            contacts = []
            for company in companies:
                picks = rng.sample([i for i, d in industries if d == company.department_id], 2)
                for industry in picks[: rng.randint(1, 2)]:
                    industry_links.append(
                        Company.industry.through(company_id=company.id, industry_id=industry)
                    )
                for number in range(2):
                    contacts.append(
                        Contact(
                            company=company,
                            first_name=rng.choice(FIRST),
                            last_name=rng.choice(LAST),
                            email=f"person{number}.{company.id}@example.org",
                            mobile=f"+44 7700 {rng.randint(100000, 999999)}",
                            country_id=company.country_id,
                            owner_id=company.owner_id,
                            department_id=company.department_id,
                            token=f"c{company.id:09d}{number}",
                            creation_date=company.creation_date,
                        )
                    )
            Company.industry.through.objects.bulk_create(industry_links)
            Contact.objects.bulk_create(contacts)
        done += size
        rate = done / (time.perf_counter() - started)
        print(f"  {done}/{args.companies} companies, {rate:.0f} companies/s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE crm_company")
        cursor.execute("VACUUM ANALYZE crm_contact")
    print(
        f"Done: {Company.objects.count()} companies, {Contact.objects.count()} contacts in "
        f"{time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
