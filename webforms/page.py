"""The inputs of a form's page, one per field by the kind of its catalogue field: a list's
entries as a select, a date as a date input, yes/no as a checkbox, e-mails and phones as
their input types, numbers as numbers, the rest as text."""

from dataclasses import dataclass

from crm.fields import FieldKind
from dictionaries.models import Entry

from .spam import HONEYPOT, TOKEN
from .values import form_fields

INPUT_TYPES = {
    FieldKind.DATE: "date",
    FieldKind.DATETIME: "datetime-local",
    FieldKind.DECIMAL: "number",
    FieldKind.INTEGER: "number",
    FieldKind.BOOL: "checkbox",
    FieldKind.EMAILS: "email",
    FieldKind.PHONES: "tel",
    FieldKind.WEBSITES: "url",
}


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    placeholder: str
    required: bool
    type: str  # an <input> type, or "select"
    options: tuple[tuple[str, str], ...]  # (value, label) of a select
    value: str
    errors: tuple[str, ...]
    step: str = ""


def _options(field) -> tuple[tuple[str, str], ...]:
    if field.kind == FieldKind.REFERENCE and field.reference_list:
        entries = Entry.objects.of_list(field.reference_list).values_list("code", "name")
        return tuple(entries)
    return tuple((str(value), str(label)) for value, label in field.choices)


def _input(form_field, values: dict, errors: dict) -> Input | None:
    field = form_fields(form_field.target).get(form_field.code)
    if field is None:
        return None  # deleted since: the form shows the rest
    options = _options(field) if field.kind in (FieldKind.REFERENCE, FieldKind.CHOICE) else ()
    kind = "select" if options else INPUT_TYPES.get(field.kind, "text")
    return Input(
        name=form_field.name, label=form_field.label, placeholder=form_field.placeholder,
        required=form_field.required, type=kind,
        options=options, value=str(values.get(form_field.name) or ""),
        errors=tuple(errors.get(form_field.name, ())),
        step="0.01" if field.kind == FieldKind.DECIMAL else "",
    )  # fmt: skip


def page_context(form, values: dict, errors: dict, token: str) -> dict:
    inputs = [_input(f, values, errors) for f in form.fields.all()]
    return {
        "form": form, "inputs": [one for one in inputs if one is not None],
        "form_errors": errors.get("_form", ()), "token": token,
        "honeypot": HONEYPOT, "token_name": TOKEN,
    }  # fmt: skip
