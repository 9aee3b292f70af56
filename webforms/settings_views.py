"""The settings pages of web forms: the list of forms with their submissions per day, and
each form's submissions (newest first, by status, what each created as far as the reader
may read it, failed ones retried). The settings right opens them."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accessrights.decorators import settings_right_required
from crm.entities import SettingsTab
from crm.pagination import PeekPage

from . import builder, services
from .filters import SubmissionFilterSet
from .models import Submission, SubmissionStatus, WebForm
from .reading import created_items, per_day, per_form_and_day

LIST_DAYS = 7
PER_PAGE = 50


def settings_tabs() -> list[SettingsTab]:
    def current(request) -> bool:
        match = request.resolver_match
        return match is not None and match.app_name == "webforms"

    return [SettingsTab(_("Web forms"), reverse("webforms:form_list"), current)]


@settings_right_required
@require_GET
def form_list(request):
    forms = WebForm.objects.order_by("name", "id")
    counts = per_form_and_day(Submission.objects.all(), LIST_DAYS, by_form=True)
    rows = [{"form": form, "days": counts.get(form.pk, counts[None])} for form in forms]
    days = [day for day, _count in rows[0]["days"]] if rows else []
    return render(request, "webforms/forms.html", {"rows": rows, "days": days})


def _builder_page(request, form: WebForm | None):
    """The builder for ``form`` (None: a new one); a post is checked by the services, and a
    refusal shows the page again with what was posted and every error."""
    if request.method != "POST":
        options = builder.OptionsForm(initial=builder.options_initial(form) if form else None)
        return _render_builder(request, form, options, builder.candidates(form))
    options = builder.OptionsForm(request.POST)
    rows = builder.candidates(form, request.POST)
    if options.is_valid():
        values = {**options.cleaned_data, "fields": builder.fields_of(rows)}
        try:
            if form is None:
                form = services.webform_create(user=request.user, **values)
            else:
                form = services.webform_update(user=request.user, form=form, **values)
        except ValidationError as error:
            for name, messages_ in error.message_dict.items():
                options.add_error(name if name in options.fields else None, messages_)
        else:
            messages.success(request, _("The form “%s” is saved.") % form.name)
            return redirect("webforms:form_edit", form.pk)
    return _render_builder(request, form, options, rows, status=400)


def _render_builder(request, form, options, rows, status=200):
    context = {
        "webform": form, "options": options, "status": status,
        "on_form": [row for row in rows if row.place == builder.ON_FORM],
        "off_form": [row for row in rows if row.place != builder.ON_FORM],
        "ON_FORM": builder.ON_FORM, "OFF_FORM": builder.OFF_FORM,
    }  # fmt: skip
    return render(request, "webforms/builder.html", context, status=status)


@settings_right_required
@require_http_methods(["GET", "POST"])
def form_create(request):
    return _builder_page(request, None)


@settings_right_required
@require_http_methods(["GET", "POST"])
def form_edit(request, pk):
    return _builder_page(request, get_object_or_404(WebForm, pk=pk))


@settings_right_required
@require_GET
def submission_list(request, pk):
    form = get_object_or_404(WebForm, pk=pk)
    filters = SubmissionFilterSet(request.GET, queryset=form.submissions.order_by("-id"))
    if not filters.is_valid():  # a status that is none of them: say so, show nothing
        context = {"form": form, "filters": filters, "rows": [], "page": None, "days": []}
        return render(request, "webforms/submissions.html", context, status=400)
    page = PeekPage(filters.qs, request.GET.get("page"), PER_PAGE)
    created = created_items(page.object_list, request.user)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [
            {"submission": s, "created": [(i._meta.verbose_name, i) for i in created[s.pk]]}
            for s in page
        ],
        "days": per_day(form.submissions.all()),
        "spam": form.submissions.filter(status=SubmissionStatus.SPAM).count(),
    }
    return render(request, "webforms/submissions.html", context)


@settings_right_required
@require_POST
def submission_retry(request, pk, sid):
    submission = get_object_or_404(Submission, form_id=pk, pk=sid)
    try:
        submission = services.submission_retry(user=request.user, submission=submission)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if submission.status == SubmissionStatus.PROCESSED:
            messages.success(request, _("Submission %d is processed.") % submission.pk)
        else:
            messages.error(request, _("Submission %(id)d failed again: %(error)s")
                           % {"id": submission.pk, "error": submission.error})  # fmt: skip
    back = reverse("webforms:submission_list", args=[pk])
    status = request.POST.get("status", "")  # the list's filter, kept
    return redirect(f"{back}?{urlencode({'status': status})}" if status else back)


@settings_right_required
@require_POST
def spam_purge(request, pk):
    form = get_object_or_404(WebForm, pk=pk)
    deleted = services.submissions_purge_spam(user=request.user, form=form)
    messages.success(request, _("%d spam submissions deleted.") % deleted)
    return redirect("webforms:submission_list", pk)
