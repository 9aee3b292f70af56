"""In Chromium: a manager plans a call from a company's card, sees it on "My activities" and
in the top bar's counter, completes it there and finds it, done, in the card's timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accessrights.models import Role
from companies import services as client_services
from tests.factories import UserFactory

from .conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_plans_a_call_and_completes_it(live_server_db, page, live_server):
    manager = UserFactory(first_name="Mia", last_name="Manager")
    Role.objects.get(name="Manager").users.add(manager)
    company = client_services.company_create(user=manager, name="Nordwind Logistik")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    counter = page.locator("#activity-counter")
    expect(counter).to_have_text("My activities")  # nothing due yet

    page.goto(f"{live_server.url}{company.get_absolute_url()}")
    page.get_by_role("link", name="History").click()
    page.get_by_text("Plan an activity").click()
    plan = page.locator("#activity-plan")
    plan.get_by_label("Kind").select_option("call")
    plan.get_by_label("Subject").fill("Call about the trucks")
    # Due a quarter of an hour ago, in the installation's time zone: overdue, whatever the hour.
    due = timezone.localtime(timezone.now() - timedelta(minutes=15))
    plan.get_by_label("When").fill(due.strftime("%Y-%m-%dT%H:%M"))
    plan.get_by_label("Duration, minutes").fill("15")
    plan.get_by_role("button", name="Plan").click()
    planned = page.locator(".planned-activities .activity", has_text="Call about the trucks")
    expect(planned).to_be_visible()
    expect(planned).to_contain_text("overdue")
    expect(counter.locator(".counter")).to_have_text("1")  # redrawn with the timeline

    counter.click()
    # Nothing else is due today: the page opens on the overdue ones.
    expect(page.get_by_role("link", name="Overdue")).to_have_attribute("aria-current", "page")
    row = page.locator("table.activities tr", has_text="Call about the trucks")
    expect(row).to_contain_text("Nordwind Logistik")
    row.get_by_placeholder("Result").fill("They want forty trucks in May")
    with page.expect_response(lambda response: "/complete/" in response.url):
        row.get_by_role("button", name="Complete").click()
    expect(page.locator("table.activities")).not_to_contain_text("Call about the trucks")
    expect(counter.locator(".counter")).to_have_count(0)

    page.get_by_role("link", name="Done").click()
    done = page.locator("table.activities tr", has_text="Call about the trucks")
    done.get_by_role("link", name="Nordwind Logistik").click()
    history = page.locator("ol.timeline")
    entry = history.locator(".activity.done", has_text="Call about the trucks")
    expect(entry).to_contain_text("They want forty trucks in May")
    expect(entry).to_contain_text("done by Mia Manager")
    expect(page.locator(".planned-activities")).not_to_contain_text("Call about the trucks")
    # The kind filter keeps it among the calls, and not among the comments.
    for kind, shown in (("Calls", True), ("Comments", False)):
        page.get_by_role("link", name=kind).click()
        expect(page.get_by_role("link", name=kind)).to_have_attribute("aria-current", "page")
        if shown:
            expect(history).to_contain_text("Call about the trucks")
        else:
            expect(history).not_to_contain_text("Call about the trucks")
    expect(page).to_have_url(
        f"{live_server.url}{company.get_absolute_url()}?tab=history&kind=comment"
    )
