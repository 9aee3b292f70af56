"""The profile pages (``/profile/``: names, photo, language, time zone, phone region, password,
API token, webhooks), the one-time set-password page, and the employees settings pages
(``/settings/employees/``, settings right). Every change calls ``people.services``."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from accessrights.decorators import settings_right_required
from accessrights.models import Department, Role
from crm.entities import SettingsTab
from crm.generic_views import add_service_errors
from timeline.models import Event

from . import services
from .forms import EmployeeForm, HandOverForm, ProfileForm
from .invitations import invitation_path, invitation_send, invitation_tokens
from .models import Profile
from .naming import person_label
from .regional import profile_of


def settings_tabs() -> list[SettingsTab]:
    def current(request) -> bool:
        match = request.resolver_match
        return match is not None and match.app_name == "people"

    return [SettingsTab(gettext_lazy("Employees"), reverse("people:employee_list"), current)]


def _no_store(response):
    response["Cache-Control"] = "no-store"  # a token or a link shown once is never cached
    return response


# One's profile


def _has_photo(user) -> bool:
    return bool(profile_of(user).photo)


def _initial(user) -> dict:
    saved = profile_of(user)
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": saved.language,
        "time_zone": saved.time_zone,
        "phone_region": saved.phone_region,
    }


def _profile_context(request, form, token_key=None) -> dict:
    profile = profile_of(request.user)
    return {
        "form": form,
        "profile": profile,
        "has_token": Token.objects.filter(user=request.user).exists(),
        "token_key": token_key,
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, has_photo=_has_photo(user))
        if form.is_valid():
            data = form.cleaned_data
            photo = data["photo"] or services.UNSET
            if data.get("remove_photo"):
                photo = None
            try:
                services.profile_update(
                    user=user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    language=data["language"],
                    time_zone=data["time_zone"],
                    phone_region=data["phone_region"],
                    photo=photo,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("people:profile")
        status = 400
    else:
        form = ProfileForm(initial=_initial(user), has_photo=_has_photo(user))
    return render(request, "people/profile.html", _profile_context(request, form), status=status)


@login_required
@require_POST
def api_token(request):
    """Make a new API token (shown on this answer only) or delete the one there is."""
    if request.POST.get("action") == "delete":
        services.api_token_delete(user=request.user)
        messages.success(request, _("Your API token is deleted."))
        return redirect("people:profile")
    key = services.api_token_replace(user=request.user)
    form = ProfileForm(initial=_initial(request.user), has_photo=_has_photo(request.user))
    context = _profile_context(request, form, key)
    return _no_store(render(request, "people/profile.html", context))


@login_required
@require_GET
def photo(request, pk):
    """A user's photo, for signed-in users: always the PNG we wrote, said to be one."""
    found = Profile.objects.filter(user_id=pk).exclude(photo="").first()
    if found is None:
        raise Http404
    try:
        response = FileResponse(found.photo.open("rb"), content_type="image/png")
    except FileNotFoundError:
        raise Http404 from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own: the current password, then the new one twice, checked by
    ``AUTH_PASSWORD_VALIDATORS``; the session stays signed in."""

    template_name = "people/password_change.html"
    success_url = reverse_lazy("people:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page of a one-time link: choose a password, then sign in with it."""

    template_name = "people/set_password.html"
    token_generator = invitation_tokens
    success_url = reverse_lazy("login")
    reset_url_token = "choose"  # noqa: S105 - the address part that replaces the token

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set: sign in with it."))
        return super().form_valid(form)


# Employees


def _employees():
    return (
        get_user_model()
        .objects.order_by("-is_active", "first_name", "last_name", "username")
        .prefetch_related(
            Prefetch("crm_departments", queryset=Department.objects.order_by("name")),
            Prefetch("crm_roles", queryset=Role.objects.order_by("name")),
        )
    )


@settings_right_required
@require_GET
def employee_list(request):
    return render(
        request, "people/employees.html", {"employees": _employees(), "form": EmployeeForm()}
    )


