"""CRM settings pages: reference lists and pipelines, edited in place with htmx.

Each change posts to a small view that calls a service and answers with the re-drawn list (htmx)
or a redirect (plain form posts). A refused change re-draws the list, unchanged, with the reason.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accessrights.decorators import settings_right_required
from crm.validators import parse_id

from . import services
from .defaults import DEAL_STAGE, LISTS, LISTS_BY_CODE
from .models import Entry, Pipeline, Semantics


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _spec_or_404(list_code: str):
    spec = LISTS_BY_CODE.get(list_code)
    if spec is None:
        raise Http404
    return spec


def _list_url(list_code: str, pipeline: Pipeline | None) -> str:
    if pipeline is not None:
        return reverse("dictionaries:pipeline", args=[pipeline.pk])
    return reverse("dictionaries:dictionary", args=[list_code])


def _entries_context(spec, pipeline: Pipeline | None) -> dict:
    entries = list(Entry.objects.of_list(spec.code, pipeline))
    if spec.is_stage_list:
        groups = [
            ("process", [e for e in entries if e.semantics == Semantics.PROCESS]),
            ("final", [e for e in entries if e.semantics != Semantics.PROCESS]),
        ]
    else:
        groups = [("all", entries)]
    pipeline_arg = {"pipeline": pipeline.pk} if pipeline else {}
    return {
        "spec": spec,
        "pipeline": pipeline,
        "groups": groups,
        "deletable": {e.pk for e in entries if _deletable(e, entries)},
        "add_url": reverse("dictionaries:entry_add", args=[spec.code]),
        "reorder_url": reverse("dictionaries:entry_reorder", args=[spec.code]),
        "pipeline_arg": pipeline_arg,
    }


def _deletable(entry: Entry, entries: list[Entry]) -> bool:
    try:
        services.entry_validate_delete(entry, entries)
    except ValidationError:
        return False
    return True


def _entries_response(request, spec, pipeline, error, replace_for: Entry | None = None):
    """Answer a change: the re-drawn list for htmx, a redirect for a plain form post.

    ``replace_for``: an entry in use whose deletion needs a replacement chosen in the list.
    """
    if not request.htmx:
        if error is not None:
            messages.error(request, _error_text(error))
        return redirect(_list_url(spec.code, pipeline))
    context = _entries_context(spec, pipeline)
    context["error"] = _error_text(error) if error else ""
    context["replace_for"] = replace_for
    return render(request, "dictionaries/_entries.html", context, status=422 if error else 200)


def _pipeline_from_post(request) -> Pipeline | None:
    pipeline_id = request.POST.get("pipeline") or None
    if pipeline_id is None:
        return None
    if parse_id(pipeline_id) is None:
        raise Http404
    return get_object_or_404(Pipeline, pk=pipeline_id)


@require_GET
@settings_right_required
def dictionary_index(request):
    return redirect("dictionaries:dictionary", LISTS[0].code)


@require_GET
@settings_right_required
def dictionary_view(request, list_code):
    spec = _spec_or_404(list_code)
    if spec.per_pipeline:
        return redirect("dictionaries:pipeline_list")
    context = _entries_context(spec, None)
    return render(request, "dictionaries/dictionary.html", context)


@require_POST
@settings_right_required
def entry_add(request, list_code):
    spec = _spec_or_404(list_code)
    pipeline = _pipeline_from_post(request)
    error = None
    try:
        services.entry_create(
            user=request.user,
            list_code=spec.code,
            name=request.POST.get("name", ""),
            code=request.POST.get("code", ""),
            color=request.POST.get("color") or Entry._meta.get_field("color").default,
            semantics=request.POST.get("semantics", ""),
            pipeline=pipeline,
        )
    except ValidationError as exc:
        error = exc
    return _entries_response(request, spec, pipeline, error)


@require_POST
@settings_right_required
def entry_reorder(request, list_code):
    spec = _spec_or_404(list_code)
    pipeline = _pipeline_from_post(request)
    error = None
    try:
        ids = [int(value) for value in request.POST.getlist("ids")]
        services.entries_reorder(user=request.user, list_code=spec.code, ids=ids, pipeline=pipeline)
    except ValueError:
        error = ValidationError("The new order must be a list of entry ids.")
    except ValidationError as exc:
        error = exc
    return _entries_response(request, spec, pipeline, error)


def _entry_change(request, pk, change):
    entry = get_object_or_404(Entry, pk=pk)
    error = None
    try:
        change(entry)
    except ValidationError as exc:
        error = exc
    return _entries_response(request, LISTS_BY_CODE[entry.list_code], entry.pipeline, error)


@require_POST
@settings_right_required
def entry_update(request, pk):
    return _entry_change(
        request,
        pk,
        lambda entry: services.entry_update(
            user=request.user,
            entry=entry,
            name=request.POST.get("name"),
            color=request.POST.get("color"),
        ),
    )


@require_POST
@settings_right_required
def entry_reset(request, pk):
    return _entry_change(
        request, pk, lambda entry: services.entry_reset(user=request.user, entry=entry)
    )


@require_POST
@settings_right_required
def entry_delete(request, pk):
    """Delete an entry; when items use it, ask which entry they move to, then move them."""
    entry = get_object_or_404(Entry, pk=pk)
    replacement_id = request.POST.get("replacement", "")
    replacement = (
        Entry.objects.filter(pk=replacement_id).first() if parse_id(replacement_id) else None
    )
    try:
        services.entry_delete(user=request.user, entry=entry, replacement=replacement)
    except ValidationError as exc:
        asks = "replacement" in getattr(exc, "error_dict", {})
        return _entries_response(
            request, LISTS_BY_CODE[entry.list_code], entry.pipeline, exc, entry if asks else None
        )
    return _entries_response(request, LISTS_BY_CODE[entry.list_code], entry.pipeline, None)


# Pipelines


def _pipelines_response(request, error: ValidationError | None):
    """Answer a pipeline change: the re-drawn list for htmx, a redirect for a plain post."""
    if not request.htmx:
        if error is not None:
            messages.error(request, _error_text(error))
        return redirect("dictionaries:pipeline_list")
    context = {"pipelines": Pipeline.objects.all(), "error": _error_text(error) if error else ""}
    return render(request, "dictionaries/_pipelines.html", context, status=422 if error else 200)


@require_GET
@settings_right_required
def pipeline_list(request):
    return render(
        request,
        "dictionaries/pipelines.html",
        {"pipelines": Pipeline.objects.all()},
    )


@require_GET
@settings_right_required
def pipeline_view(request, pk):
    pipeline = get_object_or_404(Pipeline, pk=pk)
    context = _entries_context(LISTS_BY_CODE[DEAL_STAGE], pipeline)
    context.update({"pipelines": Pipeline.objects.all()})
    return render(request, "dictionaries/pipeline.html", context)


@require_POST
@settings_right_required
def pipeline_add(request):
    try:
        pipeline = services.pipeline_create(user=request.user, name=request.POST.get("name", ""))
    except ValidationError as exc:
        return _pipelines_response(request, exc)
    return redirect("dictionaries:pipeline", pipeline.pk)


@require_POST
@settings_right_required
def pipeline_update(request, pk):
    pipeline = get_object_or_404(Pipeline, pk=pk)
    try:
        services.pipeline_update(
            user=request.user, pipeline=pipeline, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        return _pipelines_response(request, exc)
    return _pipelines_response(request, None)


@require_POST
@settings_right_required
def pipeline_delete(request, pk):
    pipeline = get_object_or_404(Pipeline, pk=pk)
    try:
        services.pipeline_delete(user=request.user, pipeline=pipeline)
    except ValidationError as exc:
        return _pipelines_response(request, exc)
    return _pipelines_response(request, None)


@require_POST
@settings_right_required
def pipeline_reorder(request):
    try:
        ids = [int(value) for value in request.POST.getlist("ids")]
        services.pipelines_reorder(user=request.user, ids=ids)
    except ValueError:
        return _pipelines_response(request, ValidationError("The new order must be a list of ids."))
    except ValidationError as exc:
        return _pipelines_response(request, exc)
    return _pipelines_response(request, None)
