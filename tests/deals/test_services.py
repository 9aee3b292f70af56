"""Services of deals and leads: stages and the closed flag, pipelines and their rights, amounts,
client links, reference-list replacements, lead conversion."""

from decimal import Decimal

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from accessrights.models import Action, Role, RolePermission, Scope
from accessrights.restriction import check, may
from accessrights.rights import rights_changed
from companies import services as client_services
from companies.models import Company, Contact
from crm.items import EditConflict
from deals import services
from deals.models import Deal, Lead
from dictionaries import services as dictionary_services
from dictionaries.models import Entry, Pipeline
from tests.conftest import sales_user
from tests.factories import UserFactory
from tests.helpers import entity_keys, service_refused, shown_changes, tables_snapshot
from timeline.models import Event

pytestmark = pytest.mark.django_db


# Helpers


def stage(code: str) -> Entry:
    """A deal stage by its code (``WON``, ``C3:NEW``)."""
    return Entry.objects.get(list_code="DEAL_STAGE", code=code)


def lead_stage(code: str) -> Entry:
    return Entry.objects.get(list_code="STATUS", code=code)


def pipeline_stage(pipeline: Pipeline, code: str) -> Entry:
    return stage(f"{pipeline.stage_code_prefix}{code}")


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


def phone(value: str, kind: str = "work") -> dict:
    return {"value": value, "kind": kind}


def email(value: str, kind: str = "work") -> dict:
    return {"value": value, "kind": kind}


def events(item, kind: str | None = None) -> list[Event]:
    """The history of ``item`` (newest first), of one kind when given."""
    found = Event.objects.of_item(item)
    return list(found.filter(kind=kind) if kind else found)


def changes_of(event: Event) -> dict:
    return shown_changes(event)


def role_with(name: str, grid: dict) -> Role:
    """A role with ``grid``: ``{(entity, action): scope}``."""
    role = Role.objects.create(name=name)
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=entity, action=action, scope=scope)
        for (entity, action), scope in grid.items()
    )
    return role


def everything(scope=Scope.ALL) -> dict:
    return {(entity, action): scope for entity in entity_keys() for action in Action.values}


def give_only(user, role: Role) -> None:
    user.crm_roles.clear()
    role.users.add(user)
    rights_changed()


# Fixtures


@pytest.fixture
def pipeline2(admin, user):
    """A second pipeline, created after ``user``'s role so that it gets the copied rights."""
    return dictionary_services.pipeline_create(user=admin, name="Projects")


@pytest.fixture
def company(user):
    return client_services.company_create(user=user, name="Acme", phones=[phone("202-555-0143")])


@pytest.fixture
def contact(user):
    return client_services.contact_create(user=user, first_name="Anna", last_name="Lee")


@pytest.fixture
def deal(user):
    return services.deal_create(user=user, title="Licences", amount=Decimal("1000"))


# deal_create: where a new deal starts


def test_a_deal_without_stage_starts_in_the_first_stage_of_the_default_pipeline(user):
    deal = services.deal_create(user=user, title="Licences")
    assert (deal.pipeline, deal.stage, deal.closed) == (default_pipeline(), stage("NEW"), False)
    assert (deal.responsible, deal.created_by, deal.version) == (user, user, 1)
    (event,) = events(deal)
    assert (event.kind, event.author) == ("created", user)


def test_a_deal_given_a_pipeline_starts_in_that_pipelines_first_stage(user, pipeline2):
    deal = services.deal_create(user=user, title="Project", pipeline=pipeline2)
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage) == (pipeline2, pipeline_stage(pipeline2, "NEW"))


def test_the_stage_decides_the_pipeline(user, pipeline2):
    """A stage of pipeline 2 given together with the default pipeline: the stage wins."""
    deal = services.deal_create(
        user=user,
        title="Project",
        pipeline=default_pipeline(),
        stage=pipeline_stage(pipeline2, "EXECUTING"),
    )
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage.code) == (pipeline2, f"C{pipeline2.pk}:EXECUTING")


def test_a_deal_created_in_a_final_stage_is_closed(user):
    deal = services.deal_create(user=user, title="Done", stage=stage("WON"))
    assert Deal.objects.get(pk=deal.pk).closed is True


