"""The import pages: the list of imports, the upload, the draft's preview, mapping and
options, the progress and the result (htmx polls it), the rejected rows and undo. Every change
goes through ``importexport.imports``."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from accessrights.restriction import allowed
from crm.entities import entity_type
from crm.fields import FieldKind

from . import imports
from .models import DuplicateMode, ImportJob

DEFAULTS_KINDS = (FieldKind.REFERENCE, FieldKind.USER)  # offered as defaults for unmapped fields


class UploadForm(forms.Form):
    entity = forms.ChoiceField(label=gettext_lazy("Items"))
    file = forms.FileField(label=gettext_lazy("File (CSV, XLSX or Bitrix24's Excel export)"))
    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding"), required=False,
        choices=[("", gettext_lazy("Detect")), ("utf-8", "UTF-8"), ("utf-16", "UTF-16"),
                 ("windows-1251", "Windows-1251"), ("windows-1252", "Windows-1252")],
    )  # fmt: skip
    delimiter = forms.ChoiceField(
        label=gettext_lazy("Delimiter"), required=False,
        choices=[("", gettext_lazy("Detect")), (";", ";"), (",", ","), ("\t", "Tab"), ("|", "|")],
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keys = imports.importable()
        self.fields["entity"].choices = [(key, entity_type(key).label) for key in keys]


def import_link(item_type, user):
    """“Import companies” (...) in the menu of the lists of the types that import, for users
    with the import right."""
    if item_type.key not in imports.importable():
        return None
    if not allowed(user, "import", model=item_type.model):
        return None
    label = gettext("Import %(items)s") % {"items": str(item_type.label).lower()}
    return label, f"{reverse('importexport:import_new')}?entity={item_type.key}"


def _visible(user):
    rows = ImportJob.objects.select_related("requester", "job")
    return rows if user.is_superuser else rows.filter(requester=user)


def _import_or_404(request, pk) -> ImportJob:
    return get_object_or_404(_visible(request.user), pk=pk)


@login_required
def import_list(request):
    return render(request, "importexport/imports.html", {"imports": _visible(request.user)[:200]})


@login_required
def import_new(request):
    form = UploadForm(request.POST or None, request.FILES or None,
                      initial={"entity": request.GET.get("entity", "company")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft = imports.import_upload(
                user=request.user, entity=form.cleaned_data["entity"], file=upload,
                name=upload.name, encoding=form.cleaned_data["encoding"],
                delimiter=form.cleaned_data["delimiter"],
            )  # fmt: skip
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("file", " ".join(error.messages))
        else:
            return redirect("importexport:import", draft.pk)
    status = 400 if form.errors else 200
    return render(request, "importexport/import_new.html", {"form": form}, status=status)


def _options_from(post, draft: ImportJob) -> dict:
    mapping = {header: post.get(f"map-{n}", "") for n, header in enumerate(draft.headers)}
    defaults = {
        code[len("default-") :]: value.strip()
        for code, value in post.items()
        if code.startswith("default-") and value.strip()
    }
    return {
        "mapping": mapping,
        "defaults": defaults,
        "duplicates": post.get("duplicates", draft.duplicates),
        "match_by": post.getlist("match_by"),
    }


@login_required
def import_page(request, pk):
    draft = _import_or_404(request, pk)
    if request.method == "POST":
        try:
            options = _options_from(request.POST, draft)
            imports.import_start(user=request.user, import_job=draft, **options)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("importexport:import", draft.pk)
    context = {"draft": draft, "item_type": entity_type(draft.entity)}
    if request.htmx and draft.job_id:
        return render(request, "importexport/_import_status.html", context)
    if draft.job_id is None:
        try:
            context["preview"] = imports.preview(draft)
        except ValidationError as error:
            context["preview_error"] = " ".join(error.messages)
        fields = imports.import_fields(draft.entity)
        context.update(
            columns=[(n, h, draft.mapping.get(h, "")) for n, h in enumerate(draft.headers)],
            fields=fields,
            default_fields=[f for f in fields if f.kind in DEFAULTS_KINDS and not f.custom],
            duplicate_modes=DuplicateMode.choices,
            match_by=[(key, key in draft.match_by) for key in imports.MATCH_SIGNALS],
            matches_clients=draft.entity in imports.CLIENTS,
        )
    return render(request, "importexport/import.html", context)


class _Echo:
    def write(self, value):
        return value


@login_required
def import_errors(request, pk):
    """The rejected rows as CSV (UTF-8 with BOM, the file's delimiter), each with its reason."""
    draft = _import_or_404(request, pk)
    if draft.job_id is None:
        raise Http404
    headers, rows = imports.rejected_rows(draft)
    writer = csv.writer(_Echo(), delimiter=draft.delimiter or ";")

    def lines():
        yield "\ufeff" + writer.writerow(headers)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{draft.pk}-rejected.csv"'
    return response


@login_required
@require_POST
def import_undo(request, pk):
    draft = _import_or_404(request, pk)
    try:
        count = imports.import_undo(user=request.user, import_job=draft)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, gettext("%d items deleted.") % count)
    return redirect("importexport:import", draft.pk)
