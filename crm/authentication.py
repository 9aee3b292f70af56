"""Who a request comes from: the client's address behind the reverse proxies, and the API
token authentication that honours the login lock-out."""

import ipaddress

from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from people.regional import activate_for

from .request_language import activate_api_language


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address as the outermost of our ``TRUSTED_PROXY_COUNT`` proxies saw it.

    django-axes keys its lock-out on (user name, this address) through
    ``AXES_CLIENT_IP_CALLABLE``. Each trusted proxy appends the address it received the request
    from to ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``), so the client is the
    N-th entry from the right; whatever stands further left was written by the client and is
    never trusted (taking the left-most entry would let anyone pick the address to lock, or a
    new address per try). With no trusted proxy, or a header too short or not an address there
    (the request did not come through the proxies), it is ``REMOTE_ADDR``.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


class LockoutAwareTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused (401) while the key's user is locked out.

    The lock is django-axes' own, asked the way its login backend asks it
    (``AxesProxyHandler.is_allowed`` with the user name and this request's client address), so
    a token is refused exactly where a password login would be: from the address whose failed
    logins locked the account, until the cool-off ends or the lock is reset. From any other
    address the token keeps working, so nobody can cut off someone else's API access by failing
    logins in their name.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return found
        user, _token = found
        http_request = request._request
        if axes_settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(
            http_request, get_credentials(username=user.get_username())
        ):
            raise AuthenticationFailed(self.locked_message(http_request))
        # Known only now, after the middleware: the token's user's region, zone and language.
        activate_for(user)
        activate_api_language(http_request)
        return found

    @staticmethod
    def locked_message(request: HttpRequest) -> str:
        cool_off = get_cool_off(request)
        if cool_off is None:
            return _(
                "Too many failed logins for this account from your address: its API token is "
                "refused until an administrator lifts the lock."
            )
        return _(
            "Too many failed logins for this account from your address: its API token is "
            "refused for %(minutes)d minutes, or until an administrator lifts the lock."
        ) % {"minutes": max(1, round(cool_off.total_seconds() / 60))}
