"""The forms that plan, change and complete an activity on pages; the services check the
rest (rights, an active responsible person) as for every door."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.naming import PersonChoiceField, people

from .models import Activity

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class ActivityForm(forms.ModelForm):
    """Plan an activity, or change a planned one. ``service_data()`` is what the services
    take."""

    class Meta:
        model = Activity
        fields = ["kind", "subject", "deadline", "duration", "responsible", "description"]
        widgets = {
            "deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_INPUT
            ),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Active people, and the one it is given to now (deactivated since, kept on a save).
        current = Q(pk=self.instance.responsible_id) if self.instance.responsible_id else Q()
        self.fields["responsible"] = PersonChoiceField(
            label=_("Responsible person"), queryset=people(*([current] if current else []))
        )
        self.fields["deadline"].input_formats = [DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CompleteForm(forms.Form):
    result = forms.CharField(
        label=_("Result"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
