"""The portal migrated from, read through one of its incoming webhooks with fast-bitrix24 (the
client Bitrix24 integrations use: it keeps to a portal's request limits and waits and retries
on its 503 ``QUERY_LIMIT_EXCEEDED`` and other 5xx answers).

Lists are read as Bitrix24 advises for whole tables: ordered by ``ID``, after the last id
read (``filter[>ID]``), in batches of 50 pages of 50 rows, each batch one request. Every
failure (an address that is no webhook, a portal out of reach, a refused or revoked
webhook, an error inside a batch) is a ``SourceError`` with a message people read, which
never shows the webhook's secret.
"""

import asyncio
import json
import logging
import re
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import aiohttp
from django.utils.translation import gettext as _
from fast_bitrix24 import BitrixAsync
from fast_bitrix24.server_response import ErrorInServerResponseException
from fast_bitrix24.utils import http_build_query

PAGE = 50  # Bitrix24's page of every *.list
BATCH = 50  # commands in one batch request, Bitrix24's most
_WEBHOOK = re.compile(
    r"(?P<address>https?://[^/?#\s]+(?:/[^?#\s]*?)?)/rest/(?P<user>\d+)/(?P<secret>[^/?#\s]+)/?"
)
# What fast-bitrix24 says once its retries of 5xx answers are spent.
_EXHAUSTED = "All attempts to get data from server exhausted"


class SourceError(Exception):
    """The portal cannot be read; the message says why, in words people read."""


def _refused(status: int, address: str) -> SourceError:
    if status == 401:
        message = _("%(address)s refused the webhook (HTTP 401): it is wrong or was revoked.")
    elif status == 403:
        message = _("%(address)s does not let the webhook's user read this (HTTP 403).")
    elif status == 404:
        message = _(
            "%(address)s does not know this method (HTTP 404): is it a Bitrix24 portal, and does "
            "the webhook have the crm and user scopes?"
        )
    else:
        message = _("%(address)s refused a request (HTTP %(status)s).")
    return SourceError(message % {"address": address, "status": status})


