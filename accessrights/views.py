"""Access rights pages: roles (scope grid, settings right, holders, history) and departments.

Only people with the settings right reach them (403 otherwise). Every change calls a function
of ``accessrights.services``; nothing here writes a model. An htmx change to a role answers
with the re-drawn rights panel, from which the page takes the part it changed (hx-select) and
the history (hx-select-oob); a department change answers with the re-drawn department list.
A refused change answers 422 with the reason, and nothing is written.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from timeline.models import Event

from . import services
from .decorators import settings_right_required
from .entities import entity_label, rights_entities
from .forms import DepartmentForm, RoleAssignmentForm
from .models import Action, Department, Role, Scope

HISTORY_LENGTH = 20

# Labels of the fields the services name in history events (cells are "entity.action").
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "can_change_settings": gettext_lazy("May change CRM settings"),
    "users": gettext_lazy("Users"),
    "departments": gettext_lazy("Departments"),
    "parent": gettext_lazy("Parent department"),
    "head": gettext_lazy("Head"),
    "members": gettext_lazy("Members"),
}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _add_service_error(form, error: ValidationError) -> None:
    """Put a service's refusal on the form fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _scope_label(value: str) -> str:
    value = value or Scope.NONE  # a missing cell means no access: an empty "before" is "None"
    return Scope(value).label if value in Scope.values else value


def _readable_change(change: dict) -> dict:
    field = change.get("field", "")
    entity, dot, action = field.partition(".")
    entity_name = entity_label(entity) if dot else None
    if entity_name and action in Action.values:
        return {
            "label": f"{entity_name}: {Action(action).label}",
            "old": _scope_label(change.get("old", "")),
            "new": _scope_label(change.get("new", "")),
        }
    return {
        "label": FIELD_LABELS.get(field, change.get("label") or field),
        "old": change.get("old", ""),
        "new": change.get("new", ""),
    }


def _history(item) -> list[dict]:
    """The item's last events, newest first, with changes as people read them."""
    events = Event.objects.of_item(item).select_related("author", "on_behalf_of")[:HISTORY_LENGTH]
    return [
        {"event": event, "changes": [_readable_change(c) for c in event.changes]}
        for event in events
    ]


# Roles


def _grid_rows(role: Role) -> list[dict]:
    grid = {(p.entity, p.action): p.scope for p in role.permissions.all()}
    return [
        {
            "entity": entity,
            "label": label,
            "cells": [
                {"action": action, "scope": Scope(grid.get((entity, action), Scope.NONE))}
                for action in Action
            ],
        }
        for entity, label in rights_entities()
    ]


def _rights_context(role: Role | None, *, error=None, part="", assignment_form=None) -> dict:
    """What the rights panel draws: the role list and, for ``role``, its grid, holders and
    history; ``error`` is shown inside ``part`` (settings, grid or assignment)."""
    context = {
        "roles": Role.objects.annotate(
            user_count=Count("users", distinct=True),
            department_count=Count("departments", distinct=True),
        ),
        "role": role,
        "error": _error_text(error) if error else "",
        "error_in": part if error else "",
    }
    if role is not None:
        context.update(
            rows=_grid_rows(role),
            actions=list(Action),
            scopes=Scope.choices,
            assignment_form=assignment_form or RoleAssignmentForm(role=role),
            history=_history(role),
        )
    return context


def _role_response(request, role: Role, part: str, error=None, assignment_form=None):
    """Answer a role change: the re-drawn panel for htmx, a redirect for a plain form post."""
    if not request.htmx:
        if error is not None:
            messages.error(request, _error_text(error))
        return redirect("accessrights:role", role.pk)
    role = Role.objects.get(pk=role.pk)
    context = _rights_context(role, error=error, part=part, assignment_form=assignment_form)
    return render(request, "accessrights/_rights.html", context, status=422 if error else 200)


def _role_change(request, pk: int, part: str, change):
    role = get_object_or_404(Role, pk=pk)
    try:
        change(role)
    except ValidationError as exc:
        return _role_response(request, role, part, exc)
    return _role_response(request, role, part)


@require_GET
@settings_right_required
def role_index(request):
    """The first role (or, with none yet, the form to add one)."""
    return render(request, "accessrights/role.html", _rights_context(Role.objects.first()))


@require_GET
@settings_right_required
def role_view(request, pk):
    role = get_object_or_404(Role, pk=pk)
    return render(request, "accessrights/role.html", _rights_context(role))


