"""Every door into CRM items, tried as an attacker would, for every kind of item.

Generic permission test cases in the manner of NetBox's ``utilities/testing``: one world, built
from real roles, and the same questions asked of every kind of item (companies, contacts, deals,
leads) at every door: pages (list, search, kanban, card and its tabs, edit, delete, comment,
move, conversion, bulk actions, lookups, requisites), the REST API (list, search, retrieve,
PATCH, PUT, DELETE, timeline, shares, moves, conversion, requisites) and the Django admin
(changelist, search, change, delete, history, autocomplete, the history events and requisites).

The reader holds one role: read ``open``, add, update and delete ``own`` for every kind. For
each kind the world has:

- a **hidden** item: someone else's, not open; outside the reader's scope, it must be a 404
  (as an id that does not exist, indistinguishable from one), absent from every list and never
  named anywhere;
- a **readable** item: someone else's, open; readable but not changeable, every write is a 403;
- an **own** item: the control, where every write succeeds (so the tests can fail);
- a **shared** item: someone else's, shared with the reader for update only.

After every refused write every table is as it was (``tests.helpers.tables_snapshot``).
Readable items are linked to hidden ones (a contact to a hidden company, a deal to a hidden
company and contact, a lead converted into a hidden company and contact), so a door that names
what it links to would show the hidden names: every hidden item's name holds ``SECRET``.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.urls import reverse

from accessrights import services as rights_services
from accessrights.models import Action, Role, RolePermission, Scope
from accessrights.rights import rights_changed
from companies import services as client_services
from companies.models import Company, Contact
from deals import services as deal_services
from deals.models import Deal, Lead
from requisites import services as requisite_services
from requisites.models import Preset
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import entity_keys, refused, tables_snapshot
from timeline.models import Event

pytestmark = pytest.mark.django_db

SECRET = "Qz7secret"  # in the name of every hidden item, and of nothing else
KINDS = ("company", "contact", "deal", "lead")
JSON = {"HTTP_ACCEPT": "application/json"}
HTMX = {"HTTP_HX_REQUEST": "true"}
ROW_ID = re.compile(r'name="ids" value="(\d+)"')
ALERT = re.compile(r'role="alert">(.*?)</div>', re.S)
ADMIN_MESSAGE = re.compile(r'<li class="(?:warning|error)">(.*?)</li>', re.S)


@dataclass(frozen=True)
class Kind:
    code: str
    model: type
    app: str
    api: str
    name_field: str
    create: object
    update: object
    delete: object

    @property
    def admin(self) -> str:
        return f"admin:{self.app}_{self.code}"

    def url(self, name: str, *args) -> str:
        suffix = "" if name == "card" else f"_{name}"
        return reverse(f"{self.app}:{self.code}{suffix}", args=args)


KIND = {
    "company": Kind(
        "company",
        Company,
        "companies",
        "/api/v1/companies/",
        "name",
        client_services.company_create,
        lambda user, item, **f: client_services.company_update(user=user, company=item, **f),
        lambda user, item: client_services.company_delete(user=user, company=item),
    ),
    "contact": Kind(
        "contact",
        Contact,
        "companies",
        "/api/v1/contacts/",
        "last_name",
        client_services.contact_create,
        lambda user, item, **f: client_services.contact_update(user=user, contact=item, **f),
        lambda user, item: client_services.contact_delete(user=user, contact=item),
    ),
    "deal": Kind(
        "deal",
        Deal,
        "deals",
        "/api/v1/deals/",
        "title",
        deal_services.deal_create,
        lambda user, item, **f: deal_services.deal_update(user=user, deal=item, **f),
        lambda user, item: deal_services.deal_delete(user=user, deal=item),
    ),
    "lead": Kind(
        "lead",
        Lead,
        "deals",
        "/api/v1/leads/",
        "title",
        deal_services.lead_create,
        lambda user, item, **f: deal_services.lead_update(user=user, lead=item, **f),
        lambda user, item: deal_services.lead_delete(user=user, lead=item),
    ),
}

# What the reader's Django admin account may do (the admin also asks for model permissions).
ADMIN_PERMISSIONS = [
    f"{verb}_{model}"
    for model in ("company", "contact", "deal", "lead", "requisite")
    for verb in ("view", "add", "change", "delete")
] + ["view_event"]


@dataclass
class World:
    reader: object
    other: object
    third: object
    items: dict  # kind -> {"hidden": item, "readable": item, "own": item, "shared": item}
    converted_lead: Lead
    requisites: dict  # "hidden" / "readable" / "own" -> requisite of that company

    def item(self, kind: str, which: str):
        return self.items[kind][which]

    def missing_pk(self, kind: str) -> int:
        return KIND[kind].model.objects.order_by("-pk").first().pk + 1000


def _reader_role(reader) -> None:
    role = Role.objects.create(name="Doors reader")
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=entity, action=action, scope=scope)
        for entity in entity_keys()
        for action, scope in (
            (Action.READ, Scope.OPEN),
            (Action.ADD, Scope.OWN),
            (Action.UPDATE, Scope.OWN),
            (Action.DELETE, Scope.OWN),
        )
    )
    role.users.add(reader)
    rights_changed()


def _name(kind: str, which: str) -> dict:
    label = f"{which.capitalize()} {kind}" + (f" {SECRET}" if which == "hidden" else "")
    return {KIND[kind].name_field: label}


@pytest.fixture
def world(admin) -> World:
    reader = UserFactory(is_staff=True, first_name="Reader", last_name="Person")
    reader.user_permissions.set(Permission.objects.filter(codename__in=ADMIN_PERMISSIONS))
    other = UserFactory(first_name="Other", last_name="Person")
    third = UserFactory(first_name="Third", last_name="Person")
    _reader_role(reader)
    owners = {
        "hidden": {"responsible": other, "opened": False},
        "readable": {"responsible": other, "opened": True},
        "own": {"responsible": reader, "opened": False},
        "shared": {"responsible": other, "opened": False},
    }
    items = {kind: {} for kind in KINDS}
    for kind in ("company", "contact"):
        for which, fields in owners.items():
            items[kind][which] = KIND[kind].create(user=admin, **_name(kind, which), **fields)
    hidden_company, hidden_contact = items["company"]["hidden"], items["contact"]["hidden"]
    for which, fields in owners.items():
        links = {}
        if which == "readable":  # a readable deal of a hidden client
            links = {"company": hidden_company, "contacts": [hidden_contact]}
        items["deal"][which] = deal_services.deal_create(
            user=admin, **_name("deal", which), **fields, **links
        )
        items["lead"][which] = deal_services.lead_create(
            user=admin, **_name("lead", which), **fields
        )
    client_services.contact_link(
        user=admin, contact=items["contact"]["readable"], company=hidden_company
    )
    # Shared with the reader for update only; the readable and own items with a third person.
    for kind in KINDS:
        rights_services.item_share(
            user=admin, item=items[kind]["shared"], target=reader, actions=["update"]
        )
        for which in ("readable", "own", "hidden"):
            rights_services.item_share(
                user=admin, item=items[kind][which], target=third, actions=["read"]
            )
    # A readable lead converted into a company and a contact the reader may not read.
    converted = deal_services.lead_create(
        user=admin,
        title="Converted lead",
        first_name="Conv",
        last_name="Person",
        **owners["readable"],
    )
    produced = deal_services.lead_convert(user=admin, lead=converted, contact=True, company=True)
    client_services.company_update(
        user=admin, company=produced["company"], name=f"Lead company {SECRET}", opened=False
    )
    client_services.contact_update(
        user=admin, contact=produced["contact"], last_name=f"Lead contact {SECRET}", opened=False
    )
    france = Preset.objects.get(name__startswith="Société")
    requisites = {
        which: requisite_services.requisite_create(
            user=admin,
            owner=items["company"][which],
            preset=france,
            name=f"{which.capitalize()} requisite" + (f" {SECRET}" if which == "hidden" else ""),
            values={"raison_sociale": f"{which} SAS", "siren": "732829320"},
            allow_duplicate=True,
        )
        for which in ("hidden", "readable", "own")
    }
    return World(reader, other, third, items, Lead.objects.get(pk=converted.pk), requisites)


@pytest.fixture
def reader_client(client, world):
    client.force_login(world.reader)
    return client


@pytest.fixture
def reader_api(world):
    return token_client(world.reader)


def text(response) -> str:
    return response.content.decode()


def unnamed(response, door: str) -> None:
    """The answer names no hidden item."""
    assert SECRET not in text(response), f"{door} names a hidden item"


def same_but_id(first: str, second: str, first_id: int, second_id: int) -> None:
    """Two answers that differ only by the id they were asked about."""

    def masked(answer: str, pk: int) -> str:
        # the id as a number of its own (not "scale=1"), and the per-answer CSRF token
        answer = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")\w+', r"\1", answer)
        return re.sub(rf"(?<![\w.=-]){pk}\b", "<id>", answer)

    assert masked(first, first_id) == masked(second, second_id)


def unchanged(call):
    """Run a request; every table must be as it was. Returns the response."""
    before = tables_snapshot()
    response = call()
    assert tables_snapshot() == before, "a refused request changed something"
    return response


def form_data(form, **changes) -> dict:
    """What a browser posts for ``form`` as it is shown, with ``changes`` applied: a choice
    the form does not offer (a linked client out of the reader's sight) is not posted."""
    data = {}
    for field in form:
        value, name = field.value(), field.html_name
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        if isinstance(field.field, forms.ModelChoiceField) and value not in (None, ""):
            values = value if isinstance(value, list | tuple) else [value]
            offered = field.field.queryset.filter(pk__in=values).values_list("pk", flat=True)
            offered = [str(pk) for pk in offered]
            data[name] = offered if isinstance(value, list | tuple) else "".join(offered)
        elif value is None:
            data[name] = ""
        elif isinstance(value, list | tuple):
            if not (value and isinstance(value[0], dict)):  # phones and e-mails: none here
                data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    data.update(changes)
    return data


# Pages


def page_ids(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    unnamed(response, url)
    return {int(pk) for pk in ROW_ID.findall(text(response))}


@pytest.mark.parametrize("kind", KINDS)
def test_list_pages_and_search_leave_hidden_items_out(kind, world, reader_client):
    k, items = KIND[kind], world.items[kind]
    listed = page_ids(reader_client, k.url("list") + "?per_page=200")
    assert items["hidden"].pk not in listed
    assert {items["readable"].pk, items["own"].pk, items["shared"].pk} <= listed
    for query in ("Hidden", str(items["hidden"].pk)):
        assert items["hidden"].pk not in page_ids(reader_client, f"{k.url('list')}?q={query}")
    assert items["readable"].pk in page_ids(reader_client, f"{k.url('list')}?q=Readable")


@pytest.mark.parametrize("kind", ["deal", "lead"])
def test_kanban_boards_leave_hidden_items_out(kind, world, reader_client):
    items = world.items[kind]
    response = reader_client.get(reverse(f"deals:{kind}_kanban"))
    assert response.status_code == 200
    unnamed(response, "the kanban")
    shown = {int(pk) for pk in re.findall(rf'href="/{kind}s/(\d+)/"', text(response))}
    assert items["hidden"].pk not in shown and items["readable"].pk in shown


@pytest.mark.parametrize("kind", KINDS)
def test_cards_of_hidden_items_are_404_like_missing_ones(kind, world, reader_client):
    k, hidden, missing = KIND[kind], world.item(kind, "hidden"), world.missing_pk(kind)
    for name in ("card", "edit", "delete"):
        answers = [reader_client.get(k.url(name, pk)) for pk in (hidden.pk, missing)]
        assert [a.status_code for a in answers] == [404, 404], name
        same_but_id(text(answers[0]), text(answers[1]), hidden.pk, missing)
    for tab in ("history", "dependencies"):
        assert reader_client.get(k.url("card", hidden.pk), {"tab": tab}).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_cards_of_readable_items_name_no_hidden_client(kind, world, reader_client):
    k = KIND[kind]
    for which in ("readable", "own", "shared"):
        item = world.item(kind, which)
        for tab in ("details", "history", "dependencies"):
            response = reader_client.get(k.url("card", item.pk), {"tab": tab})
            assert response.status_code == 200, (which, tab)
            unnamed(response, f"the {tab} tab of the {which} {kind}")
    if kind == "lead":
        response = reader_client.get(k.url("card", world.converted_lead.pk))
        unnamed(response, "the card of a converted lead")


@pytest.mark.parametrize("kind", KINDS)
def test_page_writes_are_refused_and_change_nothing(kind, world, reader_client):
    """GET and POST of edit and delete, and comments: 404 when hidden, 403 when readable only;
    the own item is the control: every write on it succeeds."""
    k = KIND[kind]
    own = world.item(kind, "own")
    edit = reader_client.get(k.url("edit", own.pk))
    assert edit.status_code == 200
    unnamed(edit, f"the edit form of the own {kind}")
    data = form_data(edit.context["form"], **{k.name_field: "Taken"})
    for which, status in (("hidden", 404), ("readable", 403)):
        item = world.item(kind, which)
        assert reader_client.get(k.url("edit", item.pk)).status_code == status, which
        assert reader_client.get(k.url("delete", item.pk)).status_code == status, which
        for url, post in (
            (k.url("edit", item.pk), data),
            (k.url("delete", item.pk), {}),
            (k.url("edit", item.pk), {**data, "version": item.version}),
        ):
            response = unchanged(lambda: reader_client.post(url, post))  # noqa: B023
            assert response.status_code == status, (which, url)
    hidden = world.item(kind, "hidden")
    response = unchanged(lambda: reader_client.post(k.url("comment", hidden.pk), {"text": "Hi"}))
    assert response.status_code == 404

    # The control: the reader changes, comments on and deletes their own item.
    response = reader_client.post(k.url("edit", own.pk), data)
    assert response.status_code == 302, text(response)[:2000]
    assert getattr(k.model.objects.get(pk=own.pk), k.name_field) == "Taken"
    reader_client.post(k.url("comment", own.pk), {"text": "Mine"})
    assert Event.objects.of_item(own).filter(text="Mine").exists()
    assert reader_client.post(k.url("delete", own.pk)).status_code == 302
    assert not k.model.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("kind", ["deal", "lead"])
def test_stage_moves_are_refused_and_change_nothing(kind, world, reader_client):
    k = KIND[kind]
    stage = "WON" if kind == "deal" else "IN_PROCESS"
    for which, status in (("hidden", 404), ("readable", 403)):
        url = reverse(f"deals:{kind}_move", args=[world.item(kind, which).pk])
        response = unchanged(lambda: reader_client.post(url, {"stage": stage}, **JSON))  # noqa: B023
        assert response.status_code == status, which
        unnamed(response, "a refused move")
    own = world.item(kind, "own")
    url = reverse(f"deals:{kind}_move", args=[own.pk])
    assert reader_client.post(url, {"stage": stage}, **JSON).status_code == 200
    assert k.model.objects.get(pk=own.pk).stage.code == stage


def test_lead_conversion_is_refused_and_changes_nothing(world, reader_client):
    for which, status in (("hidden", 404), ("readable", 403)):
        url = reverse("deals:lead_convert", args=[world.item("lead", which).pk])
        assert reader_client.get(url).status_code == status
        response = unchanged(lambda: reader_client.post(url, {"contact": "on"}))  # noqa: B023
        assert response.status_code == status, which
    own = world.item("lead", "own")
    response = reader_client.post(reverse("deals:lead_convert", args=[own.pk]), {"company": "on"})
    assert response.status_code == 302, text(response)[:2000]
    assert Lead.objects.get(pk=own.pk).company_id is not None


BULK = {
    "delete": lambda world: {"action": "delete"},
    "responsible": lambda world: {"action": "responsible", "value": world.reader.pk},
}


@pytest.mark.parametrize("action", BULK)
@pytest.mark.parametrize("kind", KINDS)
def test_bulk_actions_refuse_hidden_and_readable_only_ids(kind, action, world, reader_client):
    """A hidden id stops the action like an id that does not exist; a readable-only one is
    refused too; all or nothing."""
    k, items = KIND[kind], world.items[kind]
    url, data = k.url("bulk"), BULK[action](world)
    missing = world.missing_pk(kind)

    def bulk(*ids):
        response = unchanged(
            lambda: reader_client.post(url, {**data, "ids": list(ids)}, follow=True)
        )
        unnamed(response, "a bulk action")
        return " ".join(ALERT.findall(text(response)))

    said = {pk: bulk(items["own"].pk, pk) for pk in (items["hidden"].pk, missing)}
    assert said[missing], "no message for an id that does not exist"
    same_but_id(said[items["hidden"].pk], said[missing], items["hidden"].pk, missing)
    assert bulk(items["readable"].pk)
    assert bulk(items["own"].pk, items["readable"].pk)

    # The control: the reader deletes their own item, or takes over the one shared with them
    # for update.
    if action == "delete":
        reader_client.post(url, {**data, "ids": [items["own"].pk]})
        assert not k.model.objects.filter(pk=items["own"].pk).exists()
    else:
        reader_client.post(url, {**data, "ids": [items["shared"].pk]})
        assert k.model.objects.get(pk=items["shared"].pk).responsible == world.reader


def test_links_and_lookups_leave_hidden_clients_out(world, reader_client):
    own_company, own_contact = world.item("company", "own"), world.item("contact", "own")
    hidden_company = world.item("company", "hidden")
    hidden_contact = world.item("contact", "hidden")
    missing = world.missing_pk("company")
    # Linking from a hidden card, or to a hidden client: 404 as for an unknown id.
    for url, data in (
        (reverse("companies:company_link", args=[hidden_company.pk]), {"other": own_contact.pk}),
        (reverse("companies:contact_link", args=[hidden_contact.pk]), {"other": own_company.pk}),
        (reverse("companies:contact_link", args=[own_contact.pk]), {"other": hidden_company.pk}),
        (reverse("companies:contact_link", args=[own_contact.pk]), {"other": missing}),
        (reverse("companies:company_link", args=[own_company.pk]), {"other": hidden_contact.pk}),
        (
            reverse(
                "companies:contact_unlink",
                args=[world.item("contact", "readable").pk, hidden_company.pk],
            ),
            {},
        ),
    ):
        response = unchanged(lambda: reader_client.post(url, data))  # noqa: B023
        assert response.status_code == 404, url
    # Linking readable-only items: refused.
    readable_contact = world.item("contact", "readable")
    url = reverse("companies:company_link", args=[own_company.pk])
    response = unchanged(lambda: reader_client.post(url, {"other": readable_contact.pk}))
    assert response.status_code == 403
    # Lookups find no hidden client.
    for url in (
        reverse("companies:company_link_lookup", args=[own_company.pk]),
        reverse("companies:contact_link_lookup", args=[own_contact.pk]),
    ):
        for query in ("Hidden", "Lead"):
            unnamed(reader_client.get(url, {"q": query}), "the link lookup")
    for lookup_kind in ("company", "contacts"):
        for query in ("Hidden", "Lead"):
            response = reader_client.get(
                reverse("deals:client_lookup"), {"kind": lookup_kind, "q": query}
            )
            assert response.status_code == 200
            unnamed(response, "the deal form's client lookup")
    assert (
        reader_client.get(
            reverse("companies:company_link_lookup", args=[hidden_company.pk]), {"q": "Own"}
        ).status_code
        == 404
    )
    # The control: linking the reader's own contact and company.
    url = reverse("companies:contact_link", args=[own_contact.pk])
    reader_client.post(url, {"other": own_company.pk})
    assert own_contact.companies.filter(pk=own_company.pk).exists()


def test_requisites_sections_of_hidden_companies_are_404(world, reader_client):
    france = Preset.objects.get(name__startswith="Société")
    for which, status in (("hidden", 404), ("readable", 403)):
        company, requisite = world.item("company", which), world.requisites[which]
        base = f"/companies/{company.pk}/requisites/"
        if which == "hidden":
            assert reader_client.get(base, **HTMX).status_code == 404
        else:
            response = reader_client.get(base, **HTMX)
            assert response.status_code == 200
        assert reader_client.get(f"{base}add/", {"preset": france.pk}, **HTMX).status_code == status
        for url, data in (
            (f"{base}add/", {"preset": france.pk, "name": "Taken"}),
            (f"{base}{requisite.pk}/edit/", {"name": "Taken"}),
            (f"{base}{requisite.pk}/delete/", {}),
        ):
            response = unchanged(lambda: reader_client.post(url, data, **HTMX))  # noqa: B023
            assert response.status_code == status, (which, url)
    # The control: the own company's requisite is deleted.
    own, requisite = world.item("company", "own"), world.requisites["own"]
    reader_client.post(f"/companies/{own.pk}/requisites/{requisite.pk}/delete/", **HTMX)
    assert not own.requisites.exists()


# The filters of a list by a client the reader may not read


FILTER_DOORS = {
    "deal page ?company": ("/deals/list/", "company", "company"),
    "deal page ?contact": ("/deals/list/", "contact", "contact"),
    "deal API ?company": ("/api/v1/deals/", "company", "company"),
    "deal API ?contact": ("/api/v1/deals/", "contact", "contact"),
    "contact page ?company": ("/contacts/", "company", "company"),
    "contact API ?company": ("/api/v1/contacts/", "company", "company"),
}


@pytest.mark.parametrize("door", list(FILTER_DOORS))
def test_a_filter_by_a_hidden_client_is_like_an_unknown_id(door, world, reader_client):
    url, parameter, client_kind = FILTER_DOORS[door]
    hidden, missing = world.item(client_kind, "hidden"), world.missing_pk(client_kind)

    def found(pk) -> set[int]:
        response = reader_client.get(url, {parameter: pk, "per_page": 200})
        assert response.status_code == 200
        if url.startswith("/api/"):
            return {row["id"] for row in response.json()["results"]}
        return {int(pk) for pk in ROW_ID.findall(text(response))}

    assert found(missing) == set()
    assert found(hidden.pk) == found(missing)


# The REST API


def api_ids(api, url: str) -> set[int]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    unnamed(response, url)
    return {row["id"] for row in response.json()["results"]}


def put_data(api, kind: str, item) -> dict:
    """What a client PUTs: the item as the API shows it, without read-only fields."""
    body = api.get(f"{KIND[kind].api}{item.pk}/").json()
    read_only = ("id", "version", "created_at", "modified_at", "created_by", "modified_by")
    for name in (*read_only, "closed", "lead"):
        body.pop(name, None)
    for name in ("phones", "emails", "websites"):
        if name in body:
            body[name] = [{"value": c["value"], "kind": c["kind"]} for c in body[name]]
    if kind == "lead":
        body.pop("company", None)
        body.pop("contact", None)
    return {key: value for key, value in body.items() if value is not None}


@pytest.mark.parametrize("kind", KINDS)
def test_api_lists_and_search_leave_hidden_items_out(kind, world, reader_api):
    k, items = KIND[kind], world.items[kind]
    listed = api_ids(reader_api, f"{k.api}?page_size=200")
    assert items["hidden"].pk not in listed
    assert {items["readable"].pk, items["own"].pk, items["shared"].pk} <= listed
    for query in ("Hidden", str(items["hidden"].pk)):
        assert items["hidden"].pk not in api_ids(reader_api, f"{k.api}?q={query}")


@pytest.mark.parametrize("kind", KINDS)
def test_api_hidden_items_are_404_like_missing_ones(kind, world, reader_api):
    k, hidden, missing = KIND[kind], world.item(kind, "hidden"), world.missing_pk(kind)
    data = put_data(reader_api, kind, world.item(kind, "own"))
    for method, suffix, body in (
        ("get", "", None),
        ("patch", "", {k.name_field: "Taken"}),
        ("put", "", {**data, k.name_field: "Taken"}),
        ("delete", "", None),
        ("get", "timeline/", None),
        ("post", "timeline/", {"text": "Hi"}),
        ("get", "shares/", None),
        ("post", "shares/", {"user": world.reader.pk, "actions": ["read"]}),
        ("delete", f"shares/{world.third.pk}/", None),
    ):
        answers = [
            refused(reader_api, method, f"{k.api}{pk}/{suffix}", 404, body)
            for pk in (hidden.pk, missing)
        ]
        assert answers[0] == answers[1], (method, suffix)


@pytest.mark.parametrize("kind", KINDS)
def test_api_writes_on_readable_items_are_403(kind, world, reader_api):
    k, readable = KIND[kind], world.item(kind, "readable")
    url = f"{k.api}{readable.pk}/"
    shown = reader_api.get(url)
    assert shown.status_code == 200
    unnamed(shown, "a readable item in the API")
    data = put_data(reader_api, kind, readable)
    refused(reader_api, "patch", url, 403, {k.name_field: "Taken"})
    refused(reader_api, "put", url, 403, {**data, k.name_field: "Taken"})
    refused(reader_api, "delete", url, 403)
    refused(
        reader_api, "post", f"{url}shares/", 403, {"user": world.reader.pk, "actions": ["update"]}
    )
    refused(reader_api, "delete", f"{url}shares/{world.third.pk}/", 403)
    timeline = reader_api.get(f"{url}timeline/")
    assert timeline.status_code == 200
    unnamed(timeline, "the timeline of a readable item")
    assert reader_api.get(f"{url}shares/").status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_api_writes_on_own_items_succeed(kind, world, reader_api):
    """The control of the two tests above."""
    k, own = KIND[kind], world.item(kind, "own")
    url = f"{k.api}{own.pk}/"
    data = put_data(reader_api, kind, own)
    response = reader_api.patch(url, {k.name_field: "Patched"}, format="json")
    assert response.status_code == 200, response.content
    response = reader_api.put(url, {**data, k.name_field: "Put"}, format="json")
    assert response.status_code == 200, response.content
    assert getattr(k.model.objects.get(pk=own.pk), k.name_field) == "Put"
    assert reader_api.post(f"{url}timeline/", {"text": "Mine"}, format="json").status_code == 201
    response = reader_api.post(
        f"{url}shares/", {"user": world.other.pk, "actions": ["read"]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert reader_api.delete(f"{url}shares/{world.third.pk}/").status_code == 204
    assert reader_api.delete(url).status_code == 204
    assert not k.model.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_api_a_self_share_cannot_raise_ones_own_rights(kind, world, reader_api):
    """The shared item may be updated by the reader, not deleted: sharing it with oneself for
    delete is refused and changes nothing."""
    k, shared = KIND[kind], world.item(kind, "shared")
    url = f"{k.api}{shared.pk}/shares/"
    before = tables_snapshot()
    response = reader_api.post(url, {"user": world.reader.pk, "actions": ["delete"]}, format="json")
    assert response.status_code in (400, 403), response.content
    assert tables_snapshot() == before
    refused(reader_api, "delete", f"{k.api}{shared.pk}/", 403)


def test_api_moves_and_conversions_are_refused(world, reader_api):
    for which, status in (("hidden", 404), ("readable", 403)):
        deal, lead = world.item("deal", which), world.item("lead", which)
        refused(reader_api, "post", f"/api/v1/deals/{deal.pk}/move/", status, {"stage": "WON"})
        refused(reader_api, "post", f"/api/v1/leads/{lead.pk}/convert/", status, {"contact": True})
    own = world.item("deal", "own")
    response = reader_api.post(f"/api/v1/deals/{own.pk}/move/", {"stage": "WON"}, format="json")
    assert response.status_code == 200, response.content


def test_api_links_to_hidden_clients_are_like_unknown_ids(world, reader_api):
    own_contact, own_deal = world.item("contact", "own"), world.item("deal", "own")
    hidden_company, missing = world.item("company", "hidden"), world.missing_pk("company")
    hidden_contact = world.item("contact", "hidden")
    missing_contact = world.missing_pk("contact")
    for method, url, data in (
        ("post", f"/api/v1/contacts/{own_contact.pk}/companies/", {"company": "{pk}"}),
        ("patch", f"/api/v1/deals/{own_deal.pk}/", {"company": "{pk}"}),
        ("post", "/api/v1/deals/", {"title": "New", "company": "{pk}"}),
    ):
        answers = [
            refused(
                reader_api,
                method,
                url,
                400,
                json.loads(json.dumps(data).replace('"{pk}"', str(pk))),
            )
            for pk in (hidden_company.pk, missing)
        ]
        same_but_id(json.dumps(answers[0]), json.dumps(answers[1]), hidden_company.pk, missing)
    answers = [
        refused(reader_api, "patch", f"/api/v1/deals/{own_deal.pk}/", 400, {"contacts": [pk]})
        for pk in (hidden_contact.pk, missing_contact)
    ]
    same_but_id(json.dumps(answers[0]), json.dumps(answers[1]), hidden_contact.pk, missing_contact)
    # Unlinking a hidden company from a contact the reader may not change: refused.
    readable = world.item("contact", "readable")
    refused(
        reader_api, "delete", f"/api/v1/contacts/{readable.pk}/companies/{hidden_company.pk}/", 403
    )
    # A readable deal shows neither its hidden company nor its hidden contact.
    body = reader_api.get(f"/api/v1/deals/{world.item('deal', 'readable').pk}/").json()
    assert body["company"] is None and body["contacts"] == []


def test_api_requisites_of_hidden_companies_are_404(world, reader_api):
    for which, status in (("hidden", 404), ("readable", 403)):
        company, requisite = world.item("company", which), world.requisites[which]
        base = f"/api/v1/companies/{company.pk}/requisites/"
        if which == "hidden":
            refused(reader_api, "get", base, 404)
            refused(reader_api, "get", f"{base}{requisite.pk}/", 404)
        else:
            assert reader_api.get(base).status_code == 200
        refused(reader_api, "post", base, status, {"preset": requisite.preset_id, "name": "X"})
        refused(reader_api, "patch", f"{base}{requisite.pk}/", status, {"name": "Taken"})
        refused(reader_api, "delete", f"{base}{requisite.pk}/", status)
    own, requisite = world.item("company", "own"), world.requisites["own"]
    url = f"/api/v1/companies/{own.pk}/requisites/{requisite.pk}/"
    assert reader_api.delete(url).status_code == 204


# The Django admin


def admin_ids(client, url: str, **params) -> set[int]:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return {item.pk for item in response.context["cl"].result_list}


def admin_message(response) -> str:
    return " ".join(ADMIN_MESSAGE.findall(text(response)))


@pytest.mark.parametrize("kind", KINDS)
def test_admin_changelists_and_search_leave_hidden_items_out(kind, world, reader_client):
    k, items = KIND[kind], world.items[kind]
    url = reverse(f"{k.admin}_changelist")
    listed = admin_ids(reader_client, url)
    assert items["hidden"].pk not in listed
    assert {items["readable"].pk, items["own"].pk, items["shared"].pk} <= listed
    for query in ("Hidden", str(items["hidden"].pk)):
        assert items["hidden"].pk not in admin_ids(reader_client, url, q=query)


@pytest.mark.parametrize("kind", KINDS)
def test_admin_hidden_items_are_like_missing_ones(kind, world, reader_client):
    """Django's admin answers an id that does not exist with a redirect to its index and a
    message; a hidden item gets exactly that, and nothing changes."""
    k, hidden, missing = KIND[kind], world.item(kind, "hidden"), world.missing_pk(kind)
    own = world.item(kind, "own")
    form = reader_client.get(reverse(f"{k.admin}_change", args=[own.pk])).context["adminform"]
    data = form_data(form.form, **{k.name_field: "Taken"})
    for name, method, body in (
        ("change", "get", None),
        ("change", "post", data),
        ("delete", "get", None),
        ("delete", "post", {"post": "yes"}),
        ("history", "get", None),
    ):
        answers = []
        for pk in (hidden.pk, missing):
            url = reverse(f"{k.admin}_{name}", args=[pk])
            call = getattr(reader_client, method)
            response = unchanged(lambda: call(url, body, follow=True))  # noqa: B023
            answers.append(response)
        first, second = answers
        assert first.redirect_chain == second.redirect_chain != [], (name, method)
        assert admin_message(second), "Django says the item does not exist"
        same_but_id(admin_message(first), admin_message(second), hidden.pk, missing)


@pytest.mark.parametrize("kind", KINDS)
def test_admin_writes_on_readable_items_are_403(kind, world, reader_client):
    k, readable = KIND[kind], world.item(kind, "readable")
    change = reader_client.get(reverse(f"{k.admin}_change", args=[readable.pk]))
    assert change.status_code == 200
    data = form_data(change.context["adminform"].form, **{k.name_field: "Taken"})
    url = reverse(f"{k.admin}_change", args=[readable.pk])
    assert unchanged(lambda: reader_client.post(url, data)).status_code == 403
    url = reverse(f"{k.admin}_delete", args=[readable.pk])
    assert unchanged(lambda: reader_client.post(url, {"post": "yes"})).status_code == 403

    # The control: the own item is changed, then deleted.
    own = world.item(kind, "own")
    url = reverse(f"{k.admin}_change", args=[own.pk])
    data = form_data(reader_client.get(url).context["adminform"].form, **{k.name_field: "Mine"})
    response = reader_client.post(url, data)
    assert response.status_code == 302, text(response)[:3000]
    assert getattr(k.model.objects.get(pk=own.pk), k.name_field) == "Mine"
    response = reader_client.post(reverse(f"{k.admin}_delete", args=[own.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not k.model.objects.filter(pk=own.pk).exists()


def _admin_pages(world) -> dict:
    """Admin pages the reader may open, by a name saying what they show."""
    pages = {}
    for kind in KINDS:
        k = KIND[kind]
        pages[f"{kind} changelist"] = lambda k=k: reverse(f"{k.admin}_changelist")
        for which in ("readable", "own"):
            pages[f"{which} {kind} change"] = lambda k=k, kind=kind, which=which: reverse(
                f"{k.admin}_change", args=[world.item(kind, which).pk]
            )
        pages[f"readable {kind} delete"] = lambda k=k, kind=kind: reverse(
            f"{k.admin}_delete", args=[world.item(kind, "readable").pk]
        )
    pages["converted lead change"] = lambda: reverse(
        "admin:deals_lead_change", args=[world.converted_lead.pk]
    )
    pages["event changelist"] = lambda: reverse("admin:timeline_event_changelist")
    pages["events of the readable contact"] = lambda: [
        reverse("admin:timeline_event_change", args=[event.pk])
        for event in Event.objects.of_item(world.item("contact", "readable"))
    ]
    pages["requisite changelist"] = lambda: reverse("admin:requisites_requisite_changelist")
    return pages


ADMIN_PAGE_NAMES = [
    *(f"{kind} changelist" for kind in KINDS),
    *(f"{which} {kind} change" for kind in KINDS for which in ("readable", "own")),
    *(f"readable {kind} delete" for kind in KINDS),
    "converted lead change",
    "event changelist",
    "events of the readable contact",
    "requisite changelist",
]


@pytest.mark.parametrize("admin_page", ADMIN_PAGE_NAMES)
def test_admin_pages_never_name_hidden_items(admin_page, world, reader_client):
    urls = _admin_pages(world)[admin_page]()
    for url in urls if isinstance(urls, list) else [urls]:
        response = reader_client.get(url)
        assert response.status_code == 200, url
        unnamed(response, f"the admin's {admin_page}")


def test_admin_lists_of_events_and_requisites_leave_hidden_items_out(world, reader_client):
    hidden = world.item("company", "hidden")
    events = admin_ids(reader_client, reverse("admin:timeline_event_changelist"))
    assert not events & set(Event.objects.of_item(hidden).values_list("pk", flat=True))
    assert events & set(
        Event.objects.of_item(world.item("company", "readable")).values_list("pk", flat=True)
    )
    requisites = admin_ids(reader_client, reverse("admin:requisites_requisite_changelist"))
    assert world.requisites["hidden"].pk not in requisites
    assert world.requisites["readable"].pk in requisites


@pytest.mark.parametrize(
    ("model", "field"),
    [("deal", "company"), ("deal", "contacts"), ("contact", "companies")],
)
def test_admin_autocomplete_offers_no_hidden_client(model, field, world, reader_client):
    app = "deals" if model == "deal" else "companies"
    for term in ("Hidden", "Lead", ""):
        response = reader_client.get(
            "/admin/autocomplete/",
            {"app_label": app, "model_name": model, "field_name": field, "term": term},
        )
        assert response.status_code == 200, response.content
        unnamed(response, "the admin autocomplete")
        if not term:
            assert response.json()["results"], "the readable clients are offered"
