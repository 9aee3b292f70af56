"""Every write to web forms and their submissions.

Forms (``webform_create`` / ``_update`` / ``_delete``) need the right to change CRM settings.
A submission is stored first, in a transaction of its own, whatever it holds
(``submission_receive``); it is then told apart from spam, checked (every error at once) and
processed (``submission_process``), at once or, with ``WEBFORM_PROCESS_IN_WORKER``, by the
worker's drain within a second (``submissions_drain``; the visitor's answer never waits on
the broker): in one transaction, through the door "web form <name>",
as the form's next responsible person, clients matched in the system's scope by phone and
e-mail (a stored one reused, its new phones and e-mails merged), the items created through
their services. A failure leaves the submission stored as failed, with the reason, for
``submission_retry``. Errors of the form services: ``ValidationError`` (by field),
``PermissionDenied``.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accessrights.rules import check_settings_right
from crm.actors import Door, DoorKind, acting_through
from dictionaries.models import Entry, Pipeline

from .batch import Pending, create_in_bulk
from .clients import create_items
from .models import Scheme, Submission, SubmissionStatus, Target, WebForm, WebFormField
from .published import published
from .spam import RESERVED_PREFIX, spam_reason
from .values import NAMING, clean_submission, form_fields

log = logging.getLogger(__name__)

FORM_OPTIONS = ("name", "scheme", "pipeline", "stage", "source", "success_message",
                "redirect_url", "allowed_origins", "proof_of_work", "languages",
                "active")  # fmt: skip
FIELD_OPTIONS = ("name", "target", "code", "label", "placeholder", "required")
DRAIN_BATCH = 50


# Forms


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` in lower case, as browsers send ``Origin``; ""
    for anything that is no http(s) address."""
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}".lower()


def _default_source():
    return Entry.objects.filter(list_code="SOURCE", code="WEBFORM").first()


def _check_origins(origins) -> list[str]:
    if not isinstance(origins, list | tuple):
        raise ValidationError({"allowed_origins": _("Give a list of addresses.")})
    cleaned = []
    for origin in origins:
        found = origin_of(origin) if isinstance(origin, str) else ""
        if not found:
            raise ValidationError(
                {"allowed_origins": _("“%s” is not a site such as https://example.com.") % origin}
            )
        cleaned.append(found)
    return list(dict.fromkeys(cleaned))


def _check_fields(scheme: str, fields) -> list[WebFormField]:
    rows, errors = [], []
    for position, given in enumerate(fields):
        unknown = set(given) - set(FIELD_OPTIONS)
        if unknown:
            raise TypeError(f"unknown field options: {sorted(unknown)}")
        row = WebFormField(position=position, **given)
        if row.target not in Target.values:
            errors.append(_("“%s” is not an item a form fills.") % row.target)
        elif row.target == Target.DEAL and scheme != Scheme.DEAL:
            errors.append(_("Deal fields need a form that creates deals."))
        elif row.code not in form_fields(row.target):
            errors.append(
                _("“%(code)s” is not a field of a %(target)s a form may ask for.")
                % {"code": row.code, "target": row.target}
            )
        if row.name.startswith(RESERVED_PREFIX):
            errors.append(_("Field names starting with “_” are kept for the form itself."))
        rows.append(row)
    names = [row.name for row in rows]
    if len(set(names)) != len(names):
        errors.append(_("Two fields have the same name."))
    asked = {(row.target, row.code) for row in rows}
    if len(asked) != len(rows):
        errors.append(_("Two fields fill the same field."))
    targets = {target for target, _code in asked}
    for target, codes in NAMING.items():
        if target in targets and not any((target, code) in asked for code in codes):
            errors.append(_("A form with %(target)s fields asks for its %(names)s.")
                          % {"target": target, "names": _(" or ").join(codes)})  # fmt: skip
    if not targets & set(NAMING):
        errors.append(_("A form asks for a contact or a company."))
    if errors:
        raise ValidationError({"fields": errors})
    return rows


def _check_languages(codes) -> list[str]:
    """The form's languages, each one of the CRM's, once, in the order given."""
    ours = dict(settings.LANGUAGES)
    if not isinstance(codes, list) or any(not isinstance(code, str) for code in codes):
        raise ValidationError({"languages": _("Give a list of language codes.")})
    unknown = [code for code in codes if code not in ours]
    if unknown:
        raise ValidationError({"languages": _("“%(code)s” is not a language of the CRM: "
                                              "choose among %(ours)s.")
                               % {"code": unknown[0], "ours": ", ".join(ours)}})  # fmt: skip
    return list(dict.fromkeys(codes))


