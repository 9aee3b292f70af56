"""The analytics pages: the report chooser, and each report's parameters, chart and table, with
its downloads. Every figure comes through ``reports.read_report`` (the API's read path too)."""

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from deals.models import Lead
from importexport.writers import WRITERS

from .reports import UnknownReport, read_report, reports_for


@login_required
def index(request):
    return render(request, "analytics/index.html", {"reports": reports_for(request.user)})


def _read(request, key: str):
    try:
        return read_report(request.user, key, request.GET)
    except UnknownReport:
        raise Http404(_("There is no such report.")) from None


@login_required
def report(request, key: str):
    found, form, table = _read(request, key)
    context = {
        "report": found,
        "reports": reports_for(request.user),
        "form": form,
        "fields": _shown_fields(found, form),
        "table": table,
        "query": request.GET.urlencode(),
        "error_text": form.error_text() if table is None else "",
    }
    if table is not None:
        context.update(rows=table.shown_rows(), chart=table.chart_data(),
                       picture_name=f"{slugify(table.title) or key}.png")  # fmt: skip
    return render(request, "analytics/report.html", context, status=200 if table else 400)


def _shown_fields(found, form) -> list:
    """The parameters the report uses: no pipeline for leads, the grouping where it groups."""
    if found.pipeline:
        form.fields["pipeline"].empty_label = _("Default pipeline")
    hidden = {"pipeline"} if found.model is Lead else set()
    if not found.interval:
        hidden.add("interval")
    return [form[name] for name in form.fields if name not in hidden]


@login_required
def download(request, key: str, file_format: str):
    """The report's table as CSV or XLSX: the page's cells, as the reader reads them."""
    writer_class = WRITERS.get(file_format)
    if writer_class is None:
        raise Http404(_("There is no such file format."))
    _found, form, table = _read(request, key)
    if table is None:
        return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
    out = io.BytesIO()
    writer = writer_class(out, sheet_name=table.title)
    header = [str(column.label) for column in table.columns]
    cells = table.shown_rows()
    writer.write_columns([[name, *(row[n] for row in cells)] for n, name in enumerate(header)])
    writer.close()
    response = HttpResponse(out.getvalue(), content_type=writer_class.content_type)
    name = f"{slugify(table.title) or key}.{writer_class.extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
