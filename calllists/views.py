"""Call list pages: made from a list's bulk bar, the list with its progress, and the "work
through" page, one client at a time. Every page reads through the services' rules: a call
list its people may see, its clients only as far as the reader may read them."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from companies.communications import PHONE
from companies.models import Communication
from crm.cards import card_sections, readable_links
from crm.entities import entity_type, entity_type_of
from crm.filterspecs import queryset_for, spec_from_query
from crm.history import render_for_reader
from crm.validators import parse_id
from dictionaries.models import Entry
from timeline.models import Event

from . import services
from .models import CALL_STATUS, CallList

HISTORY_SHOWN = 10


def _chosen_ids(request, entity_key: str) -> list[int]:
    """The ids the bulk form chose: the selected ones, or every item of the list's filter
    (as far as the user may read them, at most one call list's worth)."""
    model = services.client_model(entity_key)
    if request.POST.get("scope") != "filter":
        return [int(pk) for pk in request.POST.getlist("ids") if pk.isdecimal()][
            : services.MAX_ITEMS
        ]
    filterset_class = entity_type(entity_key).filterset
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    for param in ("page", "per_page", "count"):
        query.pop(param, None)
    spec = spec_from_query(filterset_class, query)
    items = queryset_for(model, filterset_class, request.user, "read", spec)
    return list(items.order_by("-id").values_list("pk", flat=True)[: services.MAX_ITEMS + 1])


@login_required
@require_POST
def call_list_new(request, entity):
    """From a list's bulk bar: the chosen clients, and a new call list or one to add them to."""
    try:
        ids = [int(pk) for pk in request.POST.getlist("chosen")] or _chosen_ids(request, entity)
    except ValidationError as error:
        return render(request, "400.html", {"reasons": error.messages}, status=400)
    existing = CallList.objects.visible_to(request.user)
    context = {
        "entity": entity, "label": entity_type(entity).label, "ids": ids,
        "existing": existing[:100], "users": get_user_model().objects.filter(is_active=True),
        "values": request.POST,
    }  # fmt: skip
    if "confirm" not in request.POST:
        return render(request, "calllists/new.html", context)
    try:
        if request.POST.get("call_list"):
            call_list = get_object_or_404(existing, pk=request.POST["call_list"])
            added = services.call_list_add(
                user=request.user, call_list=call_list, entity_key=entity, ids=ids
            )
        else:
            responsible = (
                get_user_model().objects.filter(pk=request.POST.get("responsible") or 0).first()
            )
            call_list = services.call_list_create(
                user=request.user, name=request.POST.get("name", ""),
                purpose=request.POST.get("purpose", ""), responsible=responsible,
                entity_key=entity, ids=ids,
            )  # fmt: skip
            added = call_list.items.count()
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "calllists/new.html", context, status=400)
    messages.success(request, _("%(count)d clients added to “%(name)s”.") % {
        "count": added, "name": call_list.name})  # fmt: skip
    return redirect("calllists:call_list", call_list.pk)


@login_required
def call_list_index(request):
    lists = CallList.objects.visible_to(request.user).select_related("responsible")
    lists = list(lists[:200])
    counts = services.progress_of(lists)
    shown = [(one, counts[one.pk]) for one in lists]
    return render(request, "calllists/index.html", {"lists": shown})


def call_rows(user, call_list, entries=None) -> list[dict]:
    """The call list's clients (or those of ``entries``, some of its items) the reader may
    read, with their phones and results."""
    entries = call_list.items.all() if entries is None else entries
    entries = list(entries.select_related("status", "item_type"))
    rows, by_type = [], {}
    for entry in entries:
        by_type.setdefault(entry.item_type, []).append(entry.item_id)
    clients, phones, stop = {}, {}, {}
    for item_type, ids in by_type.items():
        model = item_type.model_class()
        readable = model.objects.restrict(user, "read").filter(pk__in=ids)
        clients[item_type.pk] = readable.in_bulk()
        phones[item_type.pk] = phones_of(model, ids)
        stop[item_type.pk] = services.not_to_call(item_type, ids)
    for entry in entries:
        client = clients[entry.item_type_id].get(entry.item_id)
        if client is None:
            continue  # out of the reader's reach: never named
        rows.append({
            "entry": entry, "client": client,
            "phones": phones[entry.item_type_id].get(entry.item_id, []),
            "stop": entry.item_id in stop[entry.item_type_id],
        })  # fmt: skip
    return rows


def phones_of(model, ids) -> dict[int, list[tuple[str, str]]]:
    """Each client's phones as typed and as dialled (E.164, for ``tel:`` links)."""
    owner = f"{model._meta.model_name}_id"
    found: dict[int, list] = {}
    rows = Communication.objects.filter(channel=PHONE, **{f"{owner}__in": ids})
    for pk, value, dial in rows.order_by("sort", "id").values_list(owner, "value", "normalized"):
        found.setdefault(pk, []).append((value, dial))
    return found


def _visible(request, pk) -> CallList:
    return get_object_or_404(CallList.objects.visible_to(request.user), pk=pk)


@login_required
def call_list_view(request, pk):
    call_list = _visible(request, pk)
    context = {
        "call_list": call_list, "progress": services.progress(call_list),
        "rows": call_rows(request.user, call_list),
    }  # fmt: skip
    return render(request, "calllists/call_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call_list_work(request, pk):
    """One client at a time: its card and history, a status and a comment, then the next."""
    call_list = _visible(request, pk)
    uncalled = call_list.items.filter(status=None)
    if request.method == "POST":
        # Only the entry posted is read: a long list is not re-read for each call.
        entry_id = parse_id(request.POST.get("entry", ""))
        chosen = uncalled.filter(pk=entry_id) if entry_id else uncalled.none()
        row = next(iter(call_rows(request.user, call_list, chosen)), None)
        if row is None:
            raise Http404
        try:
            status = services.call_status(request.POST.get("status"))
            services.call_record(user=request.user, entry=row["entry"], status=status,
                                 comment=request.POST.get("comment", ""))  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You do not have the right to do this."))
        return redirect("calllists:call_list_work", call_list.pk)
    rows = call_rows(request.user, call_list, uncalled)
    if not rows:
        messages.success(request, _("Every client of this list has been called."))
        return redirect("calllists:call_list", call_list.pk)
    row = rows[0]
    client = row["client"]
    key = entity_type_of(type(client)).key
    events = Event.objects.of_item(client).select_related("author", "on_behalf_of", "related_type")
    context = {
        "call_list": call_list, "row": row, "left": len(rows),
        "sections": card_sections(key, client, readable_links(key, client, request.user)),
        "events": render_for_reader(events[:HISTORY_SHOWN], request.user),
        "statuses": Entry.objects.of_list(CALL_STATUS),
        "item_type": ContentType.objects.get_for_model(client),
    }  # fmt: skip
    return render(request, "calllists/work.html", context)
