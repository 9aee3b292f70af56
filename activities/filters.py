"""The ONE definition of a filtered list of activities: "My activities" and the API."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from crm.filters import BooleanFilter, IdField, IdsFilter

from .items import item_type_keys, type_of_key
from .models import Activity, ActivityKind


class _ItemForm(forms.Form):
    def clean(self):
        data = super().clean()
        if bool(data.get("entity")) != (data.get("item_id") is not None):
            raise forms.ValidationError({"item_id": _("Give the item's type and its id together.")})
        return data


class _IdFilter(django_filters.NumberFilter):
    field_class = IdField


class ActivityFilterSet(django_filters.FilterSet):
    """By item (``entity`` and ``item_id`` together: an item the reader may not read finds
    nothing, exactly as an unknown one, so ids cannot be probed), kind, responsible person,
    done or not, and a range of dates of their deadline."""

    entity = django_filters.ChoiceFilter(
        label=_("Item type"), choices=lambda: [(key, key) for key in item_type_keys()],
        method="by_entity",
    )  # fmt: skip
    item_id = _IdFilter(label=_("Item"), method="by_item")
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ActivityKind.choices)
    responsible = IdsFilter(label=_("Responsible"), queryset=get_user_model().objects.all())
    done = BooleanFilter(label=_("Done"))
    deadline = django_filters.DateFromToRangeFilter(
        label=_("When"), widget=DateRangeWidget(attrs={"type": "date"})
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("deadline", "deadline"),
            ("completed_at", "completed"),
            ("created_at", "created"),
            ("id", "id"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Activity
        fields = []
        form = _ItemForm

    # Both together, in filter_queryset(); the hints type them in the API schema.
    def by_entity(self, queryset, name, value: str):
        return queryset

    def by_item(self, queryset, name, value: int):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        key, pk = self.form.cleaned_data.get("entity"), self.form.cleaned_data.get("item_id")
        if not key:
            return queryset
        user = getattr(self.request, "user", None)
        model = type_of_key(key).model_class()
        readable = model.objects.restrict(user, "read").filter(pk=pk).values("pk")
        return queryset.filter(item_type=type_of_key(key), item_id__in=readable)
