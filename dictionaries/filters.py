from django.utils.text import capfirst
from django_filters import MultipleChoiceFilter

from crm.widgets import FastSelectMultiple

from .models import Entry


class EntryCodeFilter(MultipleChoiceFilter):
    """Filter items by reference values given as entry codes (``?type=CUSTOMER&type=PARTNER``).

    The codes are resolved to ids first, so the item query compares plain foreign keys.
    """

    def __init__(self, *args, list_code: str, **kwargs):
        self.list_code = list_code
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):  # once per FilterSet instance, i.e. per request
            field = super().field
            field.widget = FastSelectMultiple()
            field.choices = list(Entry.objects.of_list(self.list_code).values_list("code", "name"))
        return self._field

    def filter(self, qs, value):
        if not value:
            return qs
        ids = list(
            Entry.objects.filter(list_code=self.list_code, code__in=value).values_list(
                "pk", flat=True
            )
        )
        return qs.filter(**{f"{self.field_name}__in": ids})


def entry_filter(field) -> EntryCodeFilter:
    """The filter of a catalogue field holding an entry of a reference list (registered with
    ``crm.filters.register_list_filter``)."""
    return EntryCodeFilter(
        field_name=field.code, label=capfirst(field.label), list_code=field.reference_list
    )
