"""Forms of the profile and employees pages: they read and check what was posted; services
write."""

import functools

import phonenumbers
import pycountry
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accessrights.forms import DepartmentsChoiceField
from accessrights.models import Department, Role

from .models import time_zones
from .naming import PersonChoiceField, people


@functools.cache
def region_choices() -> list[tuple[str, str]]:
    """Every country phonenumbers knows, by name (``FR`` -> "France (FR)")."""
    named = []
    for code in phonenumbers.SUPPORTED_REGIONS:
        country = pycountry.countries.get(alpha_2=code)
        named.append((code, f"{country.name if country else code} ({code})"))
    return sorted(named, key=lambda choice: choice[1])


def _default(value) -> tuple[str, str]:
    # Translators: the first choice of a profile setting, e.g. "Installation's default (UTC)".
    return ("", _("Installation's default (%(value)s)") % {"value": value})


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)
    phone_region = forms.ChoiceField(
        label=_("Phone region"),
        required=False,
        help_text=_("The country of phone numbers you write without a country code."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
        help_text=_("A JPEG, PNG, GIF or WebP picture, shown small."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    def __init__(self, *args, has_photo=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_photo:
            del self.fields["remove_photo"]
        languages = dict(settings.LANGUAGES)
        self.fields["language"].choices = [
            _default(languages.get(settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)),
            *settings.LANGUAGES,
        ]
        self.fields["time_zone"].choices = [
            _default(settings.TIME_ZONE),
            *((zone, zone.replace("_", " ")) for zone in sorted(time_zones())),
        ]
        self.fields["phone_region"].choices = [
            _default(settings.PHONE_DEFAULT_REGION),
            *region_choices(),
        ]


class RolesChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"size": 6})


class EmployeeForm(forms.Form):
    """An employee's login, names, e-mail, departments and roles (held directly)."""

    username = forms.CharField(label=_("Login"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("The set-password link is mailed here when the CRM sends mail."),
    )
    departments = DepartmentsChoiceField(
        queryset=Department.objects.all(), required=False, label=_("Departments")
    )
    roles = RolesChoiceField(queryset=Role.objects.all(), required=False, label=_("Roles"))

    def __init__(self, *args, employee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employee is not None and not self.is_bound:
            self.initial = {
                "username": employee.username,
                "first_name": employee.first_name,
                "last_name": employee.last_name,
                "email": employee.email,
                "departments": list(employee.crm_departments.values_list("pk", flat=True)),
                "roles": list(employee.crm_roles.values_list("pk", flat=True)),
            }


class HandOverForm(forms.Form):
    to = PersonChoiceField(queryset=None, label=_("Hand their items over to"))

    def __init__(self, *args, employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people().exclude(Q(pk=employee.pk))
