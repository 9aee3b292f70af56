"""The parameters every report takes, read from a page's form or an API query alike: a period
(this month, last month, this quarter, this year, or custom dates, in the reader's time zone),
a pipeline the reader may read, and people (a responsible user, or a department with its
sub-departments); and the items they select, always under the reader's rights."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accessrights.models import Department
from deals.models import Deal, Lead
from dictionaries.models import Pipeline

PERIODS = [
    ("month", gettext_lazy("This month")),
    ("last_month", gettext_lazy("Last month")),
    ("quarter", gettext_lazy("This quarter")),
    ("year", gettext_lazy("This year")),
    ("custom", gettext_lazy("Custom dates")),
]
INTERVALS = [("month", gettext_lazy("per month")), ("week", gettext_lazy("per week"))]
LONGEST = 3660  # days: ten years, enough for any sales history, not a scan of all time


@dataclass(frozen=True)
class Parameters:
    """A validated request: ``[start, end)`` as aware moments of the reader's time zone."""

    start: datetime
    end: datetime
    pipeline: Pipeline | None
    responsible: object | None
    department: Department | None
    interval: str

    def deals(self, user):
        """The deals the report counts: those ``user`` may read, of the people asked for."""
        return Deal.objects.restrict(user, "read").filter(self.people())

    def leads(self, user):
        return Lead.objects.restrict(user, "read").filter(self.people())

    def people(self, responsible: str = "responsible") -> Q:
        """The condition on the people asked for, on the field ``responsible`` holds them."""
        condition = Q()
        if self.responsible is not None:
            condition &= Q(**{responsible: self.responsible.pk})
        if self.department is not None:
            members = get_user_model().objects.filter(
                crm_departments__path__startswith=self.department.path
            )
            condition &= Q(**{f"{responsible}__in": members.values("pk")})
        return condition


class ParametersForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=gettext_lazy("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    pipeline = forms.ModelChoiceField(
        label=gettext_lazy("Pipeline"), queryset=Pipeline.objects.none(), required=False,
        empty_label=gettext_lazy("All pipelines"),
    )  # fmt: skip
    responsible = forms.ModelChoiceField(
        label=gettext_lazy("Responsible"), queryset=get_user_model().objects.none(),
        required=False, empty_label=gettext_lazy("Everyone"),
    )  # fmt: skip
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.all(), required=False,
        empty_label=gettext_lazy("All departments"),
    )  # fmt: skip
    interval = forms.ChoiceField(label=gettext_lazy("Grouped"), choices=INTERVALS,
                                 required=False)  # fmt: skip

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        readable = [p.pk for p in Deal.pipelines_for(user, "read")]
        self.fields["pipeline"].queryset = Pipeline.objects.filter(pk__in=readable)
        self.fields["pipeline"].error_messages["invalid_choice"] = _(
            "Choose a pipeline you may read."
        )
        self.fields["responsible"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["responsible"].label_from_instance = _person

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        period = cleaned.get("period") or "month"
        if period == "custom":
            first, last = cleaned.get("date_from"), cleaned.get("date_to")
            if first is None or last is None:
                raise forms.ValidationError(_("Give both dates of a custom period."))
            if last < first:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (last - first).days > LONGEST:
                raise forms.ValidationError(_("A period is at most ten years long."))
        else:
            first, last = period_dates(period, timezone.localdate())
        cleaned["first"], cleaned["last"] = first, last
        return cleaned

    def parameters(self) -> Parameters:
        """The validated parameters (call after ``is_valid()``)."""
        data = self.cleaned_data
        return Parameters(
            start=_start_of(data["first"]),
            end=_start_of(data["last"] + timedelta(days=1)),
            pipeline=data.get("pipeline"),
            responsible=data.get("responsible"),
            department=data.get("department"),
            interval=data.get("interval") or "month",
        )

    def error_text(self) -> str:
        """Every error in one line, each with its field's label."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            text = " ".join(errors)
            parts.append(f"{label}: {text}" if label else text)
        return " ".join(parts)


def period_dates(period: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period around ``today``."""
    month_start = today.replace(day=1)
    if period == "last_month":
        last = month_start - timedelta(days=1)
        return last.replace(day=1), last
    if period == "quarter":
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return first, _month_end(first.replace(month=first.month + 2))
    if period == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    return month_start, _month_end(month_start)


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _person(user) -> str:
    return user.get_full_name() or user.get_username()
