"""Django admin for web forms: read-only views, the settings right to see them at all.

Forms are made and changed in the builder (``/webforms/``), whose checks are the services';
the admin links there and deletes through ``webform_delete``. Submissions are shown as they
came (every value escaped by the admin), retried and their spam deleted through the services.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accessrights.rules import can_change_settings

from . import services
from .models import Submission, SubmissionStatus, WebForm
from .reading import created_items


class SettingsRightOnly:
    """Seen by staff with the settings right; nothing is added or changed here."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and can_change_settings(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebForm)
class WebFormAdmin(SettingsRightOnly, admin.ModelAdmin):
    list_display = ("name", "scheme", "active", "proof_of_work", "builder")
    list_filter = ("active", "scheme")
    search_fields = ("name",)
    exclude = ("responsibles",)
    readonly_fields = ("builder",)

    @admin.display(description=_("builder"))
    def builder(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("webforms:form_edit", args=[obj.pk]),
                           _("Edit in the builder"))  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, through the service
        return actions

    def delete_model(self, request, obj):
        services.webform_delete(user=request.user, form=obj)

    def get_deleted_objects(self, objs, request):
        # The form's submissions go with it (the service says so), though none is deleted alone.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected


@admin.register(Submission)
class SubmissionAdmin(SettingsRightOnly, admin.ModelAdmin):
    list_display = ("id", "form", "received_at", "status", "origin", "ip")
    list_filter = ("status", "form")
    list_select_related = ("form",)
    actions = ("retry", "delete_spam")
    exclude = ("created",)  # ids of items the reader may not read would name them

    def get_readonly_fields(self, request, obj=None):
        @admin.display(description=_("created"))
        def created(submission):  # only what this reader may read (an admin is shared)
            items = created_items([submission], request.user)[submission.pk]
            links = ((item.get_absolute_url(), item) for item in items)
            return format_html_join(", ", '<a href="{}">{}</a>', links) or "—"

        return [*super().get_readonly_fields(request, obj), created]

    def has_delete_permission(self, request, obj=None):
        return False  # spam is deleted by the action, the rest is kept

    @admin.action(description=_("Retry the selected failed submissions"))
    def retry(self, request, queryset):
        done = 0
        for submission in queryset.filter(status=SubmissionStatus.FAILED):
            try:
                submission = services.submission_retry(user=request.user, submission=submission)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            done += submission.status == SubmissionStatus.PROCESSED
        said = ngettext("%d submission processed.", "%d submissions processed.", done)
        self.message_user(request, said % done)

    @admin.action(description=_("Delete the spam of the selected submissions' forms"))
    def delete_spam(self, request, queryset):
        forms = WebForm.objects.filter(pk__in=queryset.values("form_id"))
        deleted = sum(services.submissions_purge_spam(user=request.user, form=f) for f in forms)
        said = ngettext("%d spam submission deleted.", "%d spam submissions deleted.", deleted)
        self.message_user(request, said % deleted)