def _with_link(request, employee, template_context: dict, status=200):
    """The employee page showing a new one-time link (mailed too when mail is set up)."""
    url = request.build_absolute_uri(invitation_path(employee))
    template_context.update(
        link=url, mailed=invitation_send(employee=employee, url=url, sender=request.user)
    )
    return _no_store(_employee_page(request, employee, status=status, **template_context))


@settings_right_required
@require_POST
def employee_add(request):
    form = EmployeeForm(request.POST)
    if form.is_valid():
        try:
            employee = services.employee_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%s is added.") % person_label(employee))
            return _with_link(request, employee, {})
    context = {"employees": _employees(), "form": form}
    return render(request, "people/employees.html", context, status=400)


def _employee_page(request, employee, *, status=200, form=None, hand_over_form=None, **extra):
    events = Event.objects.of_item(employee).select_related("author", "on_behalf_of")[:20]
    history = [{"event": e, "changes": [_readable(c) for c in e.changes]} for e in events]
    context = {
        "employee": employee,
        "form": form or EmployeeForm(employee=employee),
        "owned": services.owned_items(request.user, employee),
        "hand_over_form": hand_over_form or HandOverForm(employee=employee),
        "history": history,
        **extra,
    }
    return render(request, "people/employee.html", context, status=status)


@settings_right_required
@require_http_methods(["GET", "POST"])
def employee_view(request, pk):
    employee = get_object_or_404(get_user_model(), pk=pk)
    if request.method == "GET":
        return _employee_page(request, employee)
    form = EmployeeForm(request.POST, employee=employee)
    if form.is_valid():
        try:
            services.employee_update(user=request.user, employee=employee, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%s is saved.") % person_label(employee))
            return redirect("people:employee", employee.pk)
    return _employee_page(request, employee, form=form, status=400)


FIELD_LABELS = {
    "username": gettext_lazy("Login"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("E-mail"),
    "is_active": gettext_lazy("Active"),
}


def _readable(change: dict) -> dict:
    def shown(value):
        return (_("yes") if value else _("no")) if isinstance(value, bool) else value

    return {
        "label": FIELD_LABELS.get(change["field"], change["field"]),
        "old": shown(change.get("old")),
        "new": shown(change.get("new")),
    }


def _refused(request, employee, error):
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("people:employee", employee.pk)


@settings_right_required
@require_POST
def employee_invite(request, pk):
    """A new one-time set-password link for the employee."""
    employee = get_object_or_404(get_user_model(), pk=pk)
    try:
        services.check_may_invite(request.user, employee)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, employee, exc)
    return _with_link(request, employee, {})


@settings_right_required
@require_POST
def employee_active(request, pk):
    """Deactivate (``active=0``) or reactivate (``active=1``) the employee."""
    employee = get_object_or_404(get_user_model(), pk=pk)
    change = (
        services.employee_reactivate
        if request.POST.get("active") == "1"
        else services.employee_deactivate
    )
    try:
        employee = change(user=request.user, employee=employee)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, employee, exc)
    done = _("%s is active again.") if employee.is_active else _("%s is deactivated.")
    messages.success(request, done % person_label(employee))
    return redirect("people:employee", employee.pk)


@settings_right_required
@require_POST
def employee_hand_over(request, pk):
    """Hand every item of the employee that the administrator may change to another user."""
    employee = get_object_or_404(get_user_model(), pk=pk)
    form = HandOverForm(request.POST, employee=employee)
    if not form.is_valid():
        return _employee_page(request, employee, hand_over_form=form, status=400)
    try:
        moved = services.items_hand_over(
            user=request.user, employee=employee, to=form.cleaned_data["to"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, employee, exc)
    messages.success(
        request,
        _("%(count)d items handed over to %(person)s.")
        % {"count": sum(moved.values()), "person": person_label(form.cleaned_data["to"])},
    )
    return redirect("people:employee", employee.pk)
