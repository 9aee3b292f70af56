"""A read-only Django admin for history events: history is written by services, never by hand.

Superusers see every event, including those of deleted items (auditors read them); other staff
see the events of the items they may read (``restrict()`` of each kind of CRM item), so the
admin shows no more than the item pages do.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Event
from .services import render_for_reader


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


class ReaderChangeList(ChangeList):
    """The page of events as its reader may read them (no hidden item named)."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = render_for_reader(self.result_list, request.user)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "kind", "item", "author", "related_label"]
    list_display_links = ["id", "created_at"]
    list_select_related = ["item_type", "author"]
    list_filter = ["kind", "item_type"]
    sortable_by = []  # newest first by primary key; no other ordering is indexed
    ordering = ["-id"]
    search_fields = ["item_id"]
    search_help_text = _("The number of an item (choose its kind in the filter).")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = [
        "created_at", "kind", "item", "item_version", "author", "change_list", "text",
        "related_type", "related_id", "related_label",
    ]  # fmt: skip
    readonly_fields = fields

    def get_changelist(self, request, **kwargs):
        return ReaderChangeList

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

    @admin.display(description=_("changes"))
    def change_list(self, obj):
        return format_html_join(
            "",
            "<div>{}: {} → {}</div>",
            ((c.get("label"), _shown(c, "old"), _shown(c, "new")) for c in obj.changes or []),
        )


def _shown(change: dict, side: str) -> str:
    return str(_("an item you may not see")) if change.get(f"{side}_hidden") else change[side]
