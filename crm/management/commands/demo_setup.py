from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accessrights import services as rights_services
from accessrights.defaults import default_role_name
from accessrights.models import Role
from companies import services as company_services
from companies.models import Company
from deals import services as deal_services
from dictionaries import services as dictionary_services
from dictionaries.models import Entry, Pipeline
from requisites import services as requisite_services
from requisites.models import Preset

# Throwaway accounts for a local demo database, printed by ``make run``: login, password,
# names, what they are (the role they get).
DEMO_USERS = (
    ("demo", "demo", "Demo", "Admin", "administrator", None),
    ("manager", "manager", "Anna", "Manager", "Manager role", "Manager"),
    ("supervisor", "supervisor", "Sam", "Supervisor", "Supervisor role", "Supervisor"),
)

COMPANIES = (
    # name, type, industry, phones, e-mails, (preset, values) or None
    ("Nordwind Logistik GmbH", "CUSTOMER", "DELIVERY", ["+49 30 901820"], ["info@nordwind.example"],
     ("Unternehmen (Deutschland)", {"company_name": "Nordwind Logistik GmbH",
                                    "ust_idnr": "DE136695976"})),
    ("ООО «Северный ветер»", "PARTNER", "MANUFACTURING", ["+7 912 345-67-89"],
     ["sales@veter.example"],
     ("Организация (Россия)", {"full_name": "ООО «Северный ветер»", "inn": "7707083893"})),
    ("Boulangerie Dupont SARL", "CUSTOMER", "OTHER", ["+33 1 42 68 53 00"],
     ["contact@dupont.example"],
     ("Société (France)", {"raison_sociale": "Boulangerie Dupont", "siren": "732829320"})),
    ("Acme Corporation", "SUPPLIER", "IT", ["(202) 555-0143"], ["hello@acme.example"], None),
)  # fmt: skip
CONTACTS = (("Greta", "Baum", 0), ("Иван", "Петров", 1), ("Claire", "Martin", 2))
DEALS = (
    # title, stage code, amount, currency, index of the company
    ("40 pallets a month", "NEW", "12000.00", "EUR", 0),
    ("Поставка оборудования", "PREPARATION", "850000.00", "RUB", 1),
    ("Croissants for the season", "EXECUTING", "4300.00", "EUR", 2),
    ("Server maintenance", "FINAL_INVOICE", "9900.00", "USD", 3),
    ("Warehouse software", "WON", "25000.00", "USD", 3),
)
LEADS = (
    ("Tom", "Baker", "Baker & Sons", "+1 202 555 0188"),
    ("Marie", "Curie", "", "+33 1 40 00 00 00"),
)


class Command(BaseCommand):
    help = "Create the demo administrator and some demo data on a local database (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        users, lines = {}, []
        for login, password, first_name, last_name, what, _role in DEMO_USERS:
            admin = login == "demo"
            user, created = get_user_model().objects.get_or_create(
                username=login,
                defaults={
                    "is_staff": admin,
                    "is_superuser": admin,
                    "first_name": first_name,
                    "last_name": last_name,
                },
            )
            if created or not user.has_usable_password():
                user.set_password(password)
                user.save()
                lines.append(f"  {login} / {password}  ({what})")
            else:
                lines.append(f"  {login}  ({what}; existing account, password unchanged)")
            users[login] = user
        admin = users["demo"]
        if not Pipeline.objects.filter(is_default=False).exists():
            dictionary_services.pipeline_create(user=admin, name="Partners")
        if not Company.objects.exists():
            self._client_base(admin, users)
        self.stdout.write(self.style.SUCCESS("Demo logins:\n" + "\n".join(lines)))

    def _client_base(self, admin, users):
        """A few companies with phones, requisites and contacts; the manager and the
        supervisor in a Sales department, with their roles."""
        rights_services.department_create(
            user=admin,
            name="Sales",
            head=users["supervisor"],
            members=[admin, users["manager"], users["supervisor"]],
        )
        for login, *_rest, role in DEMO_USERS:
            if role:
                rights_services.role_update(
                    user=admin,
                    role=Role.objects.get(name=default_role_name(role)),
                    users=[users[login]],
                )
        entry = {(e.list_code, e.code): e for e in Entry.objects.filter(pipeline=None)}
        companies = []
        for name, kind, industry, phones, emails, requisite in COMPANIES:
            company = company_services.company_create(
                user=admin,
                name=name,
                type=entry[("COMPANY_TYPE", kind)],
                industry=entry[("INDUSTRY", industry)],
                phones=[{"value": phone, "kind": "work"} for phone in phones],
                emails=[{"value": email, "kind": "work"} for email in emails],
                responsible=users["manager"] if kind == "CUSTOMER" else admin,
            )
            if requisite:
                preset_name, values = requisite
                requisite_services.requisite_create(
                    user=admin,
                    owner=company,
                    preset=Preset.objects.get(name=preset_name),
                    name="Main",
                    values=values,
                )
            companies.append(company)
        contacts = [
            company_services.contact_create(
                user=admin,
                first_name=first_name,
                last_name=last_name,
                companies=[companies[company_index]],
            )
            for first_name, last_name, company_index in CONTACTS
        ]
        self._deals_and_leads(admin, companies, contacts)

    def _deals_and_leads(self, admin, companies, contacts):
        """Deals spread over the default pipeline's stages, and two leads to convert."""
        stages = {s.code: s for s in Entry.objects.filter(pipeline__is_default=True)}
        for title, stage, amount, currency, client in DEALS:
            deal_services.deal_create(
                user=admin,
                title=title,
                stage=stages[stage],
                amount=amount,
                currency=currency,
                company=companies[client],
                contacts=[c for c in contacts if companies[client] in c.companies.all()],
            )
        for first_name, last_name, company_name, phone in LEADS:
            deal_services.lead_create(
                user=admin,
                first_name=first_name,
                last_name=last_name,
                company_name=company_name,
                phones=[{"value": phone, "kind": "work"}],
            )