class Source:
    """A portal's REST webhook (``https://acme.bitrix24.ru/rest/1/<secret>/``).

    ``rate``: the requests a second to keep to once the first 50 are spent (fast-bitrix24's
    default, 2, is what a Bitrix24 cloud portal allows); ``address``: the portal's address
    without the webhook, what is shown and stored."""

    def __init__(self, url: str, *, rate: float | None = None):
        found = _WEBHOOK.fullmatch(str(url).strip())
        if found is None:
            raise SourceError(
                _("This is not a webhook address: give <portal>/rest/<user id>/<secret>/.")
            )
        self.address = found["address"].rstrip("/")
        self.url = found[0].rstrip("/") + "/"
        options = {"verbose": False}
        if rate:
            options.update(requests_per_second=float(rate), request_pool_size=max(50, int(rate)))
        self.client = BitrixAsync(self.url, **options)
        logging.getLogger("fast_bitrix24").setLevel(logging.WARNING)  # it logs every answer

    def check(self) -> dict:
        """The webhook's ``profile``, asked once without retries, so that a wrong address, a
        portal out of reach or a revoked webhook is told at once (fast-bitrix24 would retry
        for half a minute)."""
        try:
            with urlopen(self.url + "profile", timeout=60) as answer:  # noqa: S310 - http(s) only
                body = json.loads(answer.read())
        except HTTPError as error:
            raise _refused(error.code, self.address) from None
        except (URLError, OSError) as error:
            raise SourceError(
                _("%(address)s cannot be reached: %(error)s")
                % {"address": self.address, "error": getattr(error, "reason", error)}
            ) from None
        except ValueError:
            raise SourceError(_("%s does not answer as a Bitrix24 portal does.")
                              % self.address) from None  # fmt: skip
        if not isinstance(body, dict) or not isinstance(body.get("result"), dict):
            raise SourceError(_("%s does not answer as a Bitrix24 portal does.") % self.address)
        return body["result"]

    def _run(self, coroutine):
        """Run one exchange with the portal, its failures as ``SourceError``."""
        try:
            return asyncio.run(coroutine)
        except aiohttp.ClientResponseError as error:
            raise _refused(error.status, self.address) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise SourceError(
                _("%(address)s cannot be reached: %(error)s")
                % {"address": self.address, "error": error or type(error).__name__}
            ) from None
        except ErrorInServerResponseException as error:
            raise SourceError(_("%(address)s answered with an error: %(error)s")
                              % {"address": self.address, "error": error}) from None  # fmt: skip
        except RuntimeError as error:
            if _EXHAUSTED not in str(error):
                raise
            raise SourceError(
                _("%s keeps failing or cannot be reached, even after retrying.") % self.address
            ) from None

    def call(self, method: str, params: dict | None = None):
        """The ``result`` of one call."""
        return self._run(self.client.call(method, params or {}, raw=True))["result"]

    def batches(self, *batches: dict[str, tuple[str, dict]]) -> list[tuple[dict, dict]]:
        """Run each batch ``{name: (method, params)}`` (at most ``BATCH`` commands) in one
        request, the requests at the same time: each command's ``result`` and ``total``,
        batch by batch. A command that fails is a SourceError."""

        async def requests():
            return await asyncio.gather(*(
                self.client.call("batch", {"halt": 0, "cmd": {
                    name: f"{method}?{http_build_query(params)}"
                    for name, (method, params) in commands.items()}}, raw=True)
                for commands in batches
            ))  # fmt: skip

        answers = []
        for answer in self._run(requests()):
            sections = answer["result"]
            errors = sections.get("result_error") or {}
            if errors:
                first = next(iter(errors.values() if isinstance(errors, dict) else errors))
                raise SourceError(
                    _("%(address)s answered with an error: %(error)s")
                    % {"address": self.address, "error": first.get("error_description") or first}
                )
            answers.append((_named(sections.get("result")), _named(sections.get("result_total"))))
        return answers

    def batch(self, commands: dict[str, tuple[str, dict]]) -> tuple[dict, dict]:
        """One batch (``batches``)."""
        return self.batches(commands)[0]

    def pages(self, method: str, params: dict, after: int, requests: int = 1):
        """The rows of ``method`` with an ``ID`` above ``after``, in ``ID`` order, and how
        many there are above ``after`` in all (None when the portal does not say): 50 pages
        of 50 from the same ``filter[>ID]`` in each of ``requests`` batches sent at once.

        Each batch after the first starts with the last page of the one before: a portal
        whose list moved meanwhile (a row deleted would shift the later pages by one) shows
        it there, and the rows are then kept up to that page only, so that none is skipped;
        the next call reads on after them."""
        filtered = {**params, "filter": {**params.get("filter", {}), ">ID": after},
                    "order": {"ID": "ASC"}}  # fmt: skip
        step = (BATCH - 1) * PAGE
        answers = self.batches(*(
            {f"p{n}": (method, {**filtered, "start": j * step + n * PAGE}) for n in range(BATCH)}
            for j in range(max(1, requests))
        ))  # fmt: skip
        found, last = [], None
        total = answers[0][1].get("p0")
        for j, (results, _totals) in enumerate(answers):
            pages = [_rows(results.get(f"p{n}")) for n in range(BATCH)]
            if j:
                if [r["ID"] for r in pages[0]] != [r["ID"] for r in last]:
                    break  # the list moved between the two requests
                pages = pages[1:]
            for page in pages:
                found += page
                if len(page) < PAGE:
                    return found, _count(total)
            last = pages[-1]
        return found, _count(total)

    def everything(self, method: str, params: dict | None = None) -> list:
        """Every row of a short list (users, reference lists, pipelines), page after page."""
        found, start = [], 0
        while True:
            answer = self._run(
                self.client.call(method, {**(params or {}), "start": start}, raw=True)
            )
            found += _rows(answer.get("result"))
            following = answer.get("next")
            if not following or int(following) <= start:
                return found
            start = int(following)


def _count(total) -> int | None:
    return int(total) if total not in (None, "") else None


def _named(section) -> dict:
    """A batch section by command name: PHP sends a list when it has no names to keep."""
    if isinstance(section, dict):
        return section
    return {f"p{n}": value for n, value in enumerate(section or [])}


def _rows(result) -> list:
    """A list's rows: the list itself, or the one list a wrapper holds (``crm.category.list``
    answers ``{"categories": [...]}``)."""
    if isinstance(result, dict) and len(result) == 1:
        result = next(iter(result.values()))
    return list(result) if isinstance(result, list) else []
