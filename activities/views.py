"""Pages of activities: "My activities", and planning, changing, completing and deleting one
from an item's card (htmx: the card's timeline is redrawn in place).

Reading goes through ``Activity.objects.restrict()`` and the items through their own
``restrict()`` (an item or activity out of reach is a 404, never named); writing through
``activities.services`` (a forbidden write is a 403 page).
"""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accessrights.restriction import allowed
from crm.generic_views import add_service_errors, safe_next
from crm.history import render_for_reader
from crm.pagination import PeekPage
from timeline.models import Event

from . import services
from .counters import day_counts
from .filters import ActivityFilterSet
from .forms import ActivityForm, CompleteForm
from .items import ItemNotFound, name_items, readable_item
from .models import Activity, end_of_today

PAGE_SIZE = 50

# "My activities": each tab, the user's activities it holds and their order.
TABS = {
    "overdue": gettext_lazy("Overdue"),
    "today": gettext_lazy("Today"),
    "upcoming": gettext_lazy("Upcoming"),
    "done": gettext_lazy("Done"),
}


def _of_tab(activities, tab: str):
    now = timezone.now()
    if tab == "overdue":
        return activities.filter(done=False, deadline__lt=now).order_by("deadline", "id")
    if tab == "today":
        today = {"deadline__gte": now, "deadline__lt": end_of_today()}
        return activities.filter(done=False, **today).order_by("deadline", "id")
    if tab == "upcoming":
        return activities.filter(done=False, deadline__gte=end_of_today()).order_by(
            "deadline", "id"
        )
    return activities.completed()


def form_refused(request, template: str, context: dict, form_id: str, status: int = 422):
    """A form sent again with what was wrong. Through htmx, the form alone replaces itself
    (whatever its request targeted); otherwise, a page of its own."""
    response = render(request, template, {**context, "form_id": form_id}, status=status)
    if request.htmx:
        response["HX-Retarget"] = "this"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = f"#{form_id}"
    return response


class MyActivitiesView(LoginRequiredMixin, TemplateView):
    """The user's own activities (as the responsible person): overdue, today, upcoming and
    done, filtered by kind; tick some to complete them at once. It opens on today's, or on
    the overdue ones when nothing else is due today."""

    template_name = "activities/my_activities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        overdue, today = day_counts(self.request)
        tab = self.request.GET.get("show", "")
        if tab not in TABS:
            tab = "overdue" if overdue and not today else "today"
        mine = Activity.objects.restrict(user, "read").filter(responsible=user)
        filterset = ActivityFilterSet(self.request.GET, queryset=mine, request=self.request)
        activities = _of_tab(filterset.qs, tab).select_related("completed_by")
        page = PeekPage(activities, self.request.GET.get("page"), PAGE_SIZE)
        page.object_list = name_items(page.object_list, user)
        context.update(
            tab=tab,
            tabs=TABS,
            counts={"overdue": overdue, "today": today},
            page=page,
            filterset=filterset,
            kind=self.request.GET.get("kind", ""),
        )
        return context


class ItemActivityMixin(LoginRequiredMixin):
    """An activity of the URL, read through ``restrict(user, "read")`` (404 otherwise)."""

    def get_activity(self) -> Activity:
        readable = Activity.objects.restrict(self.request.user, "read")
        return get_object_or_404(readable.select_related("responsible"), pk=self.kwargs["pk"])

    def back(self) -> str:
        return safe_next(self.request, reverse("activities:mine"))


class ActivityCreateView(LoginRequiredMixin, TemplateView):
    """Plans an activity on the item of the URL (``/activities/add/company/5/``), from its
    card's timeline; an item the user may not read is a 404."""

    http_method_names = ["post"]

    def post(self, request, item_type, item_id):
        try:
            item = readable_item(request.user, item_type, item_id)
        except ItemNotFound:
            raise Http404 from None
        form = ActivityForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.activity_create(user=request.user, item=item, **form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
        if form.errors:
            return form_refused(
                request,
                "activities/activity_add.html",
                {
                    "form": form,
                    "item": item,
                    "item_key": item_type,
                    "next": safe_next(request, f"{item.get_absolute_url()}?tab=history"),
                },
                "activity-plan",
            )
        if not request.htmx:
            messages.success(request, _("Planned."))
        return redirect(safe_next(request, f"{item.get_absolute_url()}?tab=history"))


class ActivityEditView(ItemActivityMixin, TemplateView):
    """Changes a planned activity; shows its history. Writing needs the right to update its
    item, or being its responsible person (403 otherwise)."""

    template_name = "activities/activity_edit.html"

    def render_form(self, activity, form, status=200):
        events = Event.objects.of_item(activity).select_related("author", "on_behalf_of")[:50]
        context = {
            "activity": activity,
            "form": form,
            "complete_form": CompleteForm(),
            "events": render_for_reader(list(events), self.request.user),
            "item": name_items([activity], self.request.user)[0].readable_item,
            "writable": allowed(self.request.user, "update", activity),
            "next": self.back(),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        activity = self.get_activity()
        return self.render_form(activity, ActivityForm(instance=activity, user=request.user))

    def post(self, request, pk):
        activity = self.get_activity()
        # The form fills a copy: the page above it shows the activity as it is.
        form = ActivityForm(request.POST, instance=copy.copy(activity), user=request.user)
        if form.is_valid():
            try:
                services.activity_update(user=request.user, activity=activity,
                                         **form.service_data())  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
        if form.errors:
            return self.render_form(activity, form, status=400)
        messages.success(request, _("Saved."))
        return redirect(self.back())


class ActivityCompleteView(ItemActivityMixin, TemplateView):
    """Completes an activity with its result; back where it was completed (through htmx,
    the part of that page that lists it is redrawn)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        activity = self.get_activity()
        form = CompleteForm(request.POST)
        if form.is_valid():
            try:
                services.activity_complete(
                    user=request.user, activity=activity, result=form.cleaned_data["result"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        if form.errors:
            return form_refused(request, "activities/activity_complete.html",
                                {"activity": activity, "complete_form": form,
                                 "next": self.back()},
                                f"complete-{activity.pk}")  # fmt: skip
        if not request.htmx:
            messages.success(request, _("Done: “%s”.") % activity)
        return redirect(self.back())


class ActivityDeleteView(ItemActivityMixin, TemplateView):
    """Asks, then deletes an activity (the right to update its item, or being its
    responsible person)."""

    template_name = "activities/activity_delete.html"

    def get(self, request, pk):
        return self.render_to_response({"activity": self.get_activity(), "next": self.back()})

    def post(self, request, pk):
        activity = self.get_activity()
        services.activity_delete(user=request.user, activity=activity)
        messages.success(request, _("“%s” was deleted.") % activity)
        return redirect(self.back())


class ActivityBulkCompleteView(LoginRequiredMixin, TemplateView):
    """Completes the ticked activities of "My activities", all of them or none."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            count = services.activities_bulk_complete(
                user=request.user, ids=request.POST.getlist("ids")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Done: %d activities.") % count)
        return redirect(safe_next(request, reverse("activities:mine")))
