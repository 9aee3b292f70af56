"""Web forms: what a public form asks and what a submission creates, and every submission
stored as it came, before anything is done with it."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import entry_field
from dictionaries.models import Entry, Pipeline


def new_key() -> str:
    """A form's public key: 128 random bits, so that forms cannot be listed by guessing."""
    return secrets.token_urlsafe(16)


class Scheme(models.TextChoices):
    CLIENT = "client", _("client (contact and/or company)")
    DEAL = "deal", _("deal + client")
    QUOTE = "quote", _("quote + client")


class Target(models.TextChoices):
    COMPANY = "company", _("company")
    CONTACT = "contact", _("contact")
    DEAL = "deal", _("deal")


class WebForm(models.Model):
    """A public form. ``scheme`` says what a submission creates: the contact and/or company
    whose fields it fills (``client``), or also a deal in ``pipeline`` at ``stage``
    (``deal``), or a quote in its first stage (``quote``). ``responsibles`` take the new
    items in turn (``next_responsible`` is the turn), deactivated ones skipped.
    ``allowed_origins`` are the sites that may post it (``https://example.com``), besides
    our own."""

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("key"), max_length=32, unique=True, default=new_key, editable=False)
    scheme = models.CharField(_("creates"), max_length=10, choices=Scheme, default=Scheme.CLIENT)
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    stage = models.ForeignKey(
        Entry, verbose_name=_("stage"), on_delete=models.PROTECT, null=True, blank=True,
        limit_choices_to={"list_code": "DEAL_STAGE"}, related_name="+",
    )  # fmt: skip
    source = entry_field("SOURCE", _("source"))
    responsibles = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible people"), related_name="+"
    )
    next_responsible = models.PositiveIntegerField(default=0, editable=False)
    success_message = models.CharField(_("success message"), max_length=500, blank=True)
    redirect_url = models.URLField(_("redirect URL"), max_length=500, blank=True)
    allowed_origins = models.JSONField(_("allowed origins"), default=list, blank=True)
    proof_of_work = models.BooleanField(
        _("proof of work"),
        default=False,
        help_text=_("Posts must carry a solved challenge (ALTCHA), which costs a bot time."),
    )
    # Codes of settings.LANGUAGES, the first one the form's own; none: every language.
    languages = models.JSONField(
        _("languages"), default=list, blank=True,
        help_text=_("The languages the page speaks, to each visitor in the first of theirs it "
                    "has (else in the first one here); none chosen: every language of the CRM."),
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")

    def __str__(self):
        return self.name


class WebFormField(models.Model):
    """One input of a form: posted as ``name``, it fills the catalogue field ``code`` of the
    ``target`` item (system or custom)."""

    form = models.ForeignKey(WebForm, on_delete=models.CASCADE, related_name="fields")
    name = models.SlugField(_("name"), max_length=60)
    target = models.CharField(_("item"), max_length=10, choices=Target)
    code = models.CharField(_("field"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    placeholder = models.CharField(_("placeholder"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "name"], name="webform_field_name"),
            models.UniqueConstraint(fields=["form", "target", "code"], name="webform_field_code"),
        ]

    def __str__(self):
        return self.label


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    PROCESSED = "processed", _("processed")
    FAILED = "failed", _("failed")
    SPAM = "spam", _("spam")


class Submission(models.Model):
    """One post of a form, stored as it came before it is checked or processed. ``created``
    holds the ids of the items it created or reused (``{"company": 3, "contact": 7, "deal":
    12}``); ``answer_status`` and ``answer`` what the visitor was told, given again to a
    replay of the same ``idempotency_key``."""

    form = models.ForeignKey(WebForm, on_delete=models.CASCADE, related_name="submissions")
    received_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict)
    origin = models.CharField(max_length=500, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus, default=SubmissionStatus.RECEIVED
    )
    error = models.TextField(blank=True)
    created = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    answer_status = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="webform_submission_idempotency",
            )
        ]
        indexes = [models.Index(fields=["form", "-received_at"], name="submission_form_time")]

    def __str__(self):
        return f"{self.form} {self.received_at:%Y-%m-%d %H:%M}"