def _write(form: WebForm, options: dict, fields, responsibles) -> WebForm:
    unknown = set(options) - set(FORM_OPTIONS)
    if unknown:
        raise TypeError(f"unknown form options: {sorted(unknown)}")
    for name, value in options.items():
        setattr(form, name, value)
    form.allowed_origins = _check_origins(form.allowed_origins)
    form.languages = _check_languages(form.languages)
    if form.redirect_url and not origin_of(form.redirect_url):
        raise ValidationError({"redirect_url": _("Give an http or https address.")})
    if form.scheme == Scheme.DEAL:
        if form.stage_id and form.pipeline_id and form.stage.pipeline_id != form.pipeline_id:
            raise ValidationError({"stage": _("The stage is not one of the pipeline's.")})
        form.pipeline = form.pipeline or Pipeline.objects.get(is_default=True)
    else:
        form.pipeline = form.stage = None
    rows = _check_fields(form.scheme, fields) if fields is not None else None
    if responsibles is not None:
        responsibles = list(responsibles)
        if not any(user.is_active for user in responsibles):
            raise ValidationError({"responsibles": _("Choose at least one active person.")})
    form.full_clean()
    form.save()
    if rows is not None:
        form.fields.all().delete()
        for row in rows:
            row.form = form
            row.full_clean()
        WebFormField.objects.bulk_create(rows)
    if responsibles is not None:
        form.responsibles.set(responsibles)
    published.changed()
    return form


@transaction.atomic
def webform_create(*, user, fields, responsibles, **options) -> WebForm:
    """A new form. ``fields``: ``{"name", "target", "code", "label", "placeholder",
    "required"}`` in their order; ``responsibles``: users taking its items in turn; no
    source is the SOURCE entry ``WEBFORM``."""
    check_settings_right(user)
    if options.get("source") is None:
        options["source"] = _default_source()
    return _write(WebForm(), options, fields, responsibles)


@transaction.atomic
def webform_update(*, user, form: WebForm, fields=None, responsibles=None, **options) -> WebForm:
    """Change the options given; ``fields`` and ``responsibles``, when given, replace the
    form's whole lists."""
    check_settings_right(user)
    form = WebForm.objects.select_for_update().get(pk=form.pk)
    return _write(form, options, fields, responsibles)


@transaction.atomic
def webform_delete(*, user, form: WebForm) -> None:
    """Delete a form and its submissions (the items they created stay)."""
    check_settings_right(user)
    form.delete()
    published.changed()


# Submissions


@dataclass(frozen=True)
class Meta:
    """Where a submission came from."""

    origin: str = ""
    ip: str | None = None
    user_agent: str = ""
    idempotency_key: str = ""


