"""The inputs of a form's page, one per field by the kind of its catalogue field: a list's
entries as a select, a date as a date input, yes/no as a checkbox, e-mails and phones as
their input types, numbers as numbers, the rest as text."""

import json
from dataclasses import asdict, dataclass

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.fields import FieldKind
from dictionaries.models import Entry

from .pow import FIELD as POW_FIELD
from .spam import HONEYPOT, IDEMPOTENCY, TOKEN
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


def field_input(target: str, code: str, **given) -> Input | None:
    """The input of the catalogue field ``code`` of ``target`` (None when it is no longer one
    a form may ask for), with what ``given`` says of it (``name``, ``label``, ``value``...)."""
    field = form_fields(target).get(code)
    if field is None:
        return None
    options = _options(field) if field.kind in (FieldKind.REFERENCE, FieldKind.CHOICE) else ()
    defaults = {"name": code, "label": str(field.label), "placeholder": "", "required": False,
                "value": "", "errors": ()}  # fmt: skip
    return Input(
        type="select" if options else INPUT_TYPES.get(field.kind, "text"), options=options,
        step="0.01" if field.kind == FieldKind.DECIMAL else "", **{**defaults, **given},
    )  # fmt: skip


def _input(form_field, values: dict, errors: dict) -> Input | None:
    return field_input(
        form_field.target, form_field.code, name=form_field.name, label=form_field.label,
        placeholder=form_field.placeholder, required=form_field.required,
        value=str(values.get(form_field.name) or ""),
        errors=tuple(errors.get(form_field.name, ())),
    )  # fmt: skip


def page_context(form, values: dict, errors: dict, token: str) -> dict:
    return {
        "form": form, "inputs": _inputs(form, values, errors),
        "form_errors": errors.get("_form", ()), "token": token,
        "honeypot": HONEYPOT, "token_name": TOKEN, "pow_name": POW_FIELD,
    }  # fmt: skip


def _inputs(form, values: dict, errors: dict) -> list[Input]:
    inputs = (_input(f, values, errors) for f in form.fields.all())
    return [one for one in inputs if one is not None]  # a field deleted since: the rest


def embed_config(form, absolute) -> dict:
    """What the embed script needs to draw and post ``form``; ``absolute`` makes a path an
    address on our site (the script runs on another)."""
    pow_on = form.proof_of_work
    return {
        "key": form.key,
        "submit": absolute(reverse("webforms:submit", args=[form.key])),
        "token": absolute(reverse("webforms:token", args=[form.key])),
        "challenge": absolute(reverse("webforms:challenge", args=[form.key])) if pow_on else "",
        "solver": absolute(static("js/webform-pow.js")) if pow_on else "",
        "names": {"token": TOKEN, "honeypot": HONEYPOT, "pow": POW_FIELD,
                  "idempotency": IDEMPOTENCY},
        "fields": [
            {**asdict(one), "options": [list(option) for option in one.options]}
            for one in _inputs(form, {}, {})
        ],
        "text": {
            "send": _("Send"), "sending": _("Sending…"), "checking": _("Checking your browser…"),
            "unavailable": _("This form cannot be shown on this site."),
            "failed": _("The form could not be sent: try again in a moment."),
            "tooMany": _("Too many submissions: try again in a moment."),
            "invalid": _("Please correct the fields marked below."),
        },
    }  # fmt: skip


# In a script, "</script>" or "<!--" inside a string would end or hide it.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}  # fmt: skip


def js_literal(value) -> str:
    """``value`` as a JavaScript literal that is safe anywhere in a script."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_SAFE)
