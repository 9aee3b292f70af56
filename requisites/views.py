"""The requisites section of company and contact cards: list, add, edit and delete in place.

Every answer to htmx re-draws the whole section (``#requisites``): the list and the one form
that is open, if any; a refused change comes back with status 422 and the reasons next to
their fields. Without htmx the same views answer with a page of their own and redirect to the
card after a change. The owner is read through restrict() (404 outside the reader's reach);
adding, changing and deleting go through ``requisites.services``, which check the right to
update the owner (PermissionDenied: 403, nothing changed).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from accessrights.restriction import allowed
from crm.generic_views import RestrictedItemMixin

from . import services
from .forms import RequisiteForm, account_forms
from .models import Preset, Requisite


def _kind(owner) -> str:
    return owner._meta.model_name  # "company" or "contact"


def _url(owner, name: str, *args) -> str:
    return reverse(f"requisites:{_kind(owner)}_{name}", args=[owner.pk, *args])


def _account_parts(account, country: str) -> list[tuple[str, str]]:
    if country == "RU":
        parts = [
            (_("Account"), account.account_number),
            (_("BIK"), account.bic),
            (_("Corr. account"), account.correspondent_account),
        ]
    else:
        parts = [(_("IBAN"), account.iban), (_("BIC"), account.bic)]
    return [(label, value) for label, value in parts if value]


def _of(owner, user):
    """The owner's requisites as ``user`` may read them."""
    return Requisite.objects.restrict(user, "read").filter(**{_kind(owner): owner})


def _requisites(owner, user) -> list[Requisite]:
    """The owner's requisites, default first, each with what the card shows of it."""
    requisites = list(
        _of(owner, user)
        .select_related("preset")
        .prefetch_related("preset__fields", "accounts")
        .order_by("-is_default", "id")
    )
    for requisite in requisites:
        country = requisite.preset.country
        requisite.rows = [
            (field.label, requisite.values[field.code])
            for field in requisite.preset.fields.all()
            if requisite.values.get(field.code)
        ]
        requisite.address_parts = [
            part
            for part in (
                requisite.address_street,
                " ".join(p for p in (requisite.address_postal_code, requisite.address_city) if p),
                requisite.address_region,
                requisite.address_country,
            )
            if part
        ]
        requisite.account_rows = [
            {"bank": account.bank_name, "parts": _account_parts(account, country)}
            for account in requisite.accounts.all()
        ]
        requisite.edit_url = _url(owner, "requisite_edit", requisite.pk)
        requisite.delete_url = _url(owner, "requisite_delete", requisite.pk)
    return requisites


class _SectionView(RestrictedItemMixin, View):
    """Reads the owner (``model``: Company or Contact) and draws the section."""

    def render_section(self, owner, *, status: int = 200, **state):
        """The section, with ``state``: ``choosing`` (presets), or ``form`` and ``accounts``
        with ``editing`` (a requisite's id) or ``adding``; ``error``, ``notice``."""
        request = self.request
        context = {
            "owner": owner,
            "requisites": _requisites(owner, request.user),
            "can_update": allowed(request.user, "update", owner),
            "section_url": _url(owner, "requisites"),
            "add_url": _url(owner, "requisite_add"),
            **state,
        }
        if "form" in state:
            context["open_form"] = True
        template = "requisites/_section.html" if request.htmx else "requisites/page.html"
        return render(request, template, context, status=status)

    def done(self, owner, notice: str):
        if self.request.htmx:
            return self.render_section(owner, notice=notice)
        messages.success(self.request, notice)
        return redirect(owner.get_absolute_url())

    def requisite(self, owner) -> Requisite:
        return get_object_or_404(
            _of(owner, self.request.user).select_related("preset"), pk=self.kwargs["requisite_pk"]
        )