def _storable(value):
    """``value`` as JSON a database keeps: no NUL and no lone surrogate in any text
    (PostgreSQL refuses both in ``jsonb``), each made U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def _success(form: WebForm) -> dict:
    message = form.success_message or _("Thank you: we have received your message.")
    return {"ok": True, "message": message, "redirect": form.redirect_url or None}


def _judged(form: WebForm, data: dict) -> dict:
    """What a post is and is answered, before it is processed: spam (answered like a
    success), invalid (400 with every error), or valid (201, to be processed)."""
    reason = spam_reason(form, data)
    if reason:
        return {"status": SubmissionStatus.SPAM, "error": reason, "answer_status": 201,
                "answer": _success(form)}  # fmt: skip
    _values, errors = clean_submission(form.fields.all(), data)
    if errors:
        error = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        return {"status": SubmissionStatus.FAILED, "error": error, "answer_status": 400,
                "answer": {"ok": False, "errors": errors}}  # fmt: skip
    return {"answer_status": 201, "answer": _success(form)}


def _store(form: WebForm, data: dict, meta: Meta, **judged) -> Submission:
    """The new submission, or the one stored before under the same idempotency key."""
    row = {"form": form, "data": data, "origin": meta.origin[:500], "ip": meta.ip,
           "user_agent": meta.user_agent[:500], **judged}  # fmt: skip
    key = meta.idempotency_key[:100]
    if not key:
        return Submission.objects.create(**row)  # one statement: no transaction to open
    try:
        with transaction.atomic():
            return Submission.objects.create(idempotency_key=key, **row)
    except IntegrityError:  # posted before, maybe at this very moment
        return Submission.objects.get(form=form, idempotency_key=key)


def submission_receive(form: WebForm, data: dict, meta: Meta) -> Submission:
    """Store ``data`` as posted with its answer, in one commit: spam is kept as spam,
    unprocessed, and answered like a success (bots are not told); invalid data is kept as
    failed and answered 400 with every error; valid data is processed, at once or by the
    worker's drain. The answer is on the submission (``answer_status``, ``answer``). A
    second post with the same idempotency key stores nothing and gets the first one's
    submission back. Should a check itself break, the post is still stored, unanswered."""
    data = _storable(data)
    try:
        judged = _judged(form, data)
    except Exception:
        _store(form, data, meta)  # a check broke: the post is kept all the same, unanswered
        raise
    submission = _store(form, data, meta, **judged)
    if submission.status != SubmissionStatus.RECEIVED or settings.WEBFORM_PROCESS_IN_WORKER:
        return submission  # spam, invalid, or the drain's to take within a second (tasks.py)
    return submission_process(submission)


def _form_locked(pk: int) -> WebForm:
    """The form, its row locked for the turn of its responsible people. ``no_key``: posts
    storing submissions (whose foreign key takes a key-share lock on it) are not held."""
    return WebForm.objects.select_for_update(no_key=True).get(pk=pk)


def _next_responsible(form: WebForm):
    """The form's next active responsible person in turn (the form's row is locked)."""
    people = list(form.responsibles.filter(is_active=True).order_by("pk"))
    if not people:
        raise ValidationError(_("The form has no active responsible person."))
    WebForm.objects.filter(pk=form.pk).update(next_responsible=F("next_responsible") + 1)
    return people[form.next_responsible % len(people)]


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        return " ".join(error.messages)
    return str(error) or type(error).__name__


def submission_process(submission: Submission, responsible=None) -> Submission:
    """Create (or find) what ``submission`` asks for, in one transaction, and link it to
    them, as ``responsible`` (the form's next responsible person when None); it ends
    processed, or failed with the reason and nothing written. One already processed (by a
    drain running beside this one) is left as it is."""
    try:
        with transaction.atomic():
            form = _form_locked(submission.form_id)
            current = Submission.objects.select_for_update().get(pk=submission.pk)
            if current.status not in (SubmissionStatus.RECEIVED, SubmissionStatus.FAILED):
                return current
            values, errors = clean_submission(form.fields.all(), submission.data)
            if errors:
                raise ValidationError(errors)
            user = responsible or _next_responsible(form)
            with acting_through(Door(DoorKind.WEBFORM, form.pk)):
                created = create_items(form, user, values)
            submission.created = created
            submission.status = SubmissionStatus.PROCESSED
            submission.error = ""
            submission.save(update_fields=["created", "status", "error"])
    except Exception as error:  # kept with its reason: nothing a visitor sent is lost
        log.warning("web form submission %s failed", submission.pk, exc_info=True)
        submission.status = SubmissionStatus.FAILED
        submission.error = _reason(error)[:5000]
        submission.created = {}
        submission.save(update_fields=["status", "error", "created"])
    return submission


def submissions_drain(limit: int = 1000) -> int:
    """Process the submissions stored and answered but not processed yet, oldest first (the
    worker's drain, every second, when ``WEBFORM_PROCESS_IN_WORKER``); how many it took."""
    waiting = Submission.objects.filter(status=SubmissionStatus.RECEIVED, answer_status=201)
    taken = list(waiting.order_by("pk").values_list("form_id", "pk")[:limit])
    by_form: dict[int, list[int]] = {}
    for form_id, pk in taken:
        by_form.setdefault(form_id, []).append(pk)
    for form_id, pks in by_form.items():
        for start in range(0, len(pks), DRAIN_BATCH):
            _drain_batch(form_id, pks[start : start + DRAIN_BATCH])
    return len(taken)


@transaction.atomic
def _drain_batch(form_id: int, pks: list[int]) -> None:
    """One commit for a batch of one form: new clients written in bulk (``batch.py``), in
    turn by the form's responsible people, the rest through ``submission_process``."""
    form = _form_locked(form_id)
    waiting = Submission.objects.select_for_update().filter(pk__in=pks)
    batch = list(waiting.filter(status=SubmissionStatus.RECEIVED).order_by("pk"))
    fields = list(form.fields.all())
    people = list(form.responsibles.filter(is_active=True).order_by("pk"))
    assigned, turn_of = [], {}
    for submission in batch if people else ():
        values, errors = clean_submission(fields, submission.data)
        if not errors:  # the others fail below with their errors
            user = people[(form.next_responsible + len(assigned)) % len(people)]
            turn_of[submission.pk] = user
            assigned.append((user, Pending(submission.pk, values, {})))
    WebForm.objects.filter(pk=form.pk).update(
        next_responsible=F("next_responsible") + len(assigned)
    )
    with acting_through(Door(DoorKind.WEBFORM, form.pk)):
        done = {p.pk: p.created for p in create_in_bulk(form, assigned)}
    for submission in batch:
        if submission.pk in done:
            submission.status, submission.created = SubmissionStatus.PROCESSED, done[submission.pk]
    Submission.objects.bulk_update([s for s in batch if s.pk in done], ["status", "created"])
    for submission in batch:  # in turn, as they came: each its own savepoint, failing alone
        if submission.pk not in done:
            submission_process(submission, responsible=turn_of.get(submission.pk))


def submission_retry(*, user, submission: Submission) -> Submission:
    """Process a failed submission again (the settings right), once its cause is fixed."""
    check_settings_right(user)
    if submission.status != SubmissionStatus.FAILED:
        raise ValidationError(_("Only a failed submission is retried."))
    return submission_process(submission)


def submissions_purge_spam(*, user, form: WebForm) -> int:
    """Delete the form's spam (the settings right); how many were deleted."""
    check_settings_right(user)
    deleted, _by_model = form.submissions.filter(status=SubmissionStatus.SPAM).delete()
    return deleted
