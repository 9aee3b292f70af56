"""The methods every webhook has, whatever the CRM: the server's clock, who is calling, the
users, and what this server offers (``methods``, ``scope``, ``app.info``)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import get_language

from .methods import PAGE_SIZE, Page, method, page_of, registered
from .params import as_list, to_bool, to_int


def iso(moment) -> str | None:
    """A date as Bitrix24 writes it: ISO 8601 in the server's time zone, with its offset."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def user_data(user) -> dict:
    """A user as ``user.get`` shows one: ids as strings, ``ACTIVE`` a real boolean."""
    return {
        "ID": str(user.pk), "XML_ID": None, "ACTIVE": user.is_active,
        "NAME": user.first_name, "LAST_NAME": user.last_name, "SECOND_NAME": "",
        "EMAIL": user.email, "LAST_LOGIN": iso(user.last_login),
        "DATE_REGISTER": iso(user.date_joined), "IS_ONLINE": "N", "TIME_ZONE": "",
        "UF_DEPARTMENT": sorted(d.pk for d in user.crm_departments.all()),
        "USER_TYPE": "employee",
    }  # fmt: skip


@method("server.time")
def server_time(user, params):
    return iso(timezone.now())


@method("user.current", scope="user")
def user_current(user, params):
    return user_data(user)


@method("user.get", scope="user")
def user_get(user, params):
    """Active users (``filter[ACTIVE]=N`` for the others), by ``ID`` (one or a list) in
    ``filter`` or at the top level as Bitrix24 also reads it, a page of 50 from ``start``."""
    given = params.get("filter")
    found = {k.upper(): v for k, v in given.items()} if isinstance(given, dict) else {}
    if "id" in params:
        found.setdefault("ID", params["id"])
    users = get_user_model().objects.filter(
        is_active=to_bool(found.get("ACTIVE", True), "filter[ACTIVE]")
    )
    if "ID" in found:
        users = users.filter(pk__in=[to_int(v, "filter[ID]") for v in as_list(found["ID"])])
    total = users.count()
    offset, following = page_of(to_int(params.get("start", 0), "start"), total)
    shown = users.order_by("pk").prefetch_related("crm_departments")[offset : offset + PAGE_SIZE]
    return Page([user_data(u) for u in shown], total=total, next=following)


@method("profile")
def profile(user, params):
    return {
        "ID": str(user.pk), "ADMIN": user.is_superuser, "NAME": user.first_name,
        "LAST_NAME": user.last_name, "PERSONAL_GENDER": "", "TIME_ZONE": "",
    }  # fmt: skip


@method("methods")
def methods(user, params):
    return [m.name for m in registered()]


def _scopes() -> list[str]:
    return sorted({m.scope for m in registered() if m.scope})


@method("scope")
def scope(user, params):
    return _scopes()


@method("app.info")
def app_info(user, params):
    """A webhook is no installed application: what an app would learn about the portal."""
    return {"SCOPE": _scopes(), "LANGUAGE_ID": get_language(), "INSTALLED": True, "STATUS": "L"}
