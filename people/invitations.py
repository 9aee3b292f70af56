"""One-time links to set a password: for a new employee (an invitation) or for one whom an
administrator gives a new start. A link works until its password is set (Django's password
reset tokens hash the password: setting one ends the link), the user is deactivated, or
``PASSWORD_RESET_TIMEOUT`` passes. It is shown once to the administrator and, when the
installation sends mail (``EMAIL_HOST``), mailed to the person."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .naming import person_label
from .regional import profile_of

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password reset tokens, of their own kind (a reset token is no invitation),
    and ended by deactivation too."""

    key_salt = "people.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


invitation_tokens = InvitationTokenGenerator()


def invitation_path(employee) -> str:
    uid = urlsafe_base64_encode(force_bytes(employee.pk))
    return reverse("people:set_password", args=[uid, invitation_tokens.make_token(employee)])


def invitation_send(*, employee, url: str, sender) -> bool:
    """Mail ``url`` to ``employee`` when the installation sends mail and they have an
    address; True when it was sent. A mail server that fails is logged, never fatal: the
    administrator has the link on screen."""
    if not settings.EMAIL_HOST or not employee.email:
        return False
    # In the employee's language: the one on their profile, else the installation's (not the
    # administrator's, who may read the CRM in another).
    with translation.override(profile_of(employee).language or settings.LANGUAGE_CODE):
        subject = _("Your account in the CRM")
        body = _(
            "Hello %(name)s,\n\n%(sender)s made you an account in the CRM; your login is "
            "“%(login)s”. Choose your password here (the link works once, for %(days)d days):"
            "\n\n%(url)s\n"
        ) % {
            "name": person_label(employee),
            "sender": person_label(sender),
            "login": employee.get_username(),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "url": url,
        }
    try:
        send_mail(subject, body, None, [employee.email])
    except OSError:
        logger.exception("The invitation of user %s could not be mailed", employee.pk)
        return False
    return True
