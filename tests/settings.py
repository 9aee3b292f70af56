"""The settings of a test run: the project's own, with each parallel test process
(pytest-xdist's ``gw0``, ``gw1``...) on a Redis database of its own, as pytest-django gives each
one a test database of its own; the Celery workers the tests start inherit the choice."""

import os
from urllib.parse import urlsplit, urlunsplit

_process = os.environ.get("PYTEST_XDIST_WORKER", "")
if _process.startswith("gw") and os.environ.get("REDIS_URL"):
    # Computed from the run's own URL, which the processes it starts inherit unchanged.
    _url = urlsplit(os.environ.setdefault("TESTS_REDIS_URL", os.environ["REDIS_URL"]))
    _database = int(_url.path.strip("/") or 0) + int(_process[2:])
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_database}"))

from crm.settings import *  # noqa: E402, F403