@require_POST
@settings_right_required
def role_add(request):
    try:
        role = services.role_create(user=request.user, name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("accessrights:role_index")
    return redirect("accessrights:role", role.pk)


@require_POST
@settings_right_required
def role_update(request, pk):
    """Rename the role and set its settings right (the form posts both; no box means no)."""
    return _role_change(
        request,
        pk,
        "settings",
        lambda role: services.role_update(
            user=request.user,
            role=role,
            name=request.POST.get("name", ""),
            can_change_settings="can_change_settings" in request.POST,
        ),
    )


@require_POST
@settings_right_required
def role_permission(request, pk):
    """Set one cell of the grid: the scope of (entity, action)."""
    return _role_change(
        request,
        pk,
        "grid",
        lambda role: services.role_set_permission(
            user=request.user,
            role=role,
            entity=request.POST.get("entity", ""),
            action=request.POST.get("action", ""),
            scope=request.POST.get("scope", ""),
        ),
    )


@require_POST
@settings_right_required
def role_assign(request, pk):
    """Give the role to exactly the chosen users and departments."""
    role = get_object_or_404(Role, pk=pk)
    form = RoleAssignmentForm(request.POST, role=role)
    if not form.is_valid():
        error = ValidationError([e for errors in form.errors.values() for e in errors])
        return _role_response(request, role, "assignment", error, assignment_form=form)
    try:
        services.role_update(
            user=request.user,
            role=role,
            users=form.cleaned_data["users"],
            departments=form.cleaned_data["departments"],
        )
    except ValidationError as exc:
        return _role_response(request, role, "assignment", exc, assignment_form=form)
    return _role_response(request, role, "assignment")


@require_POST
@settings_right_required
def role_delete(request, pk):
    role = get_object_or_404(Role, pk=pk)
    name = role.name
    services.role_delete(user=request.user, role=role)
    messages.success(request, _("The role “%(name)s” was deleted.") % {"name": name})
    if request.htmx:
        return HttpResponseClientRedirect(reverse("accessrights:role_index"))
    return redirect("accessrights:role_index")


# Departments


def _departments_context(*, error=None, form=None) -> dict:
    departments = (
        Department.objects.select_related("head")
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related("roles")
    )
    return {
        "departments": departments,
        "form": form or DepartmentForm(),
        "error": _error_text(error) if error else "",
    }


def _departments_response(request, error=None, form=None):
    """Answer a department change: the re-drawn list for htmx; for a plain post a redirect,
    or the page with the refused form."""
    status = 422 if error is not None or (form is not None and form.errors) else 200
    if request.htmx:
        context = _departments_context(error=error, form=form)
        return render(request, "accessrights/_departments.html", context, status=status)
    if status == 200:
        return redirect("accessrights:department_list")
    if form is None:
        messages.error(request, _error_text(error))
        return redirect("accessrights:department_list")
    context = _departments_context(error=error, form=form)
    return render(request, "accessrights/departments.html", context, status=status)


@require_GET
@settings_right_required
def department_list(request):
    return render(request, "accessrights/departments.html", _departments_context())


@require_POST
@settings_right_required
def department_add(request):
    form = DepartmentForm(request.POST)
    if not form.is_valid():
        return _departments_response(request, form=form)
    try:
        services.department_create(user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _add_service_error(form, exc)
        return _departments_response(request, form=form)
    return _departments_response(request)


@require_http_methods(["GET", "POST"])
@settings_right_required
def department_view(request, pk):
    """Edit a department: name, parent, head and members."""
    department = get_object_or_404(Department.objects.select_related("parent", "head"), pk=pk)
    status = 200
    if request.method == "POST":
        form = DepartmentForm(request.POST, department=department)
        if form.is_valid():
            try:
                services.department_update(
                    user=request.user, department=department, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The department “%(name)s” was saved.") % {"name": form.cleaned_data["name"]},
                )
                return redirect("accessrights:department_list")
        status = 422
    else:
        form = DepartmentForm(department=department)
    context = {
        "department": department,
        "form": form,
        "history": _history(department),
    }
    return render(request, "accessrights/department.html", context, status=status)


@require_POST
@settings_right_required
def department_delete(request, pk):
    department = get_object_or_404(Department, pk=pk)
    try:
        services.department_delete(user=request.user, department=department)
    except ValidationError as exc:
        return _departments_response(request, error=exc)
    return _departments_response(request)
