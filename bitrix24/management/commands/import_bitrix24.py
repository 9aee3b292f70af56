"""``python manage.py import_bitrix24 <webhook URL>``: migrate a Bitrix24 portal (README,
"Migrating a portal")."""

import contextlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bitrix24.migration import STEPS
from bitrix24.migration.report import Report
from bitrix24.migration.run import DEFAULT_BATCH, LimitReached, migrate
from bitrix24.migration.source import Source, SourceError

INTERRUPTED = 130  # what a shell reports for Ctrl-C


class Command(BaseCommand):
    help = (
        "Migrate a Bitrix24 portal through one of its incoming webhooks: users, reference "
        "lists, pipelines and stages, custom fields, companies, contacts, requisites, deals "
        "and leads. Run it again to continue an interrupted migration, or to bring a finished "
        "one up to date: nothing is added twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "webhook", help="the portal's webhook: https://<portal>/rest/<user id>/<secret>/"
        )
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="the user whose rights the writes use and history names (default: a superuser)",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="stop after this many items, as if interrupted"
        )
        parser.add_argument(
            "--failures", default="", help="a CSV file for the rows refused, with the reasons"
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=DEFAULT_BATCH,
            help="rows written in one transaction (%(default)s)",
        )
        parser.add_argument("--rate", type=float, default=None,
                            help="requests a second to keep to once the first 50 are spent "
                                 "(default 2, what a Bitrix24 cloud portal allows)")  # fmt: skip

    def _user(self, username: str):
        users = get_user_model()._default_manager.filter(is_active=True)
        if username:
            found = users.filter(**{get_user_model().USERNAME_FIELD: username}).first()
            if found is None:
                raise CommandError(_("There is no active user “%s”.") % username)
            return found
        found = users.filter(is_superuser=True).order_by("pk").first()
        if found is None:
            raise CommandError(_("There is no active superuser: name a user with --as."))
        return found

    def handle(self, *args, webhook, username, limit, failures, batch, rate, **options):
        user = self._user(username)
        if limit is not None and limit < 1:
            raise CommandError(_("--limit takes a number of items above 0."))
        try:
            source = Source(webhook, rate=rate)
            source.check()  # the webhook answers before anything is written
        except SourceError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Migrating %(portal)s as %(user)s.")
                          % {"portal": source.address, "user": user.get_username()})  # fmt: skip
        with (
            open(failures, "w", newline="", encoding="utf-8")
            if failures
            else (contextlib.nullcontext()) as out
        ):
            report = Report(out)
            stopped = None
            try:
                migrate(source, user, STEPS, report=report, batch=batch, limit=limit,
                        progress=True if options["verbosity"] == 0 else None)  # fmt: skip
            except LimitReached:
                stopped = _("Stopped after %d items (--limit): run the same command again to "
                            "continue.") % limit  # fmt: skip
            except KeyboardInterrupt:
                self._summary(report)
                raise CommandError(
                    _(
                        "Interrupted: what was written stays; run the same command "
                        "again to continue."
                    ),
                    returncode=INTERRUPTED,
                ) from None
            except SourceError as error:
                self._summary(report)
                raise CommandError(_("%s What was written stays; run the same command again to "
                                     "continue.") % error) from None  # fmt: skip
        self._summary(report)
        self.stdout.write(stopped or _("The migration is finished."))

    def _summary(self, report: Report) -> None:
        for line in report.lines():
            self.stdout.write(line)
        if report.refusals:
            self.stdout.write(_("%d rows were refused.") % len(report.refusals))
