"""The Django admin of activities: read through ``restrict()``, written through
``activities.services``, so it shows and allows exactly what the pages and the API do.

Staff change what is planned, complete the ticked activities (an action) and delete one at a
time; they add none here (an activity is planned on its item's card or through the API,
which name its item). An item the reader may not read is not named.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import allowed
from crm.admin import HIDDEN_TEXT, ServiceErrorsMixin

from . import services
from .items import name_items
from .models import Activity

BOOKKEEPING = ["created_at", "created_by", "modified_at", "modified_by"]


@admin.register(Activity)
class ActivityAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    list_display = ["subject", "kind", "deadline", "responsible", "done", "item_link"]
    list_filter = ["kind", "done"]
    list_select_related = ["responsible"]
    search_fields = ["subject"]
    sortable_by = []  # newest first by primary key
    ordering = ["-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ["responsible"]
    fields = [
        "kind", "subject", "description", "deadline", "duration", "responsible", "item_link",
        "done", "completed_at", "completed_by", "result", *BOOKKEEPING,
    ]  # fmt: skip
    readonly_fields = ["item_link", "done", "completed_at", "completed_by", "result",
                       *BOOKKEEPING]  # fmt: skip
    actions = ["complete_selected"]

    def get_queryset(self, request):
        return Activity.objects.restrict(request.user, "read")

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)

        class NamingChangeList(changelist):
            def get_results(self, request):
                super().get_results(request)
                self.result_list = name_items(self.result_list, request.user)

        return NamingChangeList

    def get_object(self, request, object_id, from_field=None):
        activity = super().get_object(request, object_id, from_field)
        return None if activity is None else name_items([activity], request.user)[0]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        may = super().has_change_permission(request, obj)
        return may and (obj is None or allowed(request.user, "update", obj))

    def has_delete_permission(self, request, obj=None):
        may = super().has_delete_permission(request, obj)
        return may and (obj is None or allowed(request.user, "delete", obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through the service
        return actions

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data
                  if name in services.FIELDS}  # fmt: skip
        services.activity_update(user=request.user, activity=obj, **fields)

    def delete_model(self, request, obj):
        services.activity_delete(user=request.user, activity=obj)

    @admin.action(description=_("Complete the selected activities"))
    def complete_selected(self, request, queryset):
        try:
            count = services.activities_bulk_complete(
                user=request.user, ids=list(queryset.values_list("pk", flat=True))
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("Done: %d activities.") % count, messages.SUCCESS)

    @admin.display(description=_("item"))
    def item_link(self, obj):
        item = getattr(obj, "readable_item", None)
        if item is None:
            return HIDDEN_TEXT
        meta = item._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
        except NoReverseMatch:
            return str(item)
        return format_html('<a href="{}">{}</a>', url, item)
