"""Property test of the access rights against a plain-Python oracle.

Hypothesis draws small worlds: a department tree (random parents, then a few moves, some of them
refused because they would put a department inside itself), users in zero, one or two
departments, roles with a random scope per entity and action given to users and to departments
(a department's role reaches its members and the members of every department below it), a group,
companies and contacts with random responsible people and ``opened`` flags, links between them,
and shares for read and/or update with a user or the group.

For every user, every door into the client base must show exactly what the oracle computes by
looping over the items and applying the scope rules in Python (no ORM filtering): the list pages,
the API lists (followed cursor by cursor), the Django admin's changelists (every user is staff
with the admin's model permissions, not a superuser), the name search on all three, the cards
(200 or 404), the dependency tabs and the companies shown in the contact list. Writes (an update
that may hand the item to someone else, and a delete) succeed exactly inside the user's scopes; a
refused one raises PermissionDenied and leaves every table as it was.

Activities on those items (``test_activities_follow_the_rights_of_their_items``): restrict(),
the API list, "My activities", the top bar's counter and the card timelines against the
oracle of their rule (the item's right, or being the responsible person), and updates that may
hand an activity over.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessrights import services as rights_services
from accessrights.models import Department
from accessrights.restriction import may
from activities import services as activity_services
from activities.models import Activity
from companies import services
from companies.models import Company, Contact
from tests.conftest import examples
from tests.helpers import tables_snapshot

pytestmark = pytest.mark.django_db

ENTITIES = ("company", "contact")
ACTIONS = ("read", "update", "delete")
SCOPES = ("none", "own", "department", "subdepartments", "open", "all")
# "all" (and "open" with opened items) hide the other scopes: drawn less often.
WEIGHTED_SCOPES = (*SCOPES[:4], "department", "subdepartments", "subdepartments", *SCOPES[4:])
SHARE_ACTIONS = (("read",), ("update",), ("read", "update"))
COMMON = "Zork"  # in every generated name: searching it finds everything readable
SOME = "Beta"  # in some names only
MODELS = {"company": Company, "contact": Contact}
URLS = {"company": "companies", "contact": "contacts"}
ADMIN_PERMISSIONS = ("view_company", "change_company", "view_contact", "change_contact")


# The world, as plain data


@dataclass(frozen=True)
class ItemSpec:
    responsible: int
    opened: bool
    beta: bool  # the name contains SOME
    handover: int | None  # the update tried on it gives it to this user (None: keep)


@dataclass(frozen=True)
class RoleSpec:
    grid: dict  # (entity, action) -> scope
    users: frozenset
    departments: frozenset


@dataclass
class World:
    parents: list  # department -> parent department or None (an earlier one: a tree)
    moves: list  # (department, new parent or None), tried in order
    user_departments: list  # user -> frozenset of departments
    groups: list  # group -> frozenset of users
    roles: list
    items: dict  # entity -> list of ItemSpec
    links: frozenset  # (contact, company)
    shares: list  # (entity, item, ("user" | "group", index), actions)


@st.composite
def worlds(draw) -> World:
    n_departments = draw(st.integers(1, 6))
    department = st.integers(0, n_departments - 1) if n_departments else st.nothing()
    # Mostly under an earlier department (a tree a few levels deep), some at the top.
    parents = [draw(st.sampled_from([None, *range(i), *range(i)])) for i in range(n_departments)]
    moves = []
    if n_departments:
        moves = draw(st.lists(st.tuples(department, st.none() | department), max_size=2))
    n_users = draw(st.integers(2, 5))
    user = st.integers(0, n_users - 1)
    # Mostly in one department, some in two or none: department scopes and inherited roles
    # should decide often.
    some_departments = st.just(frozenset())
    if n_departments:
        one = st.frozensets(department, min_size=1, max_size=1)
        some_departments = one | one | st.frozensets(department, min_size=1, max_size=2)
        some_departments |= st.just(frozenset())
    user_departments = [draw(some_departments) for _ in range(n_users)]
    groups = draw(st.lists(st.frozensets(user, min_size=1), max_size=1))
    grid = st.fixed_dictionaries(
        {(e, a): st.sampled_from(WEIGHTED_SCOPES) for e in ENTITIES for a in ACTIONS}
    )
    # A role goes to people, to departments (reaching the departments below), or both.
    assignees = (
        st.tuples(st.frozensets(user, min_size=1), st.just(frozenset()))
        | st.tuples(st.just(frozenset()), some_departments)
        | st.tuples(st.frozensets(user), some_departments)
    )
    roles = draw(
        st.lists(st.builds(lambda g, a: RoleSpec(g, *a), grid, assignees), min_size=1, max_size=3)
    )
    item = st.builds(ItemSpec, user, st.booleans(), st.booleans(), st.none() | user)
    items = {entity: draw(st.lists(item, min_size=1, max_size=4)) for entity in ENTITIES}
    links = frozenset()
    if items["company"] and items["contact"]:
        links = draw(
            st.frozensets(
                st.tuples(
                    st.integers(0, len(items["contact"]) - 1),
                    st.integers(0, len(items["company"]) - 1),
                ),
                max_size=4,
            )
        )
    target = st.tuples(st.just("user"), user)
    if groups:
        target |= st.tuples(st.just("group"), st.integers(0, len(groups) - 1))
    shares = []
    for entity in ENTITIES:
        if items[entity]:
            index = st.integers(0, len(items[entity]) - 1)
            shares += [
                (entity, *share)
                for share in draw(
                    st.lists(st.tuples(index, target, st.sampled_from(SHARE_ACTIONS)), max_size=3)
                )
            ]
    return World(parents, moves, user_departments, groups, roles, items, links, shares)


# The oracle: the scope rules, item by item, in plain Python


def _subtree(parents: list, department: int) -> set[int]:
    """``department`` and every department below it."""
    found = {department}
    grew = True
    while grew:
        below = {d for d, p in enumerate(parents) if p in found} - found
        found |= below
        grew = bool(below)
    return found


def _above(parents: list, department: int) -> set[int]:
    """``department`` and every department above it."""
    found = set()
    while department is not None and department not in found:
        found.add(department)
        department = parents[department]
    return found


@dataclass
class Oracle:
    world: World
    parents: list  # after the moves

    def roles_of(self, user: int) -> list[RoleSpec]:
        reached = set()
        for department in self.world.user_departments[user]:
            reached |= _above(self.parents, department)
        return [r for r in self.world.roles if user in r.users or r.departments & reached]

    def scopes(self, user: int, entity: str, action: str) -> set[str]:
        return {r.grid[(entity, action)] for r in self.roles_of(user)} - {"none"}

    def shared(self, user: int, entity: str, index: int, action: str) -> bool:
        for share_entity, share_index, (kind, target), actions in self.world.shares:
            # A share for any action lets the user read the item too.
            if share_entity != entity or share_index != index:
                continue
            if action not in actions and action != "read":
                continue
            if (kind == "user" and target == user) or (
                kind == "group" and user in self.world.groups[target]
            ):
                return True
        return False

    def may(self, user, entity, action, index, responsible=None, shares=True) -> bool:
        """Whether ``user`` may ``action`` item ``index`` (with ``responsible`` if given;
        ``shares=False``: by their roles alone)."""
        item = self.world.items[entity][index]
        owner = item.responsible if responsible is None else responsible
        scopes = self.scopes(user, entity, action)
        mine = self.world.user_departments[user]
        below = set()
        for department in mine:
            below |= _subtree(self.parents, department)
        theirs = self.world.user_departments[owner]
        return (
            "all" in scopes
            or (bool(scopes) and owner == user)
            or ("department" in scopes and bool(theirs & mine))
            or ("subdepartments" in scopes and bool(theirs & below))
            or ("open" in scopes and item.opened)
            or (shares and self.shared(user, entity, index, action))
        )

    def visible(self, user, entity, action="read") -> set[int]:
        return {
            i for i in range(len(self.world.items[entity])) if self.may(user, entity, action, i)
        }


# Building the world through the services


@dataclass
class Built:
    users: list
    items: dict = field(default_factory=dict)  # entity -> list of model instances
    parents: list = field(default_factory=list)  # after the moves


def build(world: World, admin) -> Built:
    user_model = get_user_model()
    users = [
        user_model.objects.create(username=f"prop_{i}", first_name=f"Person{i}", is_staff=True)
        for i in range(len(world.user_departments))
    ]
    # Staff without the superuser flag: the Django admin asks for its model permissions too.
    admin_permissions = Permission.objects.filter(codename__in=ADMIN_PERMISSIONS)
    for person in users:
        person.user_permissions.set(admin_permissions)
    built = Built(users=users, parents=list(world.parents))
    departments = []
    for index, parent in enumerate(world.parents):
        departments.append(
            rights_services.department_create(
                user=admin,
                name=f"Department {index}",
                parent=departments[parent] if parent is not None else None,
                head=users[0] if index % 2 else None,
                members=[users[u] for u, ds in enumerate(world.user_departments) if index in ds],
            )
        )
    for moved, parent in world.moves:
        fresh = {d.pk: d for d in Department.objects.all()}  # paths as they are now
        arguments = {
            "user": admin,
            "department": fresh[departments[moved].pk],
            "parent": fresh[departments[parent].pk] if parent is not None else None,
        }
        if parent is not None and parent in _subtree(built.parents, moved):
            with pytest.raises(ValidationError):  # into itself or below itself
                rights_services.department_update(**arguments)
        else:
            rights_services.department_update(**arguments)
            built.parents[moved] = parent
    # The stored paths describe the tree the oracle believes in.
    for index, department in enumerate(departments):
        department.refresh_from_db()
        chain, current = [], index
        while current is not None:
            chain.insert(0, departments[current].pk)
            current = built.parents[current]
        assert department.path == "/" + "".join(f"{pk}/" for pk in chain)

    groups = []
    for index, members in enumerate(world.groups):
        group = Group.objects.create(name=f"prop_group_{index}")
        group.user_set.set([users[u] for u in members])
        groups.append(group)
    for index, role in enumerate(world.roles):
        rights_services.role_create(
            user=admin,
            name=f"Property role {index}",
            permissions=[{"entity": e, "action": a, "scope": s} for (e, a), s in role.grid.items()],
            users=[users[u] for u in role.users],
            departments=[departments[d] for d in role.departments],
        )

    built.items["company"] = [
        services.company_create(
            user=admin,
            name=f"{COMMON} {SOME if spec.beta else 'Alpha'} {index}",
            responsible=users[spec.responsible],
            opened=spec.opened,
        )
        for index, spec in enumerate(world.items["company"])
    ]
    built.items["contact"] = [
        services.contact_create(
            user=admin,
            first_name=SOME if spec.beta else "Alpha",
            last_name=f"{COMMON}{index}",
            responsible=users[spec.responsible],
            opened=spec.opened,
        )
        for index, spec in enumerate(world.items["contact"])
    ]
    for contact, company in world.links:
        services.contact_link(
            user=admin,
            contact=built.items["contact"][contact],
            company=built.items["company"][company],
        )
    for entity, index, (kind, target), actions in world.shares:
        rights_services.item_share(
            user=admin,
            item=built.items[entity][index],
            target=users[target] if kind == "user" else groups[target],
            actions=actions,
        )
    return built


# Reading through every door


ROW_ID = re.compile(r'name="ids" value="(\d+)"')


def page_ids(client, url: str) -> set[int]:
    """The items of every page of a list page."""
    found, number = set(), 1
    while True:
        response = client.get(f"{url}&page={number}")
        assert response.status_code == 200, url
        content = response.content.decode()
        found |= {int(pk) for pk in ROW_ID.findall(content)}
        if 'rel="next"' not in content:
            return found
        number += 1


def api_rows(client, url: str) -> dict[int, dict]:
    """The items of an API list by id, following the cursors."""
    found, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        data = response.json()
        found += data["results"]
        parts = urlsplit(data["next"] or "")
        url = f"{parts.path}?{parts.query}" if data["next"] else None
        pages += 1
        assert pages < 50, "the cursors go round in circles"
    rows = {row["id"]: row for row in found}
    assert len(rows) == len(found), "an item came twice"
    return rows


def api_ids(client, url: str) -> set[int]:
    return set(api_rows(client, url))


def admin_ids(client, entity: str, **params) -> set[int]:
    """The items of the Django admin's changelist (all on its first page: a world is small)."""
    response = client.get(reverse(f"admin:companies_{entity}_changelist"), params)
    assert response.status_code == 200, entity
    changelist = response.context["cl"]
    assert changelist.result_count <= changelist.list_per_page
    return {item.pk for item in changelist.result_list}


