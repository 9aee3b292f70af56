"""Django admin for requisites: presets are edited through the services, requisites are shown.

Presets with their fields are saved by ``preset_create`` / ``preset_update`` (settings right,
the same checks as the settings pages and the API; the inline is validated with the services'
rules, so a refusal is a form error). Requisites are read-only here (they are edited on company
and contact cards or through the API); deleting one goes through ``requisite_delete``, so it is
recorded in the owner's history. Staff other than superusers see only requisites of companies
and contacts within ``restrict(user, "read")``.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accessrights.rules import can_change_settings
from crm.admin import ServiceErrorsMixin

from . import services
from .identifiers import compact_tax_id
from .models import BankAccount, Preset, PresetField, Requisite

FIELD_ATTRIBUTES = ("code", "label", "kind", "required", "is_tax_id")
ACCOUNT_FIELDS = ("bank_name", "bic", "account_number", "correspondent_account", "iban")


# Presets


class PresetFieldFormSet(forms.BaseInlineFormSet):
    """The fields of a preset, checked as a whole with the rules of ``preset_create``."""

    def rows(self) -> list[dict]:
        """The fields as the services take them, in order, without deleted or empty rows."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            rows.append({name: data.get(name) for name in FIELD_ATTRIBUTES})
        return rows

    def validate_unique(self):
        pass  # duplicate codes are reported by the services' rules in clean()

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            # The services' own rules (there is no public name for them yet).
            services.clean_preset_fields(self.rows())
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict.get("fields", exc.messages)) from None


class PresetFieldInline(admin.TabularInline):
    model = PresetField
    formset = PresetFieldFormSet
    fields = list(FIELD_ATTRIBUTES)
    ordering = ["sort", "id"]
    extra = 1

    # The fields are part of their preset: the preset's permissions (and the settings right)
    # decide, not separate permissions on preset fields.
    def _preset_admin(self):
        return self.admin_site._registry[Preset]

    def has_view_permission(self, request, obj=None):
        return self._preset_admin().has_view_or_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        preset_admin = self._preset_admin()
        if obj is None:
            return preset_admin.has_add_permission(request)
        return preset_admin.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class PresetForm(forms.ModelForm):
    class Meta:
        model = Preset
        fields = ["name", "country", "is_active"]

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").strip().upper()


@admin.register(Preset)
class PresetAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    """Presets of requisites; only holders of the settings right add or change them. A preset
    in use is retired (``active`` off), never deleted."""

    form = PresetForm
    inlines = [PresetFieldInline]
    list_display = ["name", "country", "is_active", "sort", "field_count"]
    list_filter = ["country", "is_active"]
    search_fields = ["name"]
    ordering = ["sort", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fields")

    def get_readonly_fields(self, request, obj=None):
        return ["country"] if obj is not None else []

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_change_settings(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_change_settings(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fields"))
    def field_count(self, obj):
        return len(obj.fields.all())

    def save_model(self, request, obj, form, change):
        pass  # saved with its fields in save_related(), in one service call

    def save_related(self, request, form, formsets, change):
        fields_formsets = [f for f in formsets if isinstance(f, PresetFieldFormSet)]
        fields = fields_formsets[0].rows() if fields_formsets else services.UNSET
        data = form.cleaned_data
        if change:
            preset = services.preset_update(
                user=request.user,
                preset=form.instance,
                name=data["name"],
                is_active=data["is_active"],
                fields=fields,
            )
        else:
            preset = services.preset_create(
                user=request.user,
                name=data["name"],
                country=data["country"],
                fields=() if fields is services.UNSET else fields,
            )
            if not data["is_active"]:
                preset = services.preset_update(user=request.user, preset=preset, is_active=False)
            form.instance.pk = preset.pk
        # The admin's change message reads what the formsets saved; the service saved it all.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# Requisites


class BankAccountInline(admin.TabularInline):
    model = BankAccount
    fields = list(ACCOUNT_FIELDS)
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Requisite)
class RequisiteAdmin(admin.ModelAdmin):
    """Requisites, read-only: they change on company and contact cards and through the API.
    Search by tax identifier, written any way (spaces, dashes)."""

    list_display = ["name", "owner_link", "preset", "tax_id", "is_default", "modified_at"]
    list_select_related = ["company", "contact", "preset"]
    list_filter = ["preset", "is_default"]
    search_fields = ["tax_id"]
    search_help_text = _("A tax identifier (INN, SIREN, EIN...), or its beginning.")
    sortable_by = []  # newest first by primary key
    ordering = ["-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    inlines = [BankAccountInline]
    fields = [
        "owner_link",
        "preset",
        "name",
        "is_default",
        "tax_id",
        "values_list",
        "address_street",
        "address_city",
        "address_region",
        "address_postal_code",
        "address_country",
        "created_at",
        "modified_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return Requisite.objects.restrict(request.user, "read").select_related(
            "company", "contact", "preset"
        )

    def get_search_results(self, request, queryset, search_term):
        compact = compact_tax_id(search_term)
        if not compact:
            return queryset, False
        return queryset.filter(tax_id__startswith=compact), False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through the service
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.requisite_delete(user=request.user, requisite=obj)

    @admin.display(description=_("company or contact"))
    def owner_link(self, obj):
        owner = obj.owner
        url = reverse(f"admin:companies_{owner._meta.model_name}_change", args=[owner.pk])
        return format_html('<a href="{}">{}</a>', url, owner)

    @admin.display(description=_("values"))
    def values_list(self, obj):
        labels = {field.code: field.label for field in obj.preset.fields.all()}
        return format_html_join(
            "",
            "<div>{}: {}</div>",
            ((labels.get(code, code), value) for code, value in obj.values.items()),
        ) or gettext("none")
