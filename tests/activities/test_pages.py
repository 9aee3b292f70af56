"""The pages of activities: the card's timeline (planned on top, then what was done and what
happened, newest first, by kind), planning and completing from it (through htmx and without),
"My activities", the top bar's counter and the next-activity marks of lists and boards."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities import services
from activities.items import key_of_type
from activities.models import Activity
from companies import services as client_services
from crm.history import comment_add
from deals import services as deal_services
from tests.helpers import tables_snapshot

from .conftest import plan, soon

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(client, user):
    client.force_login(user)
    return client


def history(client, item, **params):
    response = client.get(item.get_absolute_url(), {"tab": "history", **params})
    assert response.status_code == 200
    return response.content.decode()


def order_of(html: str, *texts: str) -> list[int]:
    return [html.index(text) for text in texts]


def test_the_timeline_shows_planned_first_then_done_and_events_newest_first(
    client, mia, mias_company
):
    later = plan(mia, mias_company, subject="Later call", deadline=soon(48))
    sooner = plan(mia, mias_company, subject="Sooner meeting", kind="meeting", deadline=soon(1))
    done = plan(mia, mias_company, subject="Done task", kind="task")
    comment_add(user=mia, item=mias_company, text="A comment after planning")
    services.activity_complete(user=mia, activity=done, result="Sent the offer")
    html = history(signed_in(client, mia), mias_company)
    planned, happened = html.split("<h3>History</h3>")
    # Planned: soonest first; done ones are not among them.
    assert planned.index("Sooner meeting") < planned.index("Later call")
    assert "Done task" not in planned
    # History, newest first: the completion, the comment, the company's creation.
    assert order_of(happened, "Done task", "A comment after planning", "Created") == sorted(
        order_of(happened, "Done task", "A comment after planning", "Created")
    )
    assert "Sent the offer" in happened
    assert later.pk and sooner.pk


def test_the_timeline_is_filtered_by_kind(client, mia, mias_company):
    plan(mia, mias_company, subject="A planned call")
    plan(mia, mias_company, subject="A planned meeting", kind="meeting")
    done = plan(mia, mias_company, subject="A done call")
    services.activity_complete(user=mia, activity=done)
    comment_add(user=mia, item=mias_company, text="Just a comment")
    signed_in(client, mia)
    calls = history(client, mias_company, kind="call")
    assert "A planned call" in calls and "A done call" in calls
    assert "A planned meeting" not in calls and "Just a comment" not in calls
    comments = history(client, mias_company, kind="comment")
    assert "Just a comment" in comments
    assert "A planned call" not in comments and "A done call" not in comments
    # An unknown kind is no filter.
    assert "Just a comment" in history(client, mias_company, kind="nonsense")


def test_the_timeline_pages_through_both_sources_without_skipping_any(
    client, mia, mias_company, monkeypatch
):
    monkeypatch.setattr("crm.timelines.PAGE_SIZE", 3)
    moment = timezone.now()
    subjects = []
    for number in range(4):
        call = plan(mia, mias_company, subject=f"Done call {number}")
        services.activity_complete(user=mia, activity=call)
        subjects.append(f"Done call {number}")
        comment_add(user=mia, item=mias_company, text=f"Comment {number}")
        subjects.append(f"Comment {number}")
    # Two activities done at the very same moment as a comment: ties are kept in one order.
    Activity.objects.filter(done=True).update(completed_at=moment)
    signed_in(client, mia)
    seen, before = [], ""
    for _page in range(10):
        html = history(client, mias_company, **({"before": before} if before else {}))
        seen += re.findall(r"(Done call \d|Comment \d)", html.split("<h3>History</h3>")[1])
        found = re.search(r'href="[^"]*before=([^"]+)">Older events', html)
        if not found:
            break
        before = unquote(found.group(1))
    assert sorted(seen) == sorted(subjects)
    # A tampered cursor is the first page, never an error.
    assert "Comment 3" in history(client, mias_company, before="yesterday~x~y")


def test_plan_an_activity_from_the_card_through_htmx(client, mia, mias_company):
    signed_in(client, mia)
    card = history(client, mias_company)
    assert 'id="activity-plan"' in card
    url = f"/activities/add/company/{mias_company.pk}/"
    back = f"{mias_company.get_absolute_url()}?tab=history"
    response = client.post(
        url,
        {"kind": "call", "subject": "Call Anna", "deadline": "2031-05-04T10:30",
         "duration": "20", "responsible": mia.pk, "next": back},
        follow=True, **HTMX,
    )  # fmt: skip
    assert response.redirect_chain[-1][0] == back
    assert 'id="timeline"' in response.content.decode()
    call = Activity.objects.get()
    assert (call.subject, call.duration, call.responsible) == ("Call Anna", 20, mia)
    assert timezone.localtime(call.deadline).strftime("%Y-%m-%d %H:%M") == "2031-05-04 10:30"
    assert "Call Anna" in history(client, mias_company).split("<h3>History</h3>")[0]


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"deadline": "next tuesday"}, "deadline", "Enter a valid date/time"),  # a bad format
        ({"kind": "fax"}, "kind", "Select a valid choice"),  # an unknown kind
        ({"subject": ""}, "subject", "This field is required"),
        ({"duration": "-5"}, "duration", "greater than or equal to"),
    ],
)
def test_a_bad_plan_comes_back_with_what_was_typed(
    client, mia, mias_company, posted, field, message
):
    signed_in(client, mia)
    data = {"kind": "call", "subject": "Call Anna", "deadline": "2031-05-04T10:30",
            "responsible": mia.pk, **posted}  # fmt: skip
    before = tables_snapshot()
    response = client.post(f"/activities/add/company/{mias_company.pk}/", data, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "this" and response["HX-Reselect"] == "#activity-plan"
    html = response.content.decode()
    assert message in html
    assert 'id="activity-plan"' in html
    if field != "subject":
        assert 'value="Call Anna"' in html  # nothing typed is lost
    assert tables_snapshot() == before
    # Without htmx: a page of its own, with the same form.
    plain = client.post(f"/activities/add/company/{mias_company.pk}/", data)
    assert plain.status_code == 422 and message in plain.content.decode()


def test_an_item_out_of_reach_is_not_found_and_one_only_read_is_forbidden(
    client, mia, open_company, hidden_company
):
    signed_in(client, mia)
    data = {"kind": "call", "subject": "x", "deadline": "2031-05-04T10:30", "responsible": mia.pk}
    before = tables_snapshot()
    for url in (
        f"/activities/add/company/{hidden_company.pk}/",  # hidden
        "/activities/add/company/987654/",  # unknown
        "/activities/add/planet/1/",  # no such item type
    ):
        response = client.post(url, data)
        assert response.status_code == 404
        assert "Initech" not in response.content.decode()
    assert client.post(f"/activities/add/company/{open_company.pk}/", data).status_code == 403
    assert tables_snapshot() == before
    # The card of an item she only reads offers no plan form.
    assert 'id="activity-plan"' not in history(client, open_company)


def test_complete_from_the_timeline(client, mia, mias_company):
    call = plan(mia, mias_company, subject="Call to complete")
    signed_in(client, mia)
    back = f"{mias_company.get_absolute_url()}?tab=history"
    response = client.post(
        f"/activities/{call.pk}/complete/", {"result": "Agreed", "next": back}, follow=True, **HTMX
    )
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.done and call.result == "Agreed" and call.completed_by == mia
    planned, happened = history(client, mias_company).split("<h3>History</h3>")
    assert "Call to complete" in happened and "Call to complete" not in planned
    # Done already (a second click): the form comes back saying so, nothing changes.
    before = tables_snapshot()
    again = client.post(f"/activities/{call.pk}/complete/", {"next": back}, **HTMX)
    assert again.status_code == 422 and "done already" in again.content.decode()
    assert again["HX-Reselect"] == f"#complete-{call.pk}"
    assert tables_snapshot() == before


def test_edit_and_delete_pages(client, mia, mias_company):
    call = plan(mia, mias_company, subject="Before")
    signed_in(client, mia)
    page = client.get(f"/activities/{call.pk}/edit/").content.decode()
    assert 'value="Before"' in page and "Created" in page  # its history
    response = client.post(
        f"/activities/{call.pk}/edit/",
        {"kind": "task", "subject": "After", "deadline": "2031-01-02T09:00",
         "responsible": mia.pk},
    )  # fmt: skip
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.kind, call.subject) == ("task", "After")
    bad = client.post(
        f"/activities/{call.pk}/edit/",
        {"kind": "task", "subject": "After", "deadline": "31/31/2031", "responsible": mia.pk},
    )
    assert bad.status_code == 400 and "Enter a valid date/time" in bad.content.decode()
    assert client.get(f"/activities/{call.pk}/delete/").status_code == 200
    assert client.post(f"/activities/{call.pk}/delete/").status_code == 302
    assert not Activity.objects.exists()


def test_pages_of_an_activity_out_of_reach_are_not_found(client, mia, max_, hidden_company):
    theirs = plan(max_, hidden_company, subject="Secret call")
    signed_in(client, mia)
    before = tables_snapshot()
    for method, url in (
        ("get", f"/activities/{theirs.pk}/edit/"),
        ("post", f"/activities/{theirs.pk}/edit/"),
        ("post", f"/activities/{theirs.pk}/complete/"),
        ("get", f"/activities/{theirs.pk}/delete/"),
        ("post", f"/activities/{theirs.pk}/delete/"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert "Secret" not in response.content.decode()
    assert tables_snapshot() == before


def test_my_activities_by_tab(client, mia, max_, mias_company, hidden_company):
    now = timezone.now()
    plan(mia, mias_company, subject="Overdue call", deadline=now - timedelta(hours=1))
    plan(mia, mias_company, subject="Upcoming call", deadline=now + timedelta(days=3))
    done = plan(mia, mias_company, subject="Done call")
    services.activity_complete(user=mia, activity=done)
    plan(mia, mias_company, subject="Someone else's", responsible=max_)
    # Hers, on an item she may not read: listed, the item not named.
    plan(max_, hidden_company, subject="Hers on a hidden item", responsible=mia,
         deadline=now - timedelta(minutes=5))  # fmt: skip
    signed_in(client, mia)

    def tab(name):
        response = client.get("/activities/", {"show": name})
        assert response.status_code == 200
        return response.content.decode()

    overdue = tab("overdue")
    assert "Overdue call" in overdue and "Hers on a hidden item" in overdue
    assert "Initech" not in overdue and "an item you may not see" in overdue
    assert "Upcoming call" in tab("upcoming")
    assert "Done call" in tab("done") and "Done call" not in tab("upcoming")
    assert all("Someone else" not in tab(name) for name in ("overdue", "today", "upcoming", "done"))
    tasks = client.get("/activities/", {"show": "overdue", "kind": "task"}).content.decode()
    assert "Overdue call" not in tasks
    assert client.get("/activities/", {"kind": "fax"}).status_code == 200  # no 500


def test_bulk_complete_from_my_activities(client, mia, max_, mias_company, hidden_company):
    mine = [plan(mia, mias_company, subject=f"Call {n}") for n in range(2)]
    theirs = plan(max_, hidden_company)
    signed_in(client, mia)
    client.post("/activities/complete/", {"ids": [a.pk for a in mine] + [theirs.pk]})
    assert not Activity.objects.filter(done=True).exists()  # all or nothing
    client.post("/activities/complete/", {"ids": [a.pk for a in mine]})
    assert Activity.objects.filter(done=True).count() == 2


def counter_of(html: str) -> int | None:
    found = re.search(
        r'class="activity-counter"[^>]*>[^<]*(?:<span class="counter"[^>]*>(\d+))?', html
    )
    assert found, "the top bar has no activities link"
    return int(found.group(1)) if found.group(1) else None


def test_the_top_bar_counts_todays_and_overdue_ones_of_the_user(
    client, mia, max_, mias_company, hidden_company
):
    now = timezone.now()
    signed_in(client, mia)
    assert counter_of(client.get("/companies/").content.decode()) is None
    plan(mia, mias_company, deadline=now - timedelta(days=2))  # overdue
    plan(mia, mias_company, deadline=now - timedelta(minutes=1))  # overdue, today
    upcoming = plan(mia, mias_company, deadline=now + timedelta(days=2))
    done = plan(mia, mias_company, deadline=now - timedelta(hours=1))
    services.activity_complete(user=mia, activity=done)
    plan(max_, hidden_company, deadline=now - timedelta(hours=1))  # Max's: not hers
    plan(mia, mias_company, deadline=now - timedelta(hours=1), responsible=max_)
    assert counter_of(client.get("/companies/").content.decode()) == 2
    services.activity_update(user=mia, activity=upcoming, deadline=now - timedelta(hours=3))
    assert counter_of(client.get("/").content.decode()) == 3
    # Max: his own only.
    signed_in(client, max_)
    assert counter_of(client.get("/companies/").content.decode()) == 2


def test_the_counter_is_one_query(client, mia, mias_company):
    signed_in(client, mia)
    plan(mia, mias_company, deadline=timezone.now() - timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        client.get("/activities/")
    counting = [
        q["sql"] for q in queries if "COUNT" in q["sql"] and "activities_activity" in q["sql"]
    ]
    assert len(counting) == 1  # the tabs and the top bar share it


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_lists_and_boards_mark_the_next_activity_without_a_query_per_item(
    client, mia, mias_company
):
    def fill(count):
        for number in range(count):
            company = client_services.company_create(user=mia, name=f"Client {number}")
            plan(mia, company, deadline=soon(number + 1))
            plan(mia, company, deadline=soon(number + 30))
            deal = deal_services.deal_create(user=mia, title=f"Deal {number}", company=company)
            plan(mia, deal, deadline=timezone.now() - timedelta(hours=number + 1))  # overdue

    signed_in(client, mia)
    fill(2)
    pages = ("/companies/", "/deals/", "/deals/list/")
    for url in pages:  # what a process reads once (content types, shared settings) is read
        client.get(url)
    small = [_queries(client, url) for url in pages]
    fill(18)
    big = [_queries(client, url) for url in pages]
    assert small == big
    companies = client.get("/companies/").content.decode()
    assert companies.count('class="next-activity"') == 20  # not overdue
    board = client.get("/deals/").content.decode()
    assert board.count('class="next-activity overdue"') == 20
    # A company without planned activities has no mark.
    assert "Mia&#x27;s Acme" in companies and companies.count("next-activity") == 20


def test_the_marks_count_only_what_the_reader_may_read(client, mia, max_, open_company):
    # Max's activity on his open company: Mia reads the company, so she sees its next one too.
    plan(max_, open_company, deadline=soon(5))
    signed_in(client, mia)
    assert 'class="next-activity"' in client.get("/companies/").content.decode()


def test_every_item_type_has_activities_on_its_card(client, mia):
    items = {
        "company": client_services.company_create(user=mia, name="A company"),
        "contact": client_services.contact_create(user=mia, first_name="A", last_name="Contact"),
        "deal": deal_services.deal_create(user=mia, title="A deal"),
        "lead": deal_services.lead_create(user=mia, title="A lead"),
    }
    signed_in(client, mia)
    for key, item in items.items():
        data = {"kind": "task", "subject": f"Task on the {key}", "deadline": "2031-05-04T10:30",
                "responsible": mia.pk}  # fmt: skip
        assert client.post(f"/activities/add/{key}/{item.pk}/", data).status_code == 302
        assert f"Task on the {key}" in history(client, item).split("<h3>History</h3>")[0]
    planned = {(key_of_type(a.item_type_id), a.item_id) for a in Activity.objects.all()}
    assert planned == {(key, item.pk) for key, item in items.items()}


def test_the_start_page_lists_todays_and_overdue_ones(
    client, mia, max_, mias_company, hidden_company
):
    now = timezone.now()
    plan(mia, mias_company, subject="Overdue call", deadline=now - timedelta(days=1))
    plan(max_, hidden_company, subject="Hers on hidden", responsible=mia,
         deadline=now - timedelta(hours=1))  # fmt: skip
    plan(mia, mias_company, subject="Next week", deadline=now + timedelta(days=7))
    plan(max_, hidden_company, subject="Max's own", deadline=now - timedelta(hours=1))
    signed_in(client, mia)
    home = client.get("/").content.decode()
    assert "Your activities today" in home
    assert home.index("Overdue call") < home.index("Hers on hidden")  # the oldest first
    assert "Next week" not in home and "Max&#x27;s own" not in home and "Initech" not in home
    signed_in(client, max_)
    assert "Hers on hidden" not in client.get("/").content.decode()
