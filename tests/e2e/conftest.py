import pytest

from tests.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def signed_in_page(live_server_db, page, live_server):
    """A Chromium page signed in as a fresh superuser through the real login form."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page
