"""The custom fields settings page: an item type's fields listed, added, edited and deleted
(the settings right; every change through ``dictionaries.custom_fields``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accessrights.decorators import settings_right_required
from crm.entities import entity_type, entity_types
from crm.generic_views import add_service_errors

from . import custom_fields as services
from .models import CustomField


class CustomFieldForm(forms.ModelForm):
    """A field's definition; its options one per line (an option keeps its id while its line
    keeps its place: rename in place, add lines at the end)."""

    option_lines = forms.CharField(
        label=gettext_lazy("Options, one per line"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    default_value = forms.CharField(
        label=gettext_lazy("Default value"), required=False, max_length=255,
        help_text=gettext_lazy("What a new item gets: as you would type it (an option's name)."),
    )  # fmt: skip

    class Meta:
        model = CustomField
        fields = ["label", "kind", "multiple", "required", "help_text", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for fixed in ("kind", "multiple"):  # a field's shape never changes
                self.fields[fixed].disabled = True
            self.initial["option_lines"] = "\n".join(o["label"] for o in self.instance.options)
            self.initial["default_value"] = self._shown_default()

    def _shown_default(self) -> str:
        default = self.instance.default
        labels = {o["id"]: o["label"] for o in self.instance.options}
        return "" if default is None else str(labels.get(default, default))

    def default(self):
        return self.cleaned_data["default_value"].strip() or None

    def options(self) -> list[dict]:
        lines = [line.strip() for line in self.cleaned_data["option_lines"].splitlines()]
        existing = self.instance.options if self.instance.pk else []
        given = []
        for position, label in enumerate(line for line in lines if line):
            option = {"label": label}
            if position < len(existing):
                option["id"] = existing[position]["id"]
            given.append(option)
        return given


def entity_or_404(entity: str):
    try:
        return entity_type(entity)
    except KeyError:
        raise Http404 from None


@settings_right_required
def custom_fields_page(request, entity: str):
    item_type = entity_or_404(entity)
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in CustomFieldForm.Meta.fields}
        try:
            field = services.custom_field_create(
                user=request.user,
                entity=entity,
                options=form.options(),
                default=form.default(),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Field “%(label)s” added as %(code)s.")
                             % {"label": field.label, "code": field.code})  # fmt: skip
            return redirect(reverse("dictionaries:custom_fields", args=[entity]))
    context = {
        "item_type": item_type,
        "item_types": entity_types(),
        "fields": CustomField.objects.filter(entity=entity, deleted_at__isnull=True),
        "form": form,
    }
    return render(request, "dictionaries/custom_fields.html", context)


@settings_right_required
def custom_field_page(request, entity: str, pk: int):
    item_type = entity_or_404(entity)
    field = get_object_or_404(CustomField, pk=pk, entity=entity, deleted_at__isnull=True)
    form = CustomFieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name]
                   for name in ("label", "required", "help_text", "sort")}  # fmt: skip
        changes["default"] = form.default()
        if field.kind == CustomField.Kind.LIST:
            changes["options"] = form.options()
        try:
            services.custom_field_update(user=request.user, field=field, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("dictionaries:custom_fields", args=[entity]))
    context = {"item_type": item_type, "field": field, "form": form}
    return render(request, "dictionaries/custom_field.html", context)


@require_POST
@settings_right_required
def custom_field_delete(request, entity: str, pk: int):
    field = get_object_or_404(CustomField, pk=pk, entity=entity, deleted_at__isnull=True)
    services.custom_field_delete(user=request.user, field=field)
    messages.success(request, _("Field “%s” deleted.") % field.label)
    return redirect(reverse("dictionaries:custom_fields", args=[entity]))