def test_a_lead_stage_is_refused_as_a_deal_stage(user):
    """Bad input: the lead stage IN_PROCESS (a STATUS entry) given as a deal's stage."""
    error = service_refused(
        lambda: services.deal_create(user=user, title="X", stage=lead_stage("IN_PROCESS"))
    )
    assert "stage" in error.message_dict


def test_a_deal_needs_a_title(user):
    """Bad input: a title of spaces only."""
    error = service_refused(lambda: services.deal_create(user=user, title="   "))
    assert "title" in error.message_dict


def test_a_new_pipeline_without_a_stage_moves_the_deal_to_its_first_stage(user, deal, pipeline2):
    services.deal_update(user=user, deal=deal, pipeline=pipeline2)
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage) == (pipeline2, pipeline_stage(pipeline2, "NEW"))


# move_deal_to_stage: the kanban's drag


def test_moving_to_the_success_stage_closes_and_back_to_a_process_stage_reopens(user, deal):
    moved = services.move_deal_to_stage(user=user, deal=deal, stage=stage("WON"))
    assert moved.closed is True and Deal.objects.get(pk=deal.pk).closed is True
    services.move_deal_to_stage(user=user, deal=deal, stage=stage("EXECUTING"))
    deal.refresh_from_db()
    assert (deal.stage, deal.closed, deal.version) == (stage("EXECUTING"), False, 3)


@pytest.mark.parametrize("code", ["LOSE", "APOLOGY"])
def test_moving_to_a_failure_stage_closes(user, deal, code):
    services.move_deal_to_stage(user=user, deal=deal, stage=stage(code))
    deal.refresh_from_db()
    assert (deal.stage.code, deal.closed) == (code, True)


def test_moving_to_a_stage_of_another_pipeline_moves_the_pipeline(user, deal, pipeline2):
    target = pipeline_stage(pipeline2, "PREPARATION")
    services.move_deal_to_stage(user=user, deal=deal, stage=target)
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage, deal.closed) == (pipeline2, target, False)
    changes = changes_of(events(deal, "updated")[0])
    assert changes["pipeline"] == ("General", "Projects")
    assert changes["stage"] == ("New", "Create papers")


def test_a_move_is_recorded_in_history_with_old_and_new_stage_names(user, deal):
    services.move_deal_to_stage(user=user, deal=deal, stage=stage("WON"))
    event = events(deal)[0]
    assert (event.kind, event.author, event.item_version) == ("updated", user, 2)
    assert changes_of(event) == {"stage": ("New", "Deal won")}


def test_a_move_to_the_same_stage_writes_nothing(user, deal):
    before = tables_snapshot()
    services.move_deal_to_stage(user=user, deal=deal, stage=stage("NEW"))
    assert tables_snapshot() == before


def test_a_move_on_a_stale_copy_records_no_false_link_history(user, deal, company):
    """Bad input: a kanban copy of the deal from before someone else set its company."""
    stale = Deal.objects.get(pk=deal.pk)
    services.deal_update(user=user, deal=deal, company=company)
    linked_before = events(company)
    services.move_deal_to_stage(user=user, deal=stale, stage=stage("WON"))
    deal.refresh_from_db()
    assert (deal.company, deal.stage, deal.closed) == (company, stage("WON"), True)
    assert events(company) == linked_before
    assert changes_of(events(deal)[0]) == {"stage": ("New", "Deal won")}


def test_deleting_a_stale_copy_unlinks_the_current_company(user, deal, company):
    """Bad input: a copy of the deal from before someone else set its company."""
    stale = Deal.objects.get(pk=deal.pk)
    services.deal_update(user=user, deal=deal, company=company)
    services.deal_delete(user=user, deal=stale)
    assert events(company)[0].kind == "unlinked"


def test_a_move_on_an_outdated_version_is_a_conflict(user, deal):
    """Bad input: expected_version 1 after someone else moved the deal to version 2."""
    other = sales_user(first_name="Ben", last_name="Ode")
    services.move_deal_to_stage(user=other, deal=deal, stage=stage("PREPARATION"))
    error = service_refused(
        lambda: services.move_deal_to_stage(
            user=user, deal=deal, stage=stage("WON"), expected_version=1
        ),
        EditConflict,
    )
    assert error.theirs["stage"] == {
        "label": "stage",
        "original": "New",
        "current": "Create papers",
        "authors": ["Ben Ode"],
    }
    deal.refresh_from_db()
    assert (deal.stage, deal.closed, deal.version) == (stage("PREPARATION"), False, 2)
    services.move_deal_to_stage(user=user, deal=deal, stage=stage("WON"), expected_version=2)


