"""The Django admin of CRM items: reads through restrict(), writes through the item services.

``ItemAdmin`` is what every item type's admin builds on. Its lists show only the rows
``restrict()`` allows, count once, sort only by indexed columns and never name a linked item
their reader may not read; every save and delete goes through the type's services with
``user=request.user`` (a subclass's ``save_model``/``delete_model``), passing only the fields
the form changed, so the admin records the same history and obeys the same rights as the
pages and the API.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import restricted_relations
from timeline.models import Event

from .entities import entity_type_of, services_of
from .fields import layout
from .history import render_for_reader
from .items import EditConflict
from .services import ItemSpec, items_bulk_delete

ITEM_READ_ONLY = ["created_at", "created_by", "modified_at", "modified_by"]


class IndexedChangeList(ChangeList):
    """Sorts only as an index reads: ``sortable_by`` holds for hand-made ``?o=`` links too, and
    a sort column is completed the way its index is (``name`` -> ``name, id``, both ways)."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        first = ordering[0] if ordering else None
        if isinstance(first, str):
            descending = first.startswith("-")
            index = self.model_admin.index_orderings.get(first.removeprefix("-"))
            if index:
                return [f"-{name}" if descending else name for name in index]
        return ordering


class ReaderChangeList(IndexedChangeList):
    """A page of items whose links to CRM items their reader may not read are marked (one
    query per kind of link), so that the list does not name them."""

    def get_results(self, request):
        super().get_results(request)
        self.model_admin.mark_hidden_links(request, self.result_list)


HIDDEN_TEXT = _("an item you may not see")


