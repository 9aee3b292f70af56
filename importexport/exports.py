"""Exports of CRM items to CSV or XLSX: every item of a list, or of its current filter, in
the columns chosen, as the requester may read them.

The one definition of the exported items is the list's: its FilterSet, with the filter kept as
data (``crm.filterspecs``), on ``restrict(user, "export")``, and never anything the requester
may not read. A small export (up to ``EXPORT_INLINE_ROWS`` rows) is written while it downloads;
a larger one is a job (``export.run``) whose worker chooses the rows when it runs, with the
requester's rights at that moment, and leaves a file that only the requester (and superusers)
may download, for ``EXPORT_TTL_HOURS``. Either way the job row is the export's record: who,
which item type, filter, columns and format, how many rows, when.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db.models import Count, Max
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from accessrights.restriction import may
from crm.entities import entity_type, entity_types
from crm.filterspecs import in_list_order, queryset_for, spec_from_query
from crm.jobs import job_start
from crm.models import Job, JobStatus

from .export_columns import ExportReader, default_codes, export_columns
from .writers import WRITERS, Drain

KIND = "export.run"
DELIMITERS = (";", ",")


def exportable_types() -> list:
    """The item types whose list can be exported (each with its list page)."""
    return [t for t in entity_types() if t.list_view]


def _item_type(entity: str):
    found = next((t for t in exportable_types() if t.key == entity), None)
    if found is None:
        raise ValidationError({"entity": _("There is no item type “%s”.") % str(entity)[:60]})
    return found


def check_export_right(user, item_type) -> None:
    """PermissionDenied unless ``user``'s roles give the export of some ``item_type`` items."""
    if not may(user, "export", item_type.model):
        raise PermissionDenied(
            _("You do not have the right to export %(items)s.") % {"items": item_type.label}
        )


def export_parameters(*, user, entity: str, file_format: str, query: QueryDict, columns=None,
                      delimiter: str = ";", back: str = "") -> dict:  # fmt: skip
    """What an export of ``entity`` is, checked and as JSON (a job's parameters): the filter
    of ``query`` (the list's query parameters, kept as a spec of its FilterSet:
    ``crm.filterspecs``), the ``columns`` by code (None: the list's columns as ``user`` sees
    them), the format (``csv`` or ``xlsx``) and a CSV's delimiter. An unknown item type,
    format, delimiter, column, or a query parameter that is no valid filter of the list (it
    would export more than asked for) is a ValidationError naming it (a filter as
    ``filter.<name>``); without the export right of the item type, PermissionDenied. The
    language of the file (its headers, yes and no) is the active one."""
    item_type = _item_type(entity)
    check_export_right(user, item_type)
    if file_format not in WRITERS:
        raise ValidationError({"format": _("Choose CSV or XLSX.")})
    if delimiter not in DELIMITERS:
        raise ValidationError({"delimiter": _("The delimiter is “;” or “,”.")})
    try:
        spec = spec_from_query(item_type.filterset, query)
    except ValidationError as error:
        raise ValidationError(
            {f"filter.{name}": messages for name, messages in error.message_dict.items()}
        ) from None
    codes = default_codes(user, item_type) if columns is None else list(columns)
    export_columns(item_type.key, codes)
    return {
        "entity": item_type.key,
        "format": file_format,
        "delimiter": delimiter,
        "columns": codes,
        "filter": spec,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "back": back,
    }


def exported_items(user, parameters: dict):
    """The items an export writes, in the list's order (its ``ordering``, ties broken by id:
    ``crm.filterspecs.in_list_order``): the list's filter on what ``user`` may export, and
    of those only what they may read (a role may give the export of items it does not let
    them read: they are left out). A filter no longer valid is a ValidationError."""
    item_type = _item_type(parameters["entity"])
    check_export_right(user, item_type)
    model = item_type.model
    items = queryset_for(model, item_type.filterset, user, "export", parameters["filter"])
    readable = model.objects.restrict(user, "read")
    if readable.query.has_filters():  # none for those who read everything
        items = items.filter(pk__in=readable.values("pk"))
    return in_list_order(items)


def _reader(user, parameters: dict) -> ExportReader:
    item_type = entity_type(parameters["entity"])
    columns = export_columns(item_type.key, parameters["columns"])
    return ExportReader(item_type.model, columns, user)


def _writer(parameters: dict, out):
    label = str(entity_type(parameters["entity"]).label)
    writer_class = WRITERS[parameters["format"]]
    return writer_class(out, delimiter=parameters["delimiter"], sheet_name=capfirst(label))


