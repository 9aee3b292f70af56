"""The portal's users (``user.get``, active and inactive): each one found here by e-mail (or
login, when the portal gives it), or else added as an inactive user without a password, so
that the items they are responsible for keep them; an admin activates whom they choose.
Users found here are not changed. Only a superuser adds users."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import MappingKind
from .report import Outcome


def _free_username(row: dict, taken: set[str]) -> str:
    """The user's e-mail as login when free, else ``bitrix24_<id>`` (with a number after)."""
    model = get_user_model()
    limit = model._meta.get_field(model.USERNAME_FIELD).max_length
    email = str(row.get("EMAIL") or "").strip().lower()
    candidate = email if email and len(email) <= limit else f"bitrix24_{row['ID']}"
    name, number = candidate, 1
    while name.casefold() in taken:
        number += 1
        name = f"{candidate}_{number}"
    taken.add(name.casefold())
    return name


def _cut(model, name: str, value) -> str:
    return str(value or "").strip()[: model._meta.get_field(name).max_length]


class UsersStep:
    name = "users"

    def run(self, run) -> None:
        rows = {}
        for active in (True, False):
            for row in run.source.everything("user.get", {"filter": {"ACTIVE": active}}):
                rows.setdefault(str(row["ID"]), row)
        model = get_user_model()
        mappings = run.mappings(MappingKind.USER)
        known = mappings.all()
        ours = list(model._default_manager.all())
        here = {user.pk for user in ours}
        by_email = {}
        for user in sorted(ours, key=lambda user: (not user.is_active, user.pk)):
            if user.email:
                by_email.setdefault(user.email.casefold(), user)
        by_login = {user.get_username().casefold(): user for user in ours}
        taken = set(by_login)
        outcome, pairs = Outcome(), {}
        with transaction.atomic():
            for bitrix_id, row in rows.items():
                if known.get(bitrix_id) in here:
                    outcome.unchanged += 1
                    continue
                email = str(row.get("EMAIL") or "").strip().casefold()
                login = str(row.get("LOGIN") or "").strip().casefold()
                found = (by_email.get(email) if email else None) or by_login.get(login)
                if found is not None:
                    pairs[bitrix_id] = found.pk
                    outcome.matched += 1
                elif not run.user.is_superuser:
                    outcome.refuse(
                        bitrix_id,
                        _("Only a superuser adds users; none here has the e-mail “%s”.")
                        % (row.get("EMAIL") or ""),
                    )
                else:
                    user = model._default_manager.create_user(  # no password: unusable
                        _free_username(row, taken), email=_cut(model, "email", row.get("EMAIL")),
                        first_name=_cut(model, "first_name", row.get("NAME")),
                        last_name=_cut(model, "last_name", row.get("LAST_NAME")),
                        is_active=False,
                    )  # fmt: skip
                    pairs[bitrix_id] = user.pk
                    outcome.created += 1
            mappings.record(pairs, replaced=[pk for pk in pairs if pk in known])
        run.report.add(self.name, outcome)
        run.forget("users")
