"""Forms of the requisites section on company and contact cards.

They only carry what was typed: every check (identifiers, required fields, bank accounts,
duplicates) is the service's, and its reasons are put back next to the fields here.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import BankAccount, Preset, Requisite
from .services import ADDRESS_FIELDS

MAX_ACCOUNT_ROWS = 20
MIN_ACCOUNT_ROWS = 2


def _text(model, name: str, label=None, **kwargs) -> forms.CharField:
    field = model._meta.get_field(name)
    return forms.CharField(
        label=label or field.verbose_name.capitalize(),
        max_length=field.max_length,
        required=False,
        **kwargs,
    )


class RequisiteForm(forms.Form):
    """Name, the preset's fields (``value_<code>``), the address and the default flag.

    ``service_errors()`` places a service's ValidationError: ``values.<code>`` next to that
    field, ``name`` and ``address_*`` next to theirs, ``accounts`` in ``account_errors``.
    """

    name = _text(
        Requisite,
        "name",
        help_text=_("Leave empty to use the preset's name."),
    )
    address_street = _text(Requisite, "address_street")
    address_postal_code = _text(Requisite, "address_postal_code")
    address_city = _text(Requisite, "address_city")
    address_region = _text(Requisite, "address_region")
    address_country = _text(Requisite, "address_country")
    is_default = forms.BooleanField(label=_("Default requisites of this item"), required=False)
    allow_duplicate = forms.BooleanField(
        label=_("Save anyway: this is not a duplicate"), required=False
    )

    def __init__(self, *args, preset: Preset, requisite: Requisite | None = None, **kwargs):
        if requisite is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": requisite.name,
                "is_default": requisite.is_default,
                **{f"value_{code}": value for code, value in requisite.values.items()},
                **{name: getattr(requisite, name) for name in ADDRESS_FIELDS},
            }
        super().__init__(*args, **kwargs)
        self.preset = preset
        self.preset_fields = list(preset.fields.all())
        self.account_errors: list[str] = []
        self.duplicate_field = ""
        for preset_field in self.preset_fields:
            field = forms.CharField(label=preset_field.label, max_length=1000, required=False)
            field.preset_required = preset_field.required
            if preset_field.required:
                field.widget.attrs["aria-required"] = "true"
            self.fields[f"value_{preset_field.code}"] = field
        if requisite is not None and requisite.is_default:
            # The default stays the default until another one is made the default.
            self.fields["is_default"].disabled = True
            self.fields["is_default"].help_text = _(
                "To change the default, tick this box on other requisites."
            )

    def value_fields(self):
        return [self[f"value_{f.code}"] for f in self.preset_fields]

    def address_fields(self):
        return [self[name] for name in ADDRESS_FIELDS]

    def tax_field_name(self) -> str:
        tax = next((f for f in self.preset_fields if f.is_tax_id), None)
        return f"value_{tax.code}" if tax else ""

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "values": {f.code: data[f"value_{f.code}"] for f in self.preset_fields},
            "address": {name: data[name] for name in ADDRESS_FIELDS},
            "is_default": data["is_default"],
            "allow_duplicate": data["allow_duplicate"],
        }

    def service_errors(self, error: ValidationError, *, duplicate: bool = False) -> None:
        """Show the service's reasons by field; ``duplicate``: the tax identifier is in use."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        tax_field = self.tax_field_name()
        for key, messages in error.message_dict.items():
            if key == "accounts":
                self.account_errors.extend(messages)
                continue
            name = f"value_{key[7:]}" if key.startswith("values.") else key
            if key == "tax_id" and tax_field:
                name = tax_field
            self.add_error(name if name in self.fields else None, messages)
        if duplicate and tax_field:
            self.duplicate_field = tax_field

    def shows_allow_duplicate(self) -> bool:
        return bool(self.duplicate_field) or bool(self.is_bound and self["allow_duplicate"].data)

    def first_error_field(self) -> str:
        return next((name for name in self.fields if name in self.errors), "")


class BankAccountForm(forms.Form):
    """One row of bank fields: BIK and accounts for a Russian preset, IBAN and BIC elsewhere."""

    bank_name = _text(BankAccount, "bank_name", label=_("Bank name"))
    bic = _text(BankAccount, "bic", label=_("BIC"))
    account_number = _text(BankAccount, "account_number", label=_("Account number"))
    correspondent_account = _text(
        BankAccount, "correspondent_account", label=_("Correspondent account")
    )
    iban = _text(BankAccount, "iban", label=_("IBAN"))

    RUSSIAN = ("bank_name", "bic", "account_number", "correspondent_account")
    INTERNATIONAL = ("bank_name", "iban", "bic")

    def __init__(self, *args, country: str, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.russian = country == "RU"
        if self.russian:
            self.fields["bic"].label = _("BIK")
        shown = self.RUSSIAN if self.russian else self.INTERNATIONAL
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        self.order_fields(shown)

    def row(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


def account_forms(preset: Preset, data=None, requisite: Requisite | None = None) -> list:
    """The rows of bank fields: the submitted ones, or the saved accounts and blank rows
    (one blank at least, two rows at least)."""
    country = preset.country
    if data is not None:
        count = 0
        while count < MAX_ACCOUNT_ROWS and any(
            f"accounts-{count}-{name}" in data for name in BankAccountForm.base_fields
        ):
            count += 1
        rows = [
            BankAccountForm(data, prefix=f"accounts-{n}", country=country, number=n + 1)
            for n in range(max(count, MIN_ACCOUNT_ROWS))
        ]
        return rows
    saved = list(requisite.accounts.all()) if requisite is not None else []
    initial = [
        {name: getattr(account, name) for name in BankAccountForm.base_fields} for account in saved
    ]
    initial += [{}] * max(1, MIN_ACCOUNT_ROWS - len(initial))
    return [
        BankAccountForm(initial=values, prefix=f"accounts-{n}", country=country, number=n + 1)
        for n, values in enumerate(initial)
    ]
