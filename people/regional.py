"""Where a person works from: the phone region their numbers are read in, their time zone and
their language, for the time of a request or of a job done for them.

The phone region is a context variable, like the door (``timeline.doors``), so that no service
signature carries it: ``RegionalMiddleware`` sets it (with the time zone and language) for a
page or session request, the API's token authentication for a token's user
(``activate_for``), and ``crm.actors.acting_through`` for a job or import acting for a user
(``working_for``). Outside all of them it is the installation's ``PHONE_DEFAULT_REGION``.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from .models import Profile

_phone_region: ContextVar[str] = ContextVar("crm_phone_region", default="")


@dataclass(frozen=True)
class Regional:
    """A user's choices with the installation's defaults filled in; ``chosen_*`` tell which
    ones the user chose."""

    language: str
    time_zone: str
    phone_region: str
    chosen_language: bool = False
    chosen_time_zone: bool = False


def installation_defaults() -> Regional:
    return Regional(settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.PHONE_DEFAULT_REGION)


def profile_of(user) -> Profile:
    """``user``'s profile, an unsaved one with every default when they never changed it
    (profiles are created on demand, by the first change). Kept on the user object."""
    cached = getattr(user, "_crm_profile_cache", None)
    if cached is None:
        cached = Profile.objects.filter(user=user.pk).first() or Profile(user=user)
        user._crm_profile_cache = cached
    return cached


def forget_profile(user) -> None:
    user.__dict__.pop("_crm_profile_cache", None)


def regional_of(user) -> Regional:
    """What ``user`` works with: their own choices, else the installation's."""
    defaults = installation_defaults()
    if user is None or not getattr(user, "is_authenticated", False):
        return defaults
    profile = profile_of(user)
    return Regional(
        language=profile.language or defaults.language,
        time_zone=profile.time_zone or defaults.time_zone,
        phone_region=profile.phone_region or defaults.phone_region,
        chosen_language=bool(profile.language),
        chosen_time_zone=bool(profile.time_zone),
    )


def current_phone_region() -> str:
    """The region a phone number written without a country code is read in, now."""
    return _phone_region.get() or settings.PHONE_DEFAULT_REGION


@contextmanager
def phone_region(region: str) -> Iterator[None]:
    """Read phone numbers in ``region`` inside the block (tests, a door that knows better)."""
    token = _phone_region.set(region)
    try:
        yield
    finally:
        _phone_region.reset(token)


@contextmanager
def working_for(user) -> Iterator[None]:
    """Inside the block, numbers are read in ``user``'s region, times shown in their time
    zone and messages written in their language (a job or an import done for them). Without
    a user, nothing changes."""
    if user is None:
        yield
        return
    regional = regional_of(user)
    with ExitStack() as stack:
        stack.enter_context(phone_region(regional.phone_region))
        if regional.chosen_time_zone:
            stack.enter_context(timezone.override(regional.time_zone))
        if regional.chosen_language:
            stack.enter_context(translation.override(regional.language))
        yield


def activate_for(user) -> None:
    """Work in ``user``'s region, time zone and language for the rest of the request: for a
    user known only once the API has authenticated a token. ``RegionalMiddleware``, around
    every request, puts back what was there before."""
    regional = regional_of(user)
    _phone_region.set(regional.phone_region)
    timezone.activate(regional.time_zone)
    if regional.chosen_language:
        translation.activate(regional.language)


class RegionalMiddleware:
    """Each request of a signed-in user works in their phone region and time zone, and in
    their language when they chose one (over the browser's); others in the installation's.
    After authentication; everything is put back when the request ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        regional = regional_of(user)
        token = _phone_region.set(regional.phone_region)
        timezone.activate(regional.time_zone)
        if regional.chosen_language:
            translation.activate(regional.language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            _phone_region.reset(token)


def shown_time(moment):
    """``moment`` in the current time zone (the user's, for their requests), as pages show
    it; a naive one (a custom field's date and time as it was typed) as it is."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment
