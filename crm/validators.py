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
