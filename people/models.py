"""One user's own settings: language, time zone, default phone region and photo."""

import functools
import uuid
import zoneinfo

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@functools.cache
def time_zones() -> frozenset[str]:
    """The IANA time zones this installation knows (the system's or the tzdata package's)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name and name not in time_zones():
        raise ValidationError(
            _("“%(zone)s” is not a time zone; write it like Europe/Paris or America/New_York.")
            % {"zone": name}
        )


def validate_phone_region(code: str) -> None:
    """A country whose phone numbers the phonenumbers library knows (ISO 3166 alpha-2)."""
    if code and code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            _("“%(code)s” is not a country code for phone numbers such as FR, RU, DE or US.")
            % {"code": code}
        )


def photo_path(profile, filename: str) -> str:
    """A new name for every photo: a replaced one is never served from a cached address."""
    return f"photos/{profile.user_id}-{uuid.uuid4().hex}.png"


class Profile(models.Model):
    """What a user chose for themselves; a user without a row, or an empty value, has the
    installation's default (``people.regional``). Written only by ``people.services``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="crm_profile",
    )
    language = models.CharField(
        gettext_lazy("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    time_zone = models.CharField(
        gettext_lazy("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    phone_region = models.CharField(
        gettext_lazy("phone region"),
        max_length=2,
        blank=True,
        validators=[validate_phone_region],
        help_text=gettext_lazy("The country of phone numbers written without a country code."),
    )
    # Re-encoded as PNG by people.photos (never stored as uploaded), served by people.views.
    photo = models.ImageField(gettext_lazy("photo"), upload_to=photo_path, blank=True)

    class Meta:
        verbose_name = gettext_lazy("profile")
        verbose_name_plural = gettext_lazy("profiles")

    def __str__(self):
        return str(self.user)
