"""Restriction-aware generic page views for CRM items.

Every view here reads through ``Model.objects.restrict(user, action)`` (an item outside it is a
404) and writes through the service functions a subclass names, so the rights and the rules of
``services.py`` hold on every page without a line of permission code in the apps.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accessrights.restriction import allowed, check, may
from crm.items import EditConflict

from . import list_columns
from .bulk import bulk_job_start
from .cards import card_sections, card_select_related, readable_links
from .dependencies import dependent_panels
from .entities import entity_type_of, services_of
from .filterspecs import in_list_order, spec_from_query
from .forms import posted_arrangement
from .history import comment_add
from .item_marks import mark_items
from .models import FilterPreset
from .pagination import PeekPage, capped_count
from .timelines import card_timeline

PAGE_SIZES = (20, 50, 100, 200)
_list_links: list = []


def register_list_link(link) -> None:
    """An app's action in the menu of every item list: ``link(entity_type, user)`` gives
    ``(label, url)``, or None where it does not apply (imports, exports)."""
    _list_links.append(link)


_bulk_buttons: list = []


def register_bulk_button(button) -> None:
    """An app's button in the bulk bar of every item list: ``button(entity_type, user)`` gives
    ``(label, url)``, or None where it does not apply. The bulk form (the selected ids, the
    scope and the list's query) is posted to ``url`` (call lists)."""
    _bulk_buttons.append(button)


# Query parameters of a list page that say how to show it, not which items it holds.
PAGE_PARAMS = ("page", "per_page", "count")
DEFAULT_PAGE_SIZE = 50


class RestrictedItemMixin(LoginRequiredMixin):
    """Reads an item of ``model`` through restrict(); anything outside it is a 404."""

    model = None
    action = "read"
    select_related: tuple = ()
    prefetch_related: tuple = ()

    def restricted(self, action: str | None = None) -> QuerySet:
        return (
            self.model.objects.restrict(self.request.user, action or self.action)
            .select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
        )

    def http_method_not_allowed(self, request, *args, **kwargs):
        """A 405 page in the site layout (Django's is empty)."""
        response = super().http_method_not_allowed(request, *args, **kwargs)
        response.content = render_to_string("405.html", request=request)
        response["Content-Type"] = "text/html; charset=utf-8"
        return response

    def get_object(self, action: str | None = None):
        """The item of the URL: 404 when the user may not read it, 403 when they may read
        but not ``action`` it."""
        item = get_object_or_404(self.restricted("read"), pk=self.kwargs["pk"])
        action = action or self.action
        if action != "read":
            check(self.request.user, action, item)
        return item


def safe_next(request, fallback: str) -> str:
    """The ``next`` URL of a post if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


class ItemListView(RestrictedItemMixin, TemplateView):
    """A filtered, sortable, paginated list of items with saved filters and bulk actions.

    Pages are found without counting the list (counting a manager's share of a million rows
    costs more than the page itself); the total is counted on request (``?count=1``), as in
    Bitrix24's "show total" link.
    """

    template_name = "generic/item_list.html"
    filterset_class = None
    list_name = ""  # key of saved filter presets, e.g. "companies"
    title_label = ""  # the first column: the item itself, linked to its card
    title_fields: tuple[str, ...] = ()  # the catalogue fields it shows (not columns of their own)
    default_columns: tuple[str, ...] = ()  # catalogue codes (and created_at, modified_at)
    bulk_url_name = ""

    @property
    def entity_key(self) -> str:
        return entity_type_of(self.model).key

    def columns(self) -> list:
        if not hasattr(self, "_columns"):
            self._columns = list_columns.columns_for(
                self.request.user, self.entity_key, self.filterset_class,
                default=self.default_columns, exclude=self.title_fields,
            )  # fmt: skip
        return self._columns

    def get_queryset(self) -> QuerySet:
        columns = self.columns()
        return (
            self.restricted()
            .select_related(*list_columns.select_related(columns))
            .prefetch_related(*list_columns.prefetches(columns, self.request.user))
            .order_by("-id")
        )

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", DEFAULT_PAGE_SIZE))
        except ValueError:
            return DEFAULT_PAGE_SIZE
        return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset_class(
            self.request.GET, queryset=self.get_queryset(), request=self.request
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("count", None)
        if "count" in self.request.GET:
            context["count"], context["count_is_capped"] = capped_count(filterset.qs)
            return context
        # Ties broken by id, as the export of the list writes them.
        page = PeekPage(in_list_order(filterset.qs), self.request.GET.get("page"), self.page_size())
        columns = self.columns()
        mark_items(self.model, page.object_list, self.request.user)
        keys = list_columns.sort_keys(self.filterset_class)
        context.update(
            filterset=filterset,
            page=page,
            columns=columns,
            rows=list_columns.rows(list(page), columns, self.request.user),
            title_column=(self.title_label, keys.get(self.title_fields[0], "")),
            column_choices=self.column_choices(columns),
            column_groups=(("shown", _("Shown columns")), ("hidden", _("Other fields"))),
            filter_skip=("q", "ordering"),
            list_links=self.list_links(),
            ordering=self.request.GET.get("ordering", ""),
            query=query.urlencode(),
            page_sizes=PAGE_SIZES,
            presets=FilterPreset.objects.filter(user=self.request.user, list_name=self.list_name),
            list_name=self.list_name,
            entity_key=self.entity_key,
            can_export=may(self.request.user, "export", self.model),
            **self.actions_allowed(),
            bulk_url=reverse(self.bulk_url_name),
            bulk_buttons=self.bulk_buttons,
            model_meta=self.model._meta,
        )
        return context

    def post(self, request, *args, **kwargs):
        """Keeps the columns the user chose in the columns chooser (each field's place and
        position), or forgets them (``reset``); then back to the list."""
        back = redirect(safe_next(request, request.path))
        if "reset" in request.POST:
            list_columns.columns_reset(user=request.user, entity_key=self.entity_key)
            messages.success(request, _("The list shows its default columns again."))
            return back
        available = list_columns.available_columns(
            self.entity_key, self.filterset_class, self.title_fields
        )
        try:
            list_columns.columns_set(
                user=request.user, entity_key=self.entity_key,
                codes=posted_arrangement(request.POST, [column.code for column in available]),
                filterset_class=self.filterset_class, exclude=self.title_fields,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Columns saved."))
        return back

    def actions_allowed(self) -> dict:
        """Which buttons and bulk actions the list shows: only what the user may do."""
        user = self.request.user
        can_update, can_delete = may(user, "update", self.model), may(user, "delete", self.model)
        return {
            "can_add": may(user, "add", self.model),
            "can_update": can_update,
            "can_delete": can_delete,
            "can_bulk": can_update or can_delete or bool(self.bulk_buttons),
        }

    def list_links(self) -> list[tuple]:
        item_type, user = entity_type_of(self.model), self.request.user
        return [shown for link in _list_links if (shown := link(item_type, user))]

    @cached_property
    def bulk_buttons(self) -> list[tuple]:
        item_type, user = entity_type_of(self.model), self.request.user
        return [shown for button in _bulk_buttons if (shown := button(item_type, user))]

    def column_choices(self, columns) -> list:
        """Every column this list can show, the shown ones first in their order:
        ``[(column, "shown" or "hidden"), ...]`` for the columns chooser."""
        shown = {c.code for c in columns}
        available = list_columns.available_columns(
            self.entity_key, self.filterset_class, self.title_fields
        )
        hidden = [(c, "hidden") for c in available if c.code not in shown]
        return [(c, "shown") for c in columns] + hidden

    def get_template_names(self):
        if "count" in self.request.GET:
            return ["generic/_item_count.html"]
        if self.request.htmx and self.request.htmx.target == "results":
            return ["generic/_item_results.html"]
        return [self.template_name]


class ItemView(RestrictedItemMixin, TemplateView):
    """An item's card: details in the sections of its type's layout (``crm.cards``), with the
    linked items the reader may read (``links``), the timeline (``crm.timelines``: what is
    planned, then what happened) and dependencies tabs."""

    template_name = ""
    tabs = ("details", "history", "dependencies")

    @property
    def entity_key(self) -> str:
        return entity_type_of(self.model).key

    @property
    def select_related(self):
        return card_select_related(self.entity_key)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.get_object()
        tab = self.request.GET.get("tab", "details")
        if tab not in self.tabs:
            tab = "details"
        user = self.request.user
        context.update(
            object=item,
            tab=tab,
            model_meta=self.model._meta,
            can_update=allowed(user, "update", item),
            can_delete=allowed(user, "delete", item),
        )
        if tab == "details":
            links = readable_links(self.entity_key, item, self.request.user)
            context.update(links=links, card_sections=card_sections(self.entity_key, item, links))
        if tab == "history":
            query = self.request.GET
            context["timeline"] = card_timeline(
                item, self.request.user, query.get("kind", ""), query.get("before", "")
            )
        if tab == "dependencies":
            context["dependent_panels"] = dependent_panels(item, user)
        return context


class ItemCommentView(RestrictedItemMixin, TemplateView):
    """Adds a comment to an item's history."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        try:
            comment_add(user=request.user, item=item, text=request.POST.get("text", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(f"{item.get_absolute_url()}?tab=history")


class ItemBulkView(RestrictedItemMixin, TemplateView):
    """Applies a bulk action to the selected ids, all of them or none, with a message; or,
    with ``scope=filter``, to every item of the list's filter (``query``, the list's query
    string) as a background job (``crm.bulk``), whose progress page it opens. A filter that
    is not valid on this list is a 400 naming it: it would otherwise widen the list."""

    http_method_names = ["post"]
    list_url_name = ""
    filterset_class = None
    actions: dict = {}  # name -> crm.bulk.BulkAction

    def post(self, request, *args, **kwargs):
        back = safe_next(request, reverse(self.list_url_name))
        name = request.POST.get("action", "")
        action = self.actions.get(name)
        if action is None:
            messages.error(request, _("Choose an action."))
            return HttpResponseRedirect(back)
        value = request.POST.get("value")
        if request.POST.get("scope") == "filter":
            return self.start_job(name, value, back)
        try:
            count = action.apply(request.user, request.POST.getlist("ids"), action.fields(value))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, _("You do not have the right to do this."))
        else:
            messages.success(request, _("Done: %d items.") % count)
        return HttpResponseRedirect(back)

    def start_job(self, name: str, value, back: str):
        query = QueryDict(self.request.POST.get("query", ""), mutable=True)
        for param in PAGE_PARAMS:
            query.pop(param, None)
        try:
            spec = spec_from_query(self.filterset_class, query)
        except ValidationError as exc:
            reasons = [f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()]
            return render(self.request, "400.html", {"reasons": reasons}, status=400)
        try:
            job = bulk_job_start(
                user=self.request.user,
                view=type(self),
                action=name,
                value=value,
                spec=spec,
                back=back,
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(back)
        return redirect("crm:job", job.pk)


class FilterPresetView(LoginRequiredMixin, TemplateView):
    """Saves the current filter of a list under a name, or deletes a saved one."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = safe_next(request, reverse("home"))
        if "delete" in request.POST:
            preset = get_object_or_404(FilterPreset, pk=request.POST["delete"], user=request.user)
            preset.delete()
            return HttpResponseRedirect(back)
        name = request.POST.get("name", "").strip()[:100]
        posted = QueryDict(request.POST.get("query", ""))
        query = QueryDict(mutable=True)
        for key, values in posted.lists():  # empty fields of the filter bar filter nothing
            if key != "page" and any(values):
                query.setlist(key, [value for value in values if value])
        list_name = request.POST.get("list_name", "")[:32]
        if not name or not list_name:
            messages.error(request, _("Give the filter a name."))
            return HttpResponseRedirect(back)
        preset = FilterPreset(
            user=request.user, list_name=list_name, name=name, query=query.urlencode()[:2000]
        )
        try:
            preset.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            FilterPreset.objects.update_or_create(
                user=request.user,
                list_name=list_name,
                name=name,
                defaults={"query": preset.query},
            )
            messages.success(request, _("Filter “%s” saved.") % name)
        return HttpResponseRedirect(back)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ItemEditView(RestrictedItemMixin, TemplateView):
    """Create or edit an item: warns of likely duplicates and never loses a concurrent edit.

    Only the fields this person changed are saved. If someone else saved the item meanwhile,
    their changes to other fields are kept (merged); when both changed the same field, the form
    comes back with both values side by side and the person chooses.
    """

    template_name = "generic/item_edit.html"
    form_class = None
    action = "update"

    def create(self, user, data: dict):
        return services_of(self.model).create_item(user, data)

    def update(self, user, item, expected_version, data: dict):
        return services_of(self.model).update_item(user, item, expected_version, data)

    def find_duplicates(self, form, item) -> list:
        return []

    def initial_for_new(self) -> dict:
        return {}

    def make_form(self, *args, **kwargs):
        """The form, for its reader (choices and snapshots they may read)."""
        return self.form_class(*args, user=self.request.user, **kwargs)

    def current_item(self):
        return self.get_object("update") if "pk" in self.kwargs else None

    def render_form(self, form, item, **extra):
        context = self.get_context_data(form=form, object=item, model_meta=self.model._meta)
        context.update(extra)
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        item = self.current_item()
        initial = {} if item else self.initial_for_new()
        return self.render_form(self.make_form(instance=item, initial=initial), item)

    def post(self, request, *args, **kwargs):
        item = self.current_item()
        form = self.make_form(request.POST, instance=item)
        if not form.is_valid():
            return self.render_form(form, item)
        if not form.cleaned_data["confirm_duplicates"]:
            duplicates = self.find_duplicates(form, item)
            if duplicates:
                return self.render_form(form, item, duplicates=duplicates)
        try:
            if item is None:
                saved = self.create(request.user, form.service_data())
            else:
                saved = self.save_changes(form, item)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_form(form, item)
        except EditConflict as conflict:
            return self.render_conflict(form, conflict)
        messages.success(request, _("Saved."))
        return redirect(saved.get_absolute_url())

    def save_changes(self, form, item):
        # After a conflict, "take theirs" on a field means: leave it as it is now.
        changed = [
            name
            for name in form.changed_fields()
            if self.request.POST.get(f"choose_{name}") != "theirs"
        ]
        data = form.service_data(changed)
        try:
            return self.update(self.request.user, item, form.cleaned_data["version"], data)
        except EditConflict as conflict:
            submitted = form.full_submitted_snapshot()
            conflict.clashes = {
                field: theirs
                for field, theirs in conflict.theirs.items()
                if field in changed and submitted[field] != theirs["current"]
            }
            if conflict.clashes:
                conflict.changed = changed
                raise
        saved = self.update(self.request.user, item, None, data)
        messages.info(
            self.request,
            _("Someone else changed other fields meanwhile; their changes are kept too."),
        )
        return saved

    def render_conflict(self, form, conflict):
        fresh = self.get_object("update")
        submitted = form.full_submitted_snapshot()
        mine = {field: form.cleaned_data[field] for field in conflict.changed}
        clashes = [
            {**theirs, "field": field, "mine": submitted[field]}
            for field, theirs in conflict.clashes.items()
        ]
        return self.render_form(
            self.make_form(instance=fresh, initial=mine), fresh, conflicts=clashes
        )


class ItemDeleteView(RestrictedItemMixin, TemplateView):
    """Asks, then deletes an item through its service."""

    template_name = "generic/item_delete.html"
    action = "delete"
    list_url_name = ""
    # delete() below is the service hook, not a handler of the HTTP DELETE method.
    http_method_names = ["get", "post", "head", "options"]

    def delete(self, user, item):
        services_of(self.model).delete_item(user, item)

    def get(self, request, *args, **kwargs):
        item = self.get_object()
        return self.render_to_response(
            self.get_context_data(object=item, model_meta=self.model._meta)
        )

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        self.delete(request.user, item)
        messages.success(request, _("“%s” was deleted.") % item)
        return redirect(self.list_url_name)
