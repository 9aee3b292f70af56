import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_currency(code: str) -> None:
    """An ISO 4217 currency code, such as USD, EUR or RUB."""
    if code and (code != code.upper() or pycountry.currencies.get(alpha_3=code) is None):
        raise ValidationError(
            _("“%(code)s” is not an ISO 4217 currency code such as USD, EUR or RUB.")
            % {"code": code}
        )


def validate_country(code: str) -> None:
    """An ISO 3166 alpha-2 country code, such as RU, FR, DE or US."""
    if code and (code != code.upper() or pycountry.countries.get(alpha_2=code) is None):
        raise ValidationError(
            _("“%(code)s” is not an ISO 3166 country code such as RU, FR, DE or US.")
            % {"code": code}
        )