def linked_ids(content: str, entity: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf'href="/{URLS[entity]}/(\d+)/"', content)}


def check_reads(client, oracle: Oracle, built: Built, user: int) -> None:
    world = oracle.world
    for entity in ENTITIES:
        items, url = built.items[entity], URLS[entity]
        pks = [item.pk for item in items]
        expected = {pks[i] for i in oracle.visible(user, entity)}
        beta = {pks[i] for i in oracle.visible(user, entity) if world.items[entity][i].beta}
        assert page_ids(client, f"/{url}/?per_page=200") == expected, f"{entity} list page"
        assert api_ids(client, f"/api/v1/{url}/?page_size=2") == expected, f"{entity} API"
        assert page_ids(client, f"/{url}/?per_page=200&q={COMMON}") == expected, "search"
        assert page_ids(client, f"/{url}/?per_page=200&q={SOME}") == beta, "search"
        assert api_ids(client, f"/api/v1/{url}/?page_size=2&q={SOME}") == beta, "API search"
        assert admin_ids(client, entity) == expected, f"{entity} admin changelist"
        assert admin_ids(client, entity, q=SOME) == beta, f"{entity} admin search"
        for pk in pks:
            status = client.get(f"/{url}/{pk}/").status_code
            assert status == (200 if pk in expected else 404), f"{entity} card {pk}"

    # What a readable item shows of the other kind: only readable items.
    companies = oracle.visible(user, "company")
    contacts = oracle.visible(user, "contact")
    company_pks = [c.pk for c in built.items["company"]]
    contact_pks = [c.pk for c in built.items["contact"]]
    for index in companies:
        content = client.get(f"/companies/{company_pks[index]}/?tab=dependencies")
        shown = linked_ids(content.content.decode(), "contact")
        assert shown == {contact_pks[c] for c, k in world.links if k == index and c in contacts}
    for index in contacts:
        content = client.get(f"/contacts/{contact_pks[index]}/?tab=dependencies")
        shown = linked_ids(content.content.decode(), "company")
        assert shown == {company_pks[k] for c, k in world.links if c == index and k in companies}
    content = client.get("/contacts/?per_page=200").content.decode()
    assert linked_ids(content, "company") == {
        company_pks[k] for c, k in world.links if c in contacts and k in companies
    }, "companies shown in the contact list"
    for pk, row in api_rows(client, "/api/v1/contacts/?page_size=2").items():
        index = contact_pks.index(pk)
        assert set(row["companies"]) == {
            company_pks[k] for c, k in world.links if c == index and k in companies
        }, "companies of a contact in the API"


