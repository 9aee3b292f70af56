"""The filters every CRM item list shares: responsible person, dates, ordering."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from .widgets import FastSelectMultiple


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


class ItemFilterSet(django_filters.FilterSet):
    responsible = django_filters.ModelMultipleChoiceFilter(
        label=_("Responsible"), queryset=active_users(), widget=FastSelectMultiple
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=DateRangeWidget(attrs={"type": "date"})
    )
    modified_at = django_filters.DateFromToRangeFilter(
        label=_("Modified"), widget=DateRangeWidget(attrs={"type": "date"})
    )
