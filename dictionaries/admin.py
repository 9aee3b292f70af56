"""Django admin for reference lists and pipelines; every save and delete goes through services.

The forms validate with the services' own validators, so a refused change shows as a form error;
ordering is changed on the settings pages (drag and drop), where the whole new order is sent.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from . import services
from .models import Entry, Pipeline


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["list_code", "pipeline", "code", "name", "color", "semantics"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].required = False
            self.fields["code"].help_text = "Leave empty to generate one."

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            _, code, _ = services.entry_validate_new(
                list_code=cleaned.get("list_code", ""),
                code=cleaned.get("code", ""),
                semantics=cleaned.get("semantics", ""),
                pipeline=cleaned.get("pipeline"),
            )
            cleaned["code"] = code
        return cleaned


class ServiceDeleteMixin:
    """Refuse a forbidden delete with the service's message instead of an error page."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would skip the per-item rules
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            try:
                self.validate_delete(obj)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return redirect(
                    f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk
                )
        return super().delete_view(request, object_id, extra_context)


@admin.register(Entry)
class EntryAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    form = EntryForm
    list_display = [
        "name",
        "code",
        "list_code",
        "pipeline",
        "sort",
        "color",
        "semantics",
        "is_system",
    ]
    list_filter = ["list_code", "pipeline", "is_system", "semantics"]
    search_fields = ["name", "code", "original_name"]
    ordering = ["list_code", "pipeline", "sort"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["original_name", "sort", "is_system"]
        return ["list_code", "pipeline", "code", "semantics", "original_name", "sort", "is_system"]

    def get_fields(self, request, obj=None):
        return [*EntryForm.Meta.fields, "original_name", "sort", "is_system"]

    def save_model(self, request, obj, form, change):
        if change:
            services.entry_update(user=request.user, entry=obj, name=obj.name, color=obj.color)
        else:
            created = services.entry_create(
                user=request.user,
                list_code=obj.list_code,
                name=obj.name,
                code=obj.code,
                color=obj.color,
                semantics=obj.semantics,
                pipeline=obj.pipeline,
            )
            obj.pk = created.pk

    def validate_delete(self, obj):
        services.entry_validate_delete(obj)

    def delete_model(self, request, obj):
        services.entry_delete(user=request.user, entry=obj)


class StageInline(admin.TabularInline):
    model = Entry
    fields = ["code", "name", "color", "semantics", "sort", "is_system"]
    readonly_fields = fields
    ordering = ["sort"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj):
        return False


@admin.register(Pipeline)
class PipelineAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    fields = ["name", "sort", "is_default"]
    list_display = ["name", "sort", "is_default"]
    readonly_fields = ["sort", "is_default"]
    inlines = [StageInline]

    def save_model(self, request, obj, form, change):
        if change:
            services.pipeline_update(user=request.user, pipeline=obj, name=obj.name)
        else:
            obj.pk = services.pipeline_create(user=request.user, name=obj.name).pk

    def get_inlines(self, request, obj):
        return self.inlines if obj else []  # a new pipeline gets its stages from the service

    def validate_delete(self, obj):
        services.pipeline_validate_delete(obj)

    def delete_model(self, request, obj):
        services.pipeline_delete(user=request.user, pipeline=obj)