def test_moving_a_deal_deleted_meanwhile_raises_does_not_exist(user, deal):
    """Bad input: a copy of a deal that another user deleted in the meantime."""
    stale = Deal.objects.get(pk=deal.pk)
    services.deal_delete(user=user, deal=deal)
    error = service_refused(
        lambda: services.move_deal_to_stage(user=user, deal=stale, stage=stage("WON")),
        ObjectDoesNotExist,
    )
    assert isinstance(error, Deal.DoesNotExist)


def test_a_move_to_a_lead_stage_is_refused(user, deal):
    """Bad input: the lead stage JUNK given as the target of a deal move."""
    error = service_refused(
        lambda: services.move_deal_to_stage(user=user, deal=deal, stage=lead_stage("JUNK"))
    )
    assert "stage" in error.message_dict


def test_a_stage_is_found_by_its_code_which_names_its_pipeline_too(pipeline2):
    assert services.deal_stage_by_code("WON") == stage("WON")
    found = services.deal_stage_by_code(f"C{pipeline2.pk}:WON")
    assert (found.pipeline, found.semantics) == (pipeline2, "success")


@pytest.mark.parametrize("code", ["NO_SUCH_STAGE", "CONVERTED", "", "x" * 500, None])
def test_an_unknown_stage_code_is_refused(code):
    """Bad input: an unknown code, a lead stage's code, an empty, a 500-character and a None
    code."""
    with pytest.raises(ValidationError) as info:
        services.deal_stage_by_code(code)
    assert "stage" in info.value.message_dict


# Rights per pipeline


@pytest.fixture
def pipeline2_unreachable(user, admin):
    """Pipeline 2, which ``user`` (a real role reaching every item) may not work in.

    The role exists before the pipeline is created, so it gets the copied ``deal:<id>`` rows;
    they are removed again.
    """
    role = role_with("Everything but pipeline 2", everything())
    give_only(user, role)
    pipeline = dictionary_services.pipeline_create(user=admin, name="Projects")
    removed, _ = RolePermission.objects.filter(role=role, entity=pipeline.access_entity).delete()
    assert removed == len(Action.values)
    rights_changed()
    return pipeline


def test_deals_of_an_unreachable_pipeline_are_hidden(user, admin, pipeline2_unreachable):
    assert not user.is_superuser
    mine = services.deal_create(user=user, title="Mine")
    theirs_default = services.deal_create(user=admin, title="Theirs, default pipeline")
    hidden = services.deal_create(user=admin, title="Pipeline 2", pipeline=pipeline2_unreachable)
    for action in Action.values:
        assert set(Deal.objects.restrict(user, action)) == {mine, theirs_default}
    assert set(Deal.objects.restrict(admin, "read")) == {mine, theirs_default, hidden}
    with pytest.raises(PermissionDenied):
        check(user, "read", hidden)
    assert may(user, "read", Deal) is True
    assert may(user, "read", Deal, hidden) is False
    assert may(user, "add", Deal, Deal(pipeline=pipeline2_unreachable)) is False
    assert may(user, "add", Deal, Deal(pipeline=default_pipeline())) is True


def test_creating_a_deal_in_an_unreachable_pipeline_is_refused(user, pipeline2_unreachable):
    """Bad input: pipeline 2 (by pipeline, and by a stage of it) for a user without its rights."""
    service_refused(
        lambda: services.deal_create(user=user, title="X", pipeline=pipeline2_unreachable),
        PermissionDenied,
    )
    service_refused(
        lambda: services.deal_create(
            user=user, title="X", stage=pipeline_stage(pipeline2_unreachable, "WON")
        ),
        PermissionDenied,
    )
    services.deal_create(user=user, title="Fine", pipeline=default_pipeline())