class RequisiteListView(_SectionView):
    """The section alone (loaded into the card), or a page of its own without htmx."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return self.render_section(self.get_object())


def _duplicate(error: ValidationError, preset: Preset, values: dict) -> bool:
    """Whether the service refused because the tax identifier is already in use."""
    tax = next((f for f in preset.fields.all() if f.is_tax_id), None)
    if tax is None or not hasattr(error, "error_dict"):
        return False
    key = f"values.{tax.code}"
    if any(e.code == "duplicate" for e in error.error_dict.get(key, ())):
        return True
    # ValidationError({...}, code="duplicate") keeps that code on none of its inner errors, so
    # it cannot be read back. The duplicate check comes last, once every value is valid: an
    # error on the tax identifier alone, with valid values, is the duplicate.
    if set(error.error_dict) != {key}:
        return False
    try:
        services.clean_values(preset, values)
    except ValidationError:
        return False
    return True


class _RequisiteFormView(_SectionView):
    http_method_names = ["get", "post"]

    def render_form(self, owner, form, accounts, *, status=200, requisite=None):
        focus = form.first_error_field() or (
            f"value_{form.preset_fields[0].code}" if form.preset_fields else "name"
        )
        form.fields[focus].widget.attrs["autofocus"] = True
        return self.render_section(
            owner,
            status=status,
            form=form,
            accounts=accounts,
            preset=form.preset,
            editing=requisite.pk if requisite else None,
            adding=requisite is None,
            form_url=(
                _url(owner, "requisite_edit", requisite.pk)
                if requisite is not None
                else _url(owner, "requisite_add")
            ),
        )

    def save(self, owner, preset, requisite=None):
        """Validate the rows, call the service; the re-drawn form with reasons if refused."""
        form = RequisiteForm(self.request.POST, preset=preset, requisite=requisite)
        accounts = account_forms(preset, data=self.request.POST)
        accounts_valid = [account.is_valid() for account in accounts]  # every row's errors
        if not (form.is_valid() and all(accounts_valid)):
            return self.render_form(owner, form, accounts, status=422, requisite=requisite)
        data = form.service_data()
        rows = [account.row() for account in accounts]
        try:
            if requisite is None:
                services.requisite_create(
                    user=self.request.user, owner=owner, preset=preset, accounts=rows, **data
                )
            else:
                services.requisite_update(
                    user=self.request.user, requisite=requisite, accounts=rows, **data
                )
        except ValidationError as exc:
            form.service_errors(exc, duplicate=_duplicate(exc, preset, data["values"]))
            return self.render_form(owner, form, accounts, status=422, requisite=requisite)
        return self.done(owner, _("Requisites saved."))


class RequisiteAddView(_RequisiteFormView):
    """Choose a preset, then fill in its fields; saved through ``requisite_create``."""

    def preset(self, value) -> Preset | None:
        if not str(value or "").isdigit():
            return None
        return Preset.objects.filter(is_active=True, pk=value).first()

    def choose(self, owner, *, status=200, error=""):
        presets = Preset.objects.filter(is_active=True)
        return self.render_section(
            owner, status=status, choosing=True, presets=presets, error=error
        )

    def get(self, request, *args, **kwargs):
        owner = self.get_object("update")
        preset = self.preset(request.GET.get("preset"))
        if preset is None:
            error = _("Choose a preset.") if "preset" in request.GET else ""
            return self.choose(owner, status=422 if error else 200, error=error)
        form = RequisiteForm(preset=preset)
        return self.render_form(owner, form, account_forms(preset))

    def post(self, request, *args, **kwargs):
        owner = self.get_object()
        preset = self.preset(request.POST.get("preset"))
        if preset is None:
            return self.choose(owner, status=422, error=_("Choose a preset."))
        return self.save(owner, preset)


class RequisiteEditView(_RequisiteFormView):
    """Change requisites in place; saved through ``requisite_update``."""

    def get(self, request, *args, **kwargs):
        owner = self.get_object("update")
        requisite = self.requisite(owner)
        form = RequisiteForm(preset=requisite.preset, requisite=requisite)
        accounts = account_forms(requisite.preset, requisite=requisite)
        return self.render_form(owner, form, accounts, requisite=requisite)

    def post(self, request, *args, **kwargs):
        owner = self.get_object()
        requisite = self.requisite(owner)
        return self.save(owner, requisite.preset, requisite)


class RequisiteDeleteView(_SectionView):
    """Delete requisites through ``requisite_delete`` (the page asks first)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        owner = self.get_object()
        requisite = self.requisite(owner)
        services.requisite_delete(user=request.user, requisite=requisite)
        return self.done(owner, _("Requisites “%s” deleted.") % requisite.name)
