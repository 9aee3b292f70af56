"""Shared pieces of item forms: knowing which fields the person changed, and conflicts."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

ORIGINAL_SALT = "crm.item-form.original"


class ItemForm(forms.ModelForm):
    """A form for a CRM item that remembers the values it was opened with.

    ``original`` carries (signed) what the person saw; ``changed_fields()`` are the fields whose
    submitted value differs from it, so a save writes only what this person changed and leaves
    alone what somebody else changed meanwhile. ``snapshot_of(item)`` gives the displayed
    values compared (the same strings the item's history uses), as ``user`` may read them:
    signed is not secret, so a linked item hidden from them is not in it.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_duplicates = forms.BooleanField(
        required=False, label=_("Save anyway: these are not duplicates")
    )
    service_fields: tuple[str, ...] = ()

    def __init__(self, *args, original: dict | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the reader: the snapshot carries nothing they may not read
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version
            self.initial["original"] = signing.dumps(
                original if original is not None else self.snapshot_of(self.instance),
                salt=ORIGINAL_SALT,
                compress=True,
            )

    def _get_validation_exclusions(self):
        # A row chosen in a ModelChoiceField (the responsible person, a reference value) was
        # found by the field's own query, in a queryset no wider than the model's: the model's
        # check that it exists would ask the database a second time.
        exclude = super()._get_validation_exclusions()
        exclude.update(
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelChoiceField)
            and getattr(self, "cleaned_data", {}).get(name) is not None
        )
        return exclude

    def snapshot_of(self, item) -> dict[str, str]:
        raise NotImplementedError

    def submitted_snapshot(self) -> dict[str, str]:
        """The displayed values of what was submitted (call after is_valid())."""
        raise NotImplementedError

    def original_snapshot(self) -> dict[str, str] | None:
        try:
            return signing.loads(self.cleaned_data.get("original") or "", salt=ORIGINAL_SALT)
        except signing.BadSignature:
            return None

    def changed_fields(self) -> list[str]:
        """Fields this person changed; every field when the original is unknown."""
        original = self.original_snapshot()
        submitted = self.submitted_snapshot()
        if original is None:
            return list(self.service_fields)
        return [f for f in self.service_fields if submitted.get(f) != original.get(f)]

    def service_data(self, fields=None) -> dict:
        fields = self.service_fields if fields is None else fields
        return {name: self.cleaned_data[name] for name in fields}