def test_moving_a_deal_into_an_unreachable_pipeline_is_refused(user, pipeline2_unreachable):
    """Bad input: a stage of pipeline 2 as the target of a move by a user without its rights."""
    deal = services.deal_create(user=user, title="Mine")
    service_refused(
        lambda: services.move_deal_to_stage(
            user=user, deal=deal, stage=pipeline_stage(pipeline2_unreachable, "NEW")
        ),
        PermissionDenied,
    )
    service_refused(
        lambda: services.deal_update(user=user, deal=deal, pipeline=pipeline2_unreachable),
        PermissionDenied,
    )
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage, deal.version) == (default_pipeline(), stage("NEW"), 1)


def test_a_deal_of_an_unreachable_pipeline_cannot_be_changed_or_deleted(
    user, admin, pipeline2_unreachable
):
    """Bad input: a deal of pipeline 2 moved, updated and deleted by a user without its rights."""
    hidden = services.deal_create(user=admin, title="Pipeline 2", pipeline=pipeline2_unreachable)
    service_refused(
        lambda: services.move_deal_to_stage(user=user, deal=hidden, stage=stage("NEW")),
        PermissionDenied,
    )
    service_refused(
        lambda: services.deal_update(user=user, deal=hidden, title="X"), PermissionDenied
    )
    service_refused(lambda: services.deal_delete(user=user, deal=hidden), PermissionDenied)


def test_a_new_pipeline_gets_the_rights_of_the_default_one(user, admin):
    manager = Role.objects.get(name="Manager")

    def grid(entity):
        return set(
            RolePermission.objects.filter(entity=entity).values_list("role", "action", "scope")
        )

    pipeline = dictionary_services.pipeline_create(user=admin, name="Projects")
    assert pipeline.access_entity == f"deal:{pipeline.pk}"
    assert grid(pipeline.access_entity) == grid("deal")
    assert (manager.pk, "read", "open") in grid(pipeline.access_entity)
    # The copy takes effect at once: a full-access user works in the new pipeline.
    deal = services.deal_create(user=user, title="Project", pipeline=pipeline)
    assert list(Deal.objects.restrict(user).filter(pipeline=pipeline)) == [deal]


def test_deleting_a_pipeline_drops_its_rights(user, admin, pipeline2):
    entity = pipeline2.access_entity
    assert RolePermission.objects.filter(entity=entity).exists()
    deal = services.deal_create(user=user, title="Project", pipeline=pipeline2)
    with pytest.raises(ValidationError):
        dictionary_services.pipeline_delete(user=admin, pipeline=pipeline2)
    services.deal_delete(user=user, deal=deal)
    dictionary_services.pipeline_delete(user=admin, pipeline=pipeline2)
    assert not RolePermission.objects.filter(entity=entity).exists()
    assert not Entry.objects.filter(pipeline_id=pipeline2.pk).exists()
    kept = services.deal_create(user=user, title="Default")
    assert list(Deal.objects.restrict(user)) == [kept]


def test_pipelines_are_changed_by_settings_holders_only(user):
    """Bad input: a pipeline created by a user without the settings right."""
    with pytest.raises(PermissionDenied):
        dictionary_services.pipeline_create(user=user, name="Mine")
    assert Pipeline.objects.count() == 1


