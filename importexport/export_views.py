"""Pages of exports: a list's export form, the exports made, the downloads.

Thin: what is exported, and who may download it, is ``importexport.exports``'s business.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from crm.entities import SettingsTab
from crm.filterspecs import spec_to_query
from crm.forms import posted_arrangement
from crm.generic_views import PAGE_PARAMS, safe_next
from crm.models import Job
from crm.pagination import PeekPage

from . import exports
from .export_columns import available_columns, default_codes

FORMATS = (("csv", gettext_lazy("CSV")), ("xlsx", gettext_lazy("Excel (XLSX)")))
DELIMITERS = ((";", gettext_lazy("semicolon ;")), (",", gettext_lazy("comma ,")))


def download_url(job: Job) -> str:
    """Where an export's file downloads ("" when it cannot be, or no longer)."""
    if not exports.is_downloadable(job):
        return ""
    return reverse("exports:export_download", args=[job.pk])


def settings_tabs() -> list[SettingsTab]:
    def current(request) -> bool:
        match = request.resolver_match
        return match is not None and match.app_name == "exports"

    return [SettingsTab(_("Exports"), reverse("exports:export_list"), current)]


def filter_summary(spec: dict) -> str:
    """A filter spec as its list's query parameters, for people ("everything" when empty)."""
    query = spec_to_query(spec)
    return "; ".join(f"{name} = {', '.join(values)}" for name, values in query.lists()) or _(
        "everything"
    )


def _list_query(text: str) -> QueryDict:
    query = QueryDict(text, mutable=True)
    for param in PAGE_PARAMS:
        query.pop(param, None)
    return query


class ExportView(LoginRequiredMixin, TemplateView):
    """The export form of the list of one item type (GET, with the list's query string), and
    the export it posts: the file at once, or the job's progress page for a large one."""

    template_name = "importexport/export.html"

    def dispatch(self, request, *args, **kwargs):
        self.item_type = next(
            (t for t in exports.exportable_types() if t.key == kwargs["entity"]), None
        )
        if self.item_type is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        exports.check_export_right(request.user, self.item_type)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = _list_query(self.request.GET.urlencode())
        shown = default_codes(self.request.user, self.item_type)
        available = available_columns(self.item_type.key)
        choices = [(available[code], "shown") for code in shown]
        choices += [(c, "hidden") for code, c in available.items() if code not in shown]
        back = safe_next(self.request, reverse(self.item_type.list_url))
        context.update(
            item_type=self.item_type,
            query=query.urlencode(),
            column_choices=choices,
            column_groups=(("shown", _("Columns of the file")), ("hidden", _("Other fields"))),
            formats=FORMATS,
            delimiters=DELIMITERS,
            back=back,
        )
        context.setdefault("posted", {"format": "csv", "delimiter": ";", "scope": "filter"})
        return context

    def post(self, request, *args, **kwargs):
        post = request.POST
        query = _list_query(post.get("query", "") if post.get("scope") != "all" else "")
        columns = None
        if post.get("arranged"):
            columns = posted_arrangement(post, list(available_columns(self.item_type.key)))
        try:
            parameters = exports.export_parameters(
                user=request.user, entity=self.item_type.key,
                file_format=post.get("format", ""), delimiter=post.get("delimiter", ";"),
                query=query, columns=columns,
                back=safe_next(request, reverse(self.item_type.list_url)),
            )  # fmt: skip
        except ValidationError as error:
            reasons = [f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()]
            context = self.get_context_data(errors=reasons, posted=post)
            return self.render_to_response(context, status=400)
        job, chunks = exports.export_inline_or_start(user=request.user, parameters=parameters)
        if chunks is None:
            return redirect("crm:job", job.pk)
        response = StreamingHttpResponse(chunks, content_type=exports.content_type(job))
        response["Content-Disposition"] = content_disposition_header(True, exports.file_name(job))
        return response


class ExportListView(LoginRequiredMixin, TemplateView):
    """The exports made: the user's own, everybody's for a superuser; newest first."""

    template_name = "importexport/exports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = PeekPage(exports.exports_of(self.request.user), self.request.GET.get("page"), 50)
        labels = {t.key: t.label for t in exports.exportable_types()}
        context["page"] = page
        context["rows"] = [
            {
                "job": job,
                "items": labels.get(job.parameters.get("entity"), ""),
                "format": dict(FORMATS).get(job.parameters.get("format"), ""),
                "filter": filter_summary(job.parameters.get("filter", {})),
                "download_url": download_url(job),
                "expires_at": exports.expires_at(job),
            }
            for job in page
        ]
        return context


@login_required
@require_GET
def export_download(request, pk):
    """An export's file, for its requester or a superuser while it has not expired; a 404
    for anyone else, exactly as for an export that does not exist."""
    return file_response(request.user, pk)


def file_response(user, pk) -> FileResponse:
    """The file of the export ``pk`` as ``user`` may download it (the page and the API): a
    404 for someone else's, an unfinished or an expired one."""
    try:
        job = exports.export_download(user, pk)
    except Job.DoesNotExist:
        raise Http404 from None
    return FileResponse(
        job.result.open("rb"), as_attachment=True, filename=exports.file_name(job),
        content_type=exports.content_type(job),
    )  # fmt: skip
