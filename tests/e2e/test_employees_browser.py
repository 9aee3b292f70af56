"""In Chromium: an admin adds an employee on the employees page; the employee opens the
one-time link in a browser of their own, chooses a password and signs in with it."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_a_user_who_sets_a_password_and_signs_in(
    signed_in_page, live_server, browser
):
    page = signed_in_page
    page.goto(f"{live_server.url}/settings/employees/")
    form = page.locator("form.employee-form")
    form.get_by_label("Login").fill("olga")
    form.get_by_label("First name").fill("Olga")
    form.get_by_label("Last name").fill("Novak")
    form.get_by_label("Roles").select_option(label="Manager")
    form.get_by_role("button", name="Add").click()
    link = page.locator("#invitation-link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert url.startswith(f"{live_server.url}/welcome/")

    newcomer = browser.new_context()  # nothing of the admin's session
    try:
        own = newcomer.new_page()
        own.goto(url)
        expect(own.get_by_text("Your login is “olga”.")).to_be_visible()
        own.get_by_label("New password *", exact=True).fill("Olga's own 2026!")
        own.get_by_label("New password confirmation").fill("Olga's own 2026!")
        own.get_by_role("button", name="Set the password").click()
        own.wait_for_url(f"{live_server.url}/login/")
        expect(own.get_by_text("Your password is set: sign in with it.")).to_be_visible()
        own.get_by_label("Username").fill("olga")
        own.get_by_label("Password").fill("Olga's own 2026!")
        own.get_by_role("button", name="Log in").click()
        own.wait_for_url(f"{live_server.url}/")
        expect(own.locator(".topbar .who")).to_have_text("olga")
        own.goto(url)  # the link worked once
        expect(own.get_by_text("This link does not work any more")).to_be_visible()
    finally:
        newcomer.close()