def file_name(job: Job) -> str:
    """The name the file downloads under: the item type, the date, the export's number."""
    parameters = job.parameters
    label = slugify(str(entity_type(parameters["entity"]).label), allow_unicode=True)
    day = timezone.localdate(job.created_at).isoformat()
    extension = WRITERS[parameters["format"]].extension
    return f"{label or parameters['entity']}-{day}-{job.pk}.{extension}"


def content_type(job: Job) -> str:
    return WRITERS[job.parameters["format"]].content_type


# In the request


def export_inline_or_start(*, user, parameters: dict):
    """A page's export: written at once when it has at most ``EXPORT_INLINE_ROWS`` rows
    (``(job, chunks)``: its record and the file's bytes as they are written, for a streamed
    answer), otherwise started as a job (``(job, None)``)."""
    items = exported_items(user, parameters)
    limit = settings.EXPORT_INLINE_ROWS
    count = items.order_by()[: limit + 1].count()
    if count > limit:
        return export_start(user=user, parameters=parameters), None
    now = timezone.now()
    job = Job.objects.create(
        kind=KIND, requester=user, parameters={**parameters, "inline": True},
        status=JobStatus.DONE, total=count, done=count, started_at=now, finished_at=now,
    )  # fmt: skip
    return job, _streamed(user, parameters, items)


def _streamed(user, parameters: dict, items):
    with translation.override(parameters["language"]):
        reader = _reader(user, parameters)
        drain = Drain()
        writer = _writer(parameters, drain)
        writer.write_columns(reader.header())
        for columns in reader.chunks(items):
            writer.write_columns(columns)
            yield drain.take()
        writer.close()
        yield drain.take()


def export_start(*, user, parameters: dict) -> Job:
    """Start an export job (the worker chooses its rows when it runs)."""
    return job_start(user=user, kind=KIND, parameters=parameters)


# In the worker


def export_run(job: Job) -> None:
    """Write the file of an export job: its items chosen now, with its requester's rights of
    now (none any more is a refusal that fails the job), counted first (``total``; rows added
    meanwhile are left out), written chunk by chunk with the progress saved after each, then
    kept as the job's result. A worker that dies midway leaves no result (its temporary file
    at most): the next one writes the file again from the start."""
    exports_purge_expired()
    parameters = job.parameters
    user = job.requester
    with translation.override(parameters["language"]):
        items = exported_items(user, parameters)
        counted = items.aggregate(total=Count("pk"), last=Max("pk"))
        Job.objects.filter(pk=job.pk).update(total=counted["total"], done=0, cursor=0)
        reader = _reader(user, parameters)
        name = file_name(job)
        with TemporaryUploadedFile(name, content_type(job), 0, None) as temporary:
            writer = _writer(parameters, temporary)
            writer.write_columns(reader.header())
            done = 0
            for columns in reader.chunks(items, last_pk=counted["last"] or 0):
                writer.write_columns(columns)
                done += len(columns[0])
                Job.objects.filter(pk=job.pk).update(done=done)
            writer.close()
            temporary.flush()
            job.result.save(name, temporary, save=False)
    Job.objects.filter(pk=job.pk).update(result=job.result.name)


# Afterwards


def expires_at(job: Job):
    """When an export's file may no longer be downloaded (None before it is finished)."""
    if job.finished_at is None:
        return None
    return job.finished_at + timedelta(hours=settings.EXPORT_TTL_HOURS)


def is_downloadable(job: Job) -> bool:
    return job.status == JobStatus.DONE and bool(job.result) and timezone.now() < expires_at(job)


def exports_of(user):
    """The exports ``user`` may see: their own; every one for a superuser. Newest first."""
    return Job.objects.visible_to(user).filter(kind=KIND).select_related("requester")


def export_download(user, pk) -> Job:
    """The export numbered ``pk`` whose file ``user`` may download now: Job.DoesNotExist for
    someone else's (unless a superuser asks), an unfinished or an expired one, exactly as
    for one that does not exist."""
    job = exports_of(user).get(pk=pk)
    if not is_downloadable(job):
        raise Job.DoesNotExist
    return job


def exports_purge_expired() -> int:
    """Delete the files of the exports expired; their records stay. How many."""
    limit = timezone.now() - timedelta(hours=settings.EXPORT_TTL_HOURS)
    expired = Job.objects.filter(kind=KIND, finished_at__lt=limit).exclude(result="")
    count = 0
    for job in expired.only("pk", "result"):
        job.result.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result="")
        count += 1
    return count