# Amounts, currency, probability


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": Decimal("-0.01")}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": 1.234}, "amount"),
        ({"amount": Decimal("1.234")}, "amount"),
        ({"amount": 10**17}, "amount"),
        ({"amount": "9999999999999999.99"}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "usd"}, "currency"),
        ({"probability": 101}, "probability"),
        ({"probability": -1}, "probability"),
    ],
    ids=[
        "negative",
        "negative-cent",
        "abc",
        "three-decimals-float",
        "three-decimals",
        "18-digits",
        "16-digits-before-the-point",
        "14-digits-before-the-point",
        "nan",
        "currency-XYZ",
        "currency-lowercase",
        "probability-101",
        "probability-negative",
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_created(user, fields, field):
    """Bad input: each parametrised value (see the ids) for amount, currency or probability."""
    error = service_refused(lambda: services.deal_create(user=user, title="X", **fields))
    assert field in error.message_dict


def test_bad_amounts_are_refused_on_update_too(user, deal):
    """Bad input: amount "abc" and currency "usd" in an update."""
    service_refused(lambda: services.deal_update(user=user, deal=deal, amount="abc"))
    service_refused(lambda: services.deal_update(user=user, deal=deal, currency="usd"))


def test_good_amounts_are_kept_exactly(user):
    """The largest amount every database stores exactly (crm.models.MoneyField)."""
    deal = services.deal_create(
        user=user, title="Big", amount="9999999999999.99", currency="EUR", probability=100
    )
    deal.refresh_from_db()
    assert (deal.amount, deal.currency, deal.probability) == (
        Decimal("9999999999999.99"),
        "EUR",
        100,
    )


# Company and contacts of a deal


@pytest.fixture
def own_clients_only(user):
    """``user`` may do everything with deals but read only their own companies and contacts
    (like ``own_read_only``, plus the deal rights)."""
    grid = {("deal", action): Scope.ALL for action in Action.values}
    grid.update({(entity, Action.READ): Scope.OWN for entity in ("company", "contact")})
    give_only(user, role_with("Deals, own clients", grid))


def test_an_unreadable_company_or_contact_is_refused(user, admin, own_clients_only):
    """Bad input: a company and a contact of someone else, unreadable to a user who reads only
    their own, given to deal_create and deal_update."""
    foreign_company = client_services.company_create(user=admin, name="Not mine")
    foreign_contact = client_services.contact_create(user=admin, last_name="Not mine")
    service_refused(
        lambda: services.deal_create(user=user, title="X", company=foreign_company),
        PermissionDenied,
    )
    service_refused(
        lambda: services.deal_create(user=user, title="X", contacts=[foreign_contact]),
        PermissionDenied,
    )
    own_company = client_services.company_create(user=admin, name="Mine", responsible=user)
    deal = services.deal_create(user=user, title="Mine", company=own_company)
    service_refused(
        lambda: services.deal_update(user=user, deal=deal, company=foreign_company),
        PermissionDenied,
    )
    service_refused(
        lambda: services.deal_update(user=user, deal=deal, contacts=[foreign_contact]),
        PermissionDenied,
    )


def test_links_are_recorded_on_the_company_and_contacts(user, company, contact):
    second = client_services.contact_create(user=user, first_name="Ben")
    deal = services.deal_create(user=user, title="Licences", company=company, contacts=[contact])
    assert (deal.company, list(deal.contacts.all())) == (company, [contact])
    (linked,) = events(company, "linked")
    assert (linked.related_id, linked.related_label) == (deal.pk, "Licences")
    assert events(contact, "linked")[0].related_id == deal.pk
    assert events(deal, "linked")[0].related_id == contact.pk

    other = client_services.company_create(user=user, name="Globex")
    services.deal_update(user=user, deal=deal, company=other, contacts=[second])
    assert events(company, "unlinked")[0].related_id == deal.pk
    assert events(other, "linked")[0].related_id == deal.pk
    assert events(contact, "unlinked")[0].related_id == deal.pk
    assert events(second, "linked")[0].related_id == deal.pk
    assert changes_of(events(deal, "updated")[0]) == {"company": ("Acme", "Globex")}


def test_deleting_a_deal_unlinks_its_clients_in_their_history(user, company, contact):
    deal = services.deal_create(user=user, title="Licences", company=company, contacts=[contact])
    deal_pk = deal.pk
    services.deal_delete(user=user, deal=deal)
    assert not Deal.objects.filter(pk=deal_pk).exists()
    assert Company.objects.filter(pk=company.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()
    for client in (company, contact):
        event = events(client)[0]
        assert (event.kind, event.related_id, event.author) == ("unlinked", deal_pk, user)
    deleted = Event.objects.filter(item_id=deal_pk, kind="deleted", item_type__model="deal")
    assert deleted.count() == 1


# Deleting a deal stage in use


def test_deleting_a_used_stage_asks_for_a_replacement_and_follows_closed(user, admin, pipeline2):
    """Bad input: no replacement, and a replacement from another pipeline."""
    in_stage = [
        services.deal_create(user=user, title=f"D{n}", stage=stage("PREPARATION")) for n in (1, 2)
    ]
    elsewhere = services.deal_create(user=user, title="Elsewhere")
    error = service_refused(
        lambda: dictionary_services.entry_delete(user=admin, entry=stage("PREPARATION"))
    )
    assert "2 items use" in error.message_dict["replacement"][0]
    service_refused(
        lambda: dictionary_services.entry_delete(
            user=admin,
            entry=stage("PREPARATION"),
            replacement=pipeline_stage(pipeline2, "LOSE"),
        )
    )
    lose = stage("LOSE")
    moved = dictionary_services.entry_delete(
        user=admin, entry=stage("PREPARATION"), replacement=lose
    )
    assert moved == 2
    assert not Entry.objects.filter(list_code="DEAL_STAGE", code="PREPARATION").exists()
    for deal in in_stage:
        deal.refresh_from_db()
        assert (deal.stage, deal.closed, deal.version) == (lose, True, 2)
        event = events(deal)[0]
        assert (event.kind, event.item_version) == ("updated", 2)
        assert changes_of(event) == {"stage": ("Create papers", "Deal lost")}
    elsewhere.refresh_from_db()
    assert (elsewhere.stage, elsewhere.closed, elsewhere.version) == (stage("NEW"), False, 1)
    # The version moved: an editor holding version 1 now gets a conflict.
    service_refused(
        lambda: services.deal_update(user=user, deal=in_stage[0], title="Late", expected_version=1),
        EditConflict,
    )


def test_deleting_a_failure_stage_into_a_process_stage_reopens_deals(user, admin):
    deal = services.deal_create(user=user, title="Lost", stage=stage("APOLOGY"))
    assert Deal.objects.get(pk=deal.pk).closed is True
    dictionary_services.entry_delete(user=admin, entry=stage("APOLOGY"), replacement=stage("NEW"))
    deal.refresh_from_db()
    assert (deal.stage, deal.closed, deal.version) == (stage("NEW"), False, 2)


def test_deleting_a_used_lead_stage_follows_closed_too(user, admin):
    lead = services.lead_create(user=user, first_name="Anna", stage=lead_stage("IN_PROCESS"))
    dictionary_services.entry_delete(
        user=admin, entry=lead_stage("IN_PROCESS"), replacement=lead_stage("JUNK")
    )
    lead.refresh_from_db()
    assert (lead.stage.code, lead.closed, lead.version) == ("JUNK", True, 2)


# Leads


def test_a_lead_starts_unassigned_with_its_title_from_the_names(user):
    lead = services.lead_create(
        user=user,
        first_name="Anna",
        middle_name="Maria",
        last_name="Lee",
        phones=[phone("(202) 555-0143"), phone("+7 912 345-67-89", "mobile")],
        emails=[email("Anna@Example.COM")],
    )
    lead.refresh_from_db()
    assert (lead.stage, lead.closed, lead.title) == (lead_stage("NEW"), False, "Anna Maria Lee")
    assert (lead.responsible, lead.version) == (user, 1)
    normalized = sorted(lead.communications.values_list("normalized", flat=True))
    assert normalized == ["+12025550143", "+79123456789", "anna@example.com"]
    assert events(lead)[0].kind == "created"


def test_a_lead_title_falls_back_to_the_company_name(user):
    lead = services.lead_create(user=user, title="  ", company_name="Acme")
    assert Lead.objects.get(pk=lead.pk).title == "Acme"
    kept = services.lead_create(user=user, title=" Website request ", first_name="Anna")
    assert Lead.objects.get(pk=kept.pk).title == "Website request"


def test_a_lead_needs_something_to_be_called(user):
    """Bad input: a lead without title, names or company name."""
    error = service_refused(lambda: services.lead_create(user=user, phones=[phone("202-555-0143")]))
    assert "title" in error.message_dict


def test_bad_lead_values_are_refused(user):
    """Bad input: a malformed phone, a broken e-mail, a deal stage as a lead stage."""
    error = service_refused(
        lambda: services.lead_create(user=user, title="X", phones=[phone("not a phone")])
    )
    assert "phones" in error.message_dict
    error = service_refused(
        lambda: services.lead_create(user=user, title="X", emails=[email("broken@")])
    )
    assert "emails" in error.message_dict
    error = service_refused(lambda: services.lead_create(user=user, title="X", stage=stage("NEW")))
    assert "stage" in error.message_dict


def test_a_lead_reaches_the_converted_stage_only_by_conversion(user):
    """Bad input: the CONVERTED stage given directly to lead_update."""
    lead = services.lead_create(user=user, first_name="Anna")
    error = service_refused(
        lambda: services.lead_update(user=user, lead=lead, stage=lead_stage("CONVERTED"))
    )
    assert "stage" in error.message_dict


def test_junk_closes_a_lead_and_a_process_stage_reopens_it(user):
    lead = services.lead_create(user=user, first_name="Anna")
    services.lead_update(user=user, lead=lead, stage=lead_stage("JUNK"))
    lead.refresh_from_db()
    assert (lead.stage.code, lead.closed, lead.version) == ("JUNK", True, 2)
    assert changes_of(events(lead)[0]) == {"stage": ("Unassigned", "Junk lead")}
    services.lead_update(user=user, lead=lead, stage=lead_stage("IN_PROCESS"))
    lead.refresh_from_db()
    assert (lead.stage.code, lead.closed) == ("IN_PROCESS", False)


def test_a_lead_update_on_an_outdated_version_is_a_conflict(user):
    """Bad input: expected_version 1 of a lead already at version 2."""
    lead = services.lead_create(user=user, first_name="Anna")
    services.lead_update(user=user, lead=lead, title="First")
    service_refused(
        lambda: services.lead_update(user=user, lead=lead, title="Second", expected_version=1),
        EditConflict,
    )


def test_deleting_a_lead_keeps_its_history(user):
    lead = services.lead_create(user=user, first_name="Anna")
    lead_pk = lead.pk
    services.lead_delete(user=user, lead=lead)
    assert not Lead.objects.filter(pk=lead_pk).exists()
    assert Event.objects.filter(item_id=lead_pk, kind="deleted", item_type__model="lead").exists()


# Lead conversion


@pytest.fixture
def lead(user):
    return services.lead_create(
        user=user,
        title="Website request",
        first_name="Anna",
        last_name="Lee",
        company_name="Acme",
        amount=Decimal("500.00"),
        currency="EUR",
        phones=[phone("(202) 555-0143")],
        emails=[email("Anna@Acme.com")],
        comments="Wants 10 licences",
    )


def test_converting_creates_and_links_contact_company_and_deal(user, lead, pipeline2):
    produced = services.lead_convert(
        user=user, lead=lead, contact=True, company=True, deal_pipeline=pipeline2
    )
    contact, company, deal = produced["contact"], produced["company"], produced["deal"]
    assert (contact.first_name, contact.last_name, company.name) == ("Anna", "Lee", "Acme")
    assert list(contact.companies.all()) == [company]
    deal.refresh_from_db()
    assert (deal.title, deal.pipeline, deal.stage) == (
        "Website request",
        pipeline2,
        pipeline_stage(pipeline2, "NEW"),
    )
    assert (deal.amount, deal.currency, deal.comments) == (
        Decimal("500.00"),
        "EUR",
        "Wants 10 licences",
    )
    assert (deal.company, list(deal.contacts.all()), deal.lead) == (company, [contact], lead)
    for client in (contact, company):
        normalized = sorted(client.communications.values_list("normalized", flat=True))
        assert normalized == ["+12025550143", "anna@acme.com"]
    lead.refresh_from_db()
    assert (lead.contact, lead.company) == (contact, company)
    assert (lead.stage, lead.closed, lead.version) == (lead_stage("CONVERTED"), True, 2)
    linked = {e.related_id for e in events(lead, "linked")}
    assert linked == {contact.pk, company.pk, deal.pk}
    for item in (contact, company, deal):
        assert any(
            e.related_id == lead.pk and e.related_type.model == "lead"
            for e in events(item, "linked")
        )


def test_converting_into_a_deal_only(user, lead):
    produced = services.lead_convert(user=user, lead=lead, deal_pipeline=default_pipeline())
    assert (produced["contact"], produced["company"]) == (None, None)
    assert produced["deal"].lead == lead and produced["deal"].company is None
    assert not Contact.objects.exists() and not Company.objects.exists()


def test_conversion_is_one_transaction(user, lead):
    """Bad input: a conversion into a deal by a user without the add right on deals."""
    grid = everything()
    grid[("deal", Action.ADD)] = Scope.NONE
    give_only(user, role_with("No new deals", grid))
    service_refused(
        lambda: services.lead_convert(
            user=user, lead=lead, contact=True, company=True, deal_pipeline=default_pipeline()
        ),
        PermissionDenied,
    )
    assert not Contact.objects.exists() and not Company.objects.exists()
    lead.refresh_from_db()
    assert (lead.stage, lead.closed, lead.version) == (lead_stage("NEW"), False, 1)
    assert (lead.contact, lead.company) == (None, None)


def test_a_readable_contact_with_the_same_phone_is_reused(user, lead):
    existing = client_services.contact_create(
        user=user, first_name="Anna", last_name="Lee-Smith", phones=[phone("+1 202 555 0143")]
    )
    produced = services.lead_convert(user=user, lead=lead, contact=True)
    assert produced["contact"] == existing
    assert Contact.objects.count() == 1
    lead.refresh_from_db()
    assert lead.contact == existing


def test_a_readable_contact_with_the_same_email_is_reused(user, lead):
    existing = client_services.contact_create(
        user=user, last_name="Lee", emails=[email("ANNA@acme.com")]
    )
    produced = services.lead_convert(user=user, lead=lead, contact=True, company=True)
    assert produced["contact"] == existing and Contact.objects.count() == 1
    assert list(existing.companies.all()) == [produced["company"]]


def test_an_unreadable_contact_with_the_same_phone_is_not_reused(user, admin, lead):
    grid = everything(Scope.OWN)
    give_only(user, role_with("Own items", grid))
    hidden = client_services.contact_create(
        user=admin, last_name="Hidden", phones=[phone("+1 202 555 0143")], opened=True
    )
    produced = services.lead_convert(user=user, lead=lead, contact=True)
    assert produced["contact"] != hidden
    assert Contact.objects.count() == 2


def test_a_company_with_the_same_phone_is_reused(user, lead):
    existing = client_services.company_create(
        user=user, name="Acme Holding", phones=[phone("202.555.0143")]
    )
    produced = services.lead_convert(user=user, lead=lead, company=True)
    assert produced["company"] == existing and Company.objects.count() == 1


def test_a_company_with_the_exact_name_is_reused(user, lead):
    existing = client_services.company_create(user=user, name="Acme")
    client_services.company_create(user=user, name="Acme Holding")
    produced = services.lead_convert(user=user, lead=lead, company=True, contact=True)
    assert produced["company"] == existing and Company.objects.count() == 2
    assert list(produced["contact"].companies.all()) == [existing]


def test_a_lead_without_names_cannot_become_a_contact(user):
    """Bad input: a contact asked of a lead with neither first nor last name."""
    lead = services.lead_create(user=user, company_name="Acme")
    error = service_refused(
        lambda: services.lead_convert(user=user, lead=lead, company=True, contact=True)
    )
    assert "contact" in error.message_dict


def test_a_converted_lead_cannot_be_converted_again(user, lead):
    """Bad input: a second conversion of an already converted lead."""
    services.lead_convert(user=user, lead=lead, contact=True)
    service_refused(lambda: services.lead_convert(user=user, lead=lead, company=True))
    service_refused(lambda: services.lead_convert(user=user, lead=lead, contact=True))


def test_a_conversion_must_produce_something(user, lead):
    """Bad input: a conversion with nothing chosen (no contact, no company, no pipeline)."""
    service_refused(lambda: services.lead_convert(user=user, lead=lead))


def test_a_lead_cannot_be_converted_without_the_update_right(user, lead):
    """Bad input: a conversion by a user who may only read leads."""
    grid = everything()
    grid[("lead", Action.UPDATE)] = Scope.NONE
    give_only(user, role_with("No lead updates", grid))
    service_refused(
        lambda: services.lead_convert(user=user, lead=lead, contact=True), PermissionDenied
    )


def test_inactive_users_can_do_nothing(user, deal):
    """Bad input: an inactive user creating, moving and deleting deals."""
    idle = UserFactory(is_active=False, is_superuser=True)
    service_refused(lambda: services.deal_create(user=idle, title="X"), PermissionDenied)
    service_refused(
        lambda: services.move_deal_to_stage(user=idle, deal=deal, stage=stage("WON")),
        PermissionDenied,
    )
    service_refused(lambda: services.deal_delete(user=idle, deal=deal), PermissionDenied)