class ServiceErrorsMixin:
    """A refusal that still comes from a service (someone else's change in between) rolls the
    save back and shows as a message instead of an error page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _hidden_link_display(name: str, label):
    """What the admin shows for link ``name``: the item, unless its reader may not read it."""

    @admin.display(description=label)
    def shown(obj):
        if name in getattr(obj, "hidden_links", ()):
            return HIDDEN_TEXT
        related = getattr(obj, name)
        return None if related is None else str(related)

    return shown


class ItemAdmin(admin.ModelAdmin):
    """What the item admins share: the restricted queryset and writes through services.

    A link to another CRM item (a deal's company) is shown, in lists and forms, only to those
    who may read that item; for others it is "an item you may not see", read-only, and it
    stays as it is when they save.
    """

    spec: ItemSpec
    index_orderings: dict[str, tuple[str, ...]] = {}
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ["responsible"]
    readonly_fields = ITEM_READ_ONLY

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.links = restricted_relations(model)
        for name in self.links:
            label = model._meta.get_field(name).verbose_name
            setattr(self, f"hidden_{name}", _hidden_link_display(name, label))

    def get_changelist(self, request, **kwargs):
        return ReaderChangeList

    def get_fieldsets(self, request, obj=None):
        """The admin's fields in the sections of the item type's layout (``crm.fields``),
        then those of no section (links, bookkeeping)."""
        names = list(self.get_fields(request, obj))
        fieldsets = []
        for section, fields in layout(entity_type_of(self.model).key):
            codes = [code for f in fields for code in (f.code, f"hidden_{f.code}")]
            members = [code for code in codes if code in names]
            if members:
                fieldsets.append((section.label, {"fields": members}))
        placed = {name for _label, options in fieldsets for name in options["fields"]}
        rest = [name for name in names if name not in placed]
        return [*fieldsets, *([(None, {"fields": rest})] if rest else [])]

    def get_list_display(self, request):
        return [
            f"hidden_{name}" if name in self.links else name
            for name in super().get_list_display(request)
        ]

    def mark_hidden_links(self, request, items) -> None:
        """Set ``hidden_links`` on each item: its links its reader may not read."""
        for name, model in self.links.items():
            ids = {getattr(item, f"{name}_id") for item in items} - {None}
            readable = set(
                model.objects.restrict(request.user, "read")
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            for item in items:
                if getattr(item, f"{name}_id") not in readable | {None}:
                    item.hidden_links = {*getattr(item, "hidden_links", ()), name}

    def _hidden(self, obj) -> set[str]:
        return set(getattr(obj, "hidden_links", ())) if obj is not None else set()

    def get_readonly_fields(self, request, obj=None):
        hidden = [f"hidden_{name}" for name in self._hidden(obj)]
        return [*super().get_readonly_fields(request, obj), *hidden]

    def get_queryset(self, request):
        queryset = self.model.objects.restrict(request.user, "read")
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_fields(self, request, obj=None):
        hidden = self._hidden(obj)
        fields = [
            f"hidden_{name}" if name in hidden else name
            for name in super().get_fields(request, obj)
        ]
        if obj is None:  # a new item has no history or related rows to show yet
            hidden = set(self.get_readonly_fields(request, obj))
            fields = [name for name in fields if name not in hidden]
        return fields

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.admin_reader = request.user  # for the read-only lists of related items
            self.mark_hidden_links(request, [obj])
        return obj

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, "read")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"responsible": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one confirmation page for many rows: not here
        return actions

    def service_fields(self, form, change: bool) -> dict:
        """The values to hand to the service: the changed ones on update, all on create."""
        names = form.changed_data if change else form.cleaned_data
        return {name: form.cleaned_data[name] for name in names if name in self.spec.fields}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The forms check what the services check; a refusal that still comes from a service
        # (someone else's change in between) rolls back and shows as a message.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, EditConflict) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Through the item type's registered services; a type with links to write as well
        (a contact's companies, a deal's contacts) overrides this."""
        services = services_of(self.model)
        fields = self.service_fields(form, change)
        if change:
            services.update_item(request.user, obj, None, fields)
        else:
            obj.pk = services.create_item(request.user, fields).pk

    def delete_model(self, request, obj):
        services_of(self.model).delete_item(request.user, obj)

    def delete_queryset(self, request, queryset):
        items_bulk_delete(
            user=request.user, spec=self.spec, ids=list(queryset.values_list("pk", flat=True))
        )


# History events: read-only. Superusers see every event, including those of deleted items
# (auditors read them); other staff see the events of the items they may read, rendered for
# them (no hidden item named), so the admin shows no more than the item pages do.


def _readable_items(user) -> Q:
    """Events of the items ``user`` may read, for every model that has ``restrict()``."""
    condition = Q(pk__in=[])
    for model in apps.get_models():
        if hasattr(model._default_manager, "restrict"):
            condition |= Q(
                item_type=ContentType.objects.get_for_model(model),
                item_id__in=model._default_manager.restrict(user, "read").values("pk"),
            )
    return condition


class EventChangeList(ChangeList):
    """The page of events as its reader may read them (no hidden item named)."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = render_for_reader(self.result_list, request.user)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "kind", "item", "actor", "related_label"]
    list_display_links = ["id", "created_at"]
    list_select_related = ["item_type", "author", "on_behalf_of"]
    list_filter = ["kind", "item_type"]
    sortable_by = []  # newest first by primary key; no other ordering is indexed
    ordering = ["-id"]
    search_fields = ["item_id"]
    search_help_text = _("The number of an item (choose its kind in the filter).")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = [
        "created_at", "kind", "item", "item_version", "author", "door", "door_id",
        "on_behalf_of", "change_list", "text",
        "related_type", "related_id", "related_label",
    ]  # fmt: skip
    readonly_fields = fields

    def get_changelist(self, request, **kwargs):
        return EventChangeList

    def get_object(self, request, object_id, from_field=None):
        event = super().get_object(request, object_id, from_field)
        return None if event is None else render_for_reader([event], request.user)[0]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(_readable_items(request.user))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if not term.isdigit():
            return queryset.none(), False
        return queryset.filter(item_id=int(term)), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("item"))
    def item(self, obj):
        label = f"{obj.item_type.name} #{obj.item_id}"
        try:
            url = reverse(
                f"admin:{obj.item_type.app_label}_{obj.item_type.model}_change",
                args=[obj.item_id],
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("by"))
    def actor(self, obj):
        return obj.actor_line()

    @admin.display(description=_("changes"))
    def change_list(self, obj):
        return format_html_join(
            "",
            "<div>{}: {} → {}</div>",
            ((c.get("label"), _shown(c, "old"), _shown(c, "new")) for c in obj.changes or []),
        )


def _shown(change: dict, side: str) -> str:
    return str(_("an item you may not see")) if change.get(f"{side}_hidden") else change[side]
