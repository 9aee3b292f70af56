"""The form builder's page: the form's options as a Django form, and every field a form may
ask for as a candidate the admin drags onto the form (or off it), with its posted name, label,
placeholder and required flag. It reads what was posted; ``webform_create`` /
``webform_update`` check and write it."""

import json
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accessrights.forms import PeopleChoiceField
from dictionaries.models import Entry, Pipeline

from .models import Scheme, Target, WebForm
from .page import field_input
from .values import form_fields

ON_FORM = "form"
OFF_FORM = "off"


class OptionsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    scheme = forms.ChoiceField(label=_("A submission creates"), choices=Scheme.choices)
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.order_by("sort", "id"), required=False
    )
    stage = forms.ModelChoiceField(
        label=_("Stage"), required=False,
        queryset=Entry.objects.filter(list_code="DEAL_STAGE").order_by("pipeline", "sort"),
        help_text=_("Empty: the pipeline's first stage."),
    )  # fmt: skip
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Entry.objects.of_list("SOURCE"), required=False
    )
    responsibles = PeopleChoiceField(
        label=_("Responsible people"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "pk"),
        help_text=_("New items go to each in turn."),
    )
    success_message = forms.CharField(label=_("Success message"), max_length=500, required=False)
    redirect_url = forms.CharField(
        label=_("Redirect URL"), max_length=500, required=False,
        help_text=_("Instead of the message, send the visitor to this address."),
    )  # fmt: skip
    allowed_origins = forms.CharField(
        label=_("Allowed sites"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, such as https://example.com: the sites that may embed it."),
    )  # fmt: skip
    proof_of_work = forms.BooleanField(
        label=_("Proof of work"), required=False,
        help_text=_("The visitor's browser solves a small puzzle before posting: stops bulk "
                    "spam, needs JavaScript."),
    )  # fmt: skip
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The page speaks to each visitor in the first of their languages it has; "
                    "none ticked: every language of the CRM."),
    )  # fmt: skip
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_allowed_origins(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines()
                if line.strip()]  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """A field a form may ask for, as the builder shows it: on the form or not, where, and
    with what it posts and shows."""

    key: str  # "<target>.<code>": the suffix of its inputs' names
    target: str
    code: str
    title: str  # "Company · Phone"
    place: str
    order: int
    name: str
    label: str
    placeholder: str
    required: bool
    preview: str  # JSON of its input for the live preview


def options_initial(form: WebForm) -> dict:
    initial = {name: getattr(form, name) for name in OptionsForm.base_fields}
    initial["allowed_origins"] = "\n".join(form.allowed_origins)
    initial["responsibles"] = list(form.responsibles.all())
    return initial


def _preview(target: str, code: str) -> str:
    one = field_input(target, code)
    return json.dumps({"type": one.type, "options": [label for _value, label in one.options]})


def candidates(form: WebForm | None, posted=None) -> list[Candidate]:
    """Every field of the company, contact and deal a form may ask for: those of ``form``
    first, in its order, then the others; as ``posted`` says when a refused post is shown
    again."""
    present = {(f.target, f.code): f for f in form.fields.all()} if form and form.pk else {}
    rows = []
    for target in Target.values:
        for code, field in form_fields(target).items():
            key = f"{target}.{code}"
            given = present.get((target, code))
            row = {
                "place": ON_FORM if given else OFF_FORM,
                "order": given.position + 1 if given else 1000 + len(rows),
                "name": given.name if given else slugify(f"{target}-{code}"),
                "label": given.label if given else str(field.label).capitalize(),
                "placeholder": given.placeholder if given else "",
                "required": given.required if given else False,
            }
            if posted is not None:
                row.update(_posted(posted, key, row))
            rows.append(Candidate(
                key=key, target=target, code=code,
                title=f"{Target(target).label.capitalize()} · {field.label}",
                preview=_preview(target, code), **row,
            ))  # fmt: skip
    return sorted(rows, key=lambda row: (row.place != ON_FORM, row.order))


def _posted(data, key: str, row: dict) -> dict:
    try:
        order = int(data.get(f"order-{key}") or row["order"])
    except ValueError:
        order = row["order"]
    return {
        "place": ON_FORM if data.get(f"place-{key}") == ON_FORM else OFF_FORM,
        "order": order,
        "name": data.get(f"name-{key}", row["name"]).strip(),
        "label": data.get(f"label-{key}", row["label"]).strip(),
        "placeholder": data.get(f"placeholder-{key}", "").strip(),
        "required": data.get(f"required-{key}") == "on",
    }


def fields_of(rows: list[Candidate]) -> list[dict]:
    """The fields on the form, in their order, as ``webform_create`` takes them."""
    on_form = sorted((row for row in rows if row.place == ON_FORM), key=lambda row: row.order)
    return [
        {"name": row.name, "target": row.target, "code": row.code, "label": row.label,
         "placeholder": row.placeholder, "required": row.required}
        for row in on_form
    ]  # fmt: skip