# Writing inside and outside the scopes


def attempt(call, unchanged: list) -> bool:
    """Run a write in a savepoint that is always rolled back; True if it was allowed.

    A refused write must raise PermissionDenied and leave every table as ``unchanged``."""
    savepoint = transaction.savepoint()
    try:
        call()
    except PermissionDenied:
        assert tables_snapshot() == unchanged, "a refused write changed something"
        return False
    finally:
        transaction.savepoint_rollback(savepoint)
    return True


def check_writes(oracle: Oracle, built: Built, user: int) -> None:
    """An update (handing the item over when the world says so) and a delete of every item:
    allowed exactly inside the user's scopes, before and after the change."""
    world = oracle.world
    update = {"company": services.company_update, "contact": services.contact_update}
    delete = {"company": services.company_delete, "contact": services.contact_delete}
    unchanged = tables_snapshot()  # every attempt is rolled back: the same before each one
    for entity in ENTITIES:
        for index, spec in enumerate(world.items[entity]):
            person = get_user_model().objects.get(pk=built.users[user].pk)  # nothing cached
            item = MODELS[entity].objects.get(pk=built.items[entity][index].pk)
            fields = {"comments": f"changed by {person.username}"}
            if spec.handover is not None:
                fields["responsible"] = built.users[spec.handover]
            # A hand-over must land inside the user's roles: a share lets its holder change
            # the item, not give it away.
            handed_over = spec.handover is not None and spec.handover != spec.responsible
            allowed = oracle.may(user, entity, "update", index) and oracle.may(
                user, entity, "update", index, responsible=spec.handover, shares=not handed_over
            )
            done = attempt(
                lambda: update[entity](user=person, **{entity: item}, **fields),  # noqa: B023
                unchanged,
            )
            assert done == allowed, f"update of {entity} {index} by user {user}"
            done = attempt(
                lambda: delete[entity](user=person, **{entity: item}),  # noqa: B023
                unchanged,
            )
            assert done == oracle.may(user, entity, "delete", index), f"delete of {entity} {index}"
    assert tables_snapshot() == unchanged


def check_restrict(oracle: Oracle, built: Built, user: int) -> None:
    """restrict() for every action, and may() (menus, buttons), compared with the oracle."""
    person = get_user_model().objects.get(pk=built.users[user].pk)
    for entity in ENTITIES:
        model, pks = MODELS[entity], [item.pk for item in built.items[entity]]
        for action in ACTIONS:
            expected = {pks[i] for i in oracle.visible(user, entity, action)}
            found = set(model.objects.restrict(person, action).values_list("pk", flat=True))
            assert found == expected, f"restrict({entity}, {action}) of user {user}"
            assert may(person, action, model) == bool(oracle.scopes(user, entity, action))


SETTINGS = settings(
    deadline=None,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(SETTINGS, max_examples=examples(300))
@given(world=worlds())
def test_restrict_follows_the_rules(world, admin):
    """Many worlds, checked at the source: restrict() for each action (quick to shrink)."""
    with transaction.atomic():
        built = build(world, admin)
        oracle = Oracle(world, built.parents)
        for user in range(len(built.users)):
            check_restrict(oracle, built, user)
        transaction.set_rollback(True)


@settings(SETTINGS, max_examples=examples(60))
@given(world=worlds())
def test_writes_succeed_exactly_inside_the_scopes(world, admin):
    """Every user updates (maybe handing over) and deletes every item through the services."""
    with transaction.atomic():
        built = build(world, admin)
        oracle = Oracle(world, built.parents)
        for user in range(len(built.users)):
            check_writes(oracle, built, user)
        transaction.set_rollback(True)


@settings(SETTINGS, max_examples=examples(15))
@given(world=worlds())
def test_every_door_shows_what_the_rules_say(world, admin, client):
    """Fewer worlds, through every page and API door (each one a full request)."""
    with transaction.atomic():
        built = build(world, admin)
        oracle = Oracle(world, built.parents)
        for user in range(len(built.users)):
            client.force_login(built.users[user])
            check_reads(client, oracle, built, user)
        transaction.set_rollback(True)


def test_the_api_shows_only_readable_linked_companies(admin, client):
    """Found by the property test above: a contact's ``companies`` in the API named companies
    the reader may not see, though the contact list page leaves them out."""
    grid = {(e, a): "own" for e in ENTITIES for a in ACTIONS}
    world = World(
        parents=[],
        moves=[],
        user_departments=[frozenset(), frozenset()],
        groups=[],
        roles=[RoleSpec(grid, frozenset({0}), frozenset())],
        items={
            "company": [ItemSpec(1, False, False, None)],
            "contact": [ItemSpec(0, False, False, None)],
        },
        links=frozenset({(0, 0)}),
        shares=[],
    )
    built = build(world, admin)
    company, contact = built.items["company"][0], built.items["contact"][0]
    client.force_login(built.users[0])
    assert client.get(f"/companies/{company.pk}/").status_code == 404
    assert company.pk not in linked_ids(client.get("/contacts/").content.decode(), "company")
    assert client.get(f"/api/v1/contacts/{contact.pk}/").json()["companies"] == []


# Activities: whoever may read (update) an item reads (changes) its activities, and a
# responsible person their own.


@dataclass(frozen=True)
class ActivitySpec:
    entity: str
    index: int  # the item it belongs to
    responsible: int
    handover: int | None  # the update tried on it gives it to this user (None: keep)


@st.composite
def worlds_with_activities(draw):
    world = draw(worlds())
    user = st.integers(0, len(world.user_departments) - 1)
    activity = st.one_of(
        *(
            st.builds(
                ActivitySpec,
                st.just(e),
                st.integers(0, len(world.items[e]) - 1),
                user,
                st.none() | user,
            )
            for e in ENTITIES
        )
    )
    return world, draw(st.lists(activity, min_size=1, max_size=6))


def activity_may(oracle: Oracle, user: int, spec: ActivitySpec, action: str, responsible=None):
    """The oracle of ``AttachedQuerySet``: the item's right (read for reading, update for any
    other action), or being the activity's responsible person."""
    responsible = spec.responsible if responsible is None else responsible
    item_action = "read" if action == "read" else "update"
    return responsible == user or oracle.may(user, spec.entity, item_action, spec.index)


def build_activities(built: Built, specs: list, admin) -> list:
    return [
        activity_services.activity_create(
            user=admin,
            item=built.items[spec.entity][spec.index],
            kind="call",
            subject=f"{COMMON} call {number}",
            responsible=built.users[spec.responsible],
            deadline=timezone.now() - timedelta(hours=1),
        )
        for number, spec in enumerate(specs)
    ]


@settings(SETTINGS, max_examples=examples(100))
@given(drawn=worlds_with_activities())
def test_activities_follow_the_rights_of_their_items(drawn, admin, client):
    """restrict() for each action, the API list, "My activities", the top bar's counter and
    the card timelines show exactly what the rule says (a hidden item's activities are
    invisible and not counted, but one's own are one's own); an update (maybe handing the
    activity over) succeeds exactly inside it, and a refused one changes nothing."""
    world, specs = drawn
    with transaction.atomic():
        built = build(world, admin)
        oracle = Oracle(world, built.parents)
        activities = build_activities(built, specs, admin)
        pks = [activity.pk for activity in activities]
        unchanged = tables_snapshot()
        for user in range(len(built.users)):
            person = get_user_model().objects.get(pk=built.users[user].pk)
            for action in ACTIONS:
                expected = {
                    pks[n]
                    for n, spec in enumerate(specs)
                    if activity_may(oracle, user, spec, action)
                }
                found = set(Activity.objects.restrict(person, action).values_list("pk", flat=True))
                assert found == expected, f"activities restrict({action}) of user {user}"
            readable = {
                pks[n] for n, s in enumerate(specs) if activity_may(oracle, user, s, "read")
            }
            mine = {pks[n] for n, spec in enumerate(specs) if spec.responsible == user}
            client.force_login(person)
            assert api_ids(client, "/api/v1/activities/?page_size=2") == readable, "API"
            page = client.get("/activities/?show=overdue").content.decode()
            assert set(map(int, re.findall(r'name="ids" value="(\d+)"', page))) == mine
            counter = re.search(r'class="activity-counter"[^>]*>[^<]*(<span[^>]*>(\d+))?', page)
            assert int(counter.group(2) or 0) == len(mine), "the top bar's counter"
            for entity in ENTITIES:
                for index in oracle.visible(user, entity):
                    item = built.items[entity][index]
                    card = client.get(f"{item.get_absolute_url()}?tab=history").content.decode()
                    shown = set(map(int, re.findall(r"/activities/(\d+)/complete/", card)))
                    planned_here = {
                        pks[n] for n, spec in enumerate(specs)
                        if (spec.entity, spec.index) == (entity, index)
                        and activity_may(oracle, user, spec, "update")
                    }  # fmt: skip
                    assert shown == planned_here, f"{entity} {index}'s timeline for user {user}"
            for n, spec in enumerate(specs):
                fields = {"subject": f"changed by {person.username}"}
                if spec.handover is not None:
                    fields["responsible"] = built.users[spec.handover]
                allowed = activity_may(oracle, user, spec, "update") and activity_may(
                    oracle, user, spec, "update", responsible=spec.handover
                )
                update = partial(
                    activity_services.activity_update, user=person, activity=activities[n], **fields
                )
                done = attempt(update, unchanged)
                assert done == allowed, f"update of activity {n} by user {user}"
        transaction.set_rollback(True)
