import os
import signal
import subprocess
import sys
import time
from itertools import count
from pathlib import Path

import pytest
from django.test import override_settings
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accessrights.defaults import install_default_roles
from accessrights.models import Action, Role, RolePermission, Scope
from accessrights.rights import rights_changed
from crm.celery import app as celery_app
from crm.models import Job
from dictionaries.defaults import install_defaults
from dictionaries.models import Entry, Pipeline
from dictionaries.shared_cache import SharedSettings
from people import naming
from people.naming import names_changed, shared_full_names
from requisites.defaults import install_presets
from requisites.models import Preset, PresetField
from tests.helpers import entity_keys

from .factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to run
# beside it, though every call here is plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent

# Hypothesis: a few examples per property test by default (also in .ci/run), the full numbers
# with ``HYPOTHESIS_PROFILE=ci`` (README, "Development"). Property tests give their full
# number through ``examples()``; tests without one run the profile's own number.
DEV_EXAMPLES = 10
hypothesis_settings.register_profile("dev", max_examples=DEV_EXAMPLES, deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def examples(full: int) -> int:
    """The ``max_examples`` of a property test: ``full`` in CI, at most the loaded profile's
    number otherwise (``@settings(max_examples=examples(300))``)."""
    if hypothesis_settings.get_current_profile_name() == "ci":
        return full
    return min(full, hypothesis_settings.default.max_examples)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Every test user gets a password; the production hasher would take most of the time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _shared_settings_forgotten():
    """Custom fields and card layouts are kept per process: a test's rolled-back settings
    must not outlive it."""
    yield
    SharedSettings.forget_all()


@pytest.fixture(autouse=True)
def _shared_names_read(request, monkeypatch):
    """Which full names two users share (``people.naming``) is kept per process and read
    again every few seconds: each test with a database reads it afresh before it starts, as
    a running process has it, and keeps it to its end however slow the machine (no
    re-read after the few seconds), so that no test counts that read in what it measures. A
    test that makes two users of one name calls ``names_changed()``, as the services do."""
    monkeypatch.setattr(naming, "RECHECK_SECONDS", float("inf"))
    names_changed()
    with_database = request.node.get_closest_marker("django_db") is not None
    for name in ("live_server_db", "transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            with_database = True
            break
    if with_database:
        shared_full_names()
    yield
    names_changed()


def require(condition: bool, reason: str) -> None:
    """Skip a test whose service is missing on a laptop; fail it in CI (REQUIRE_SERVICES=1)."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture
def live_server_db(transactional_db):
    """A transactional test's database with what the data migrations ship (reference lists,
    default roles, requisite presets).

    A transactional test empties the tables when it ends. Django's serialized rollback did not
    put them back for browser tests (seen with pytest-django 4.14 and Playwright 1.65), so the
    defaults are installed again here when they are missing.
    """
    if not Entry.objects.exists():
        install_defaults(Entry, Pipeline)
    if not Role.objects.exists():
        install_default_roles(Role, RolePermission, entity_keys())
    if not Preset.objects.exists():
        install_presets(Preset, PresetField)


def full_access_role() -> Role:
    """A role reaching every item with every action, without the settings right."""
    role, created = Role.objects.get_or_create(name="Full access (tests)")
    if created:
        RolePermission.objects.bulk_create(
            RolePermission(role=role, entity=entity, action=action, scope=Scope.ALL)
            for entity in entity_keys()
            for action in Action.values
        )
    return role


def sales_user(**fields):
    """A user with the full-access role (rights through a real role, not superuser)."""
    user = UserFactory(**fields)
    full_access_role().users.add(user)
    return user


@pytest.fixture
def user(db):
    """A sales user who may do everything with CRM items but change no settings."""
    return sales_user()


@pytest.fixture
def own_read_only(user):
    """Narrow ``user`` to a real role that reads their own companies and contacts only."""
    user.crm_roles.clear()
    role = Role.objects.create(name="Own read only")
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=entity, action=Action.READ, scope=Scope.OWN)
        for entity in ("company", "contact")
    )
    role.users.add(user)
    rights_changed()
    return role


@pytest.fixture
def manager(db):
    """A user with the default Manager role: reads, adds, changes and deletes their own
    items (modules that need another manager override this fixture)."""
    user = UserFactory(first_name="Mia", last_name="Manager")
    Role.objects.get(name="Manager").users.add(user)
    rights_changed()
    return user


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def admin_api(admin):
    return token_client(admin)


@pytest.fixture
def user_api(user):
    return token_client(user)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


# Browser tests


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# Celery


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_eagerly():
    """Tests run tasks in-process unless they ask for the real worker below."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with override_settings(WEBFORM_PROCESS_IN_WORKER=False):  # no drain runs in tests either
        yield
    celery_app.conf.task_always_eager = previous


def _database_url(settings_dict: dict) -> str:
    credentials = settings_dict["USER"] or ""
    if settings_dict.get("PASSWORD"):
        credentials += f":{settings_dict['PASSWORD']}"
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{settings_dict['NAME']}"


@pytest.fixture
def pdf_rendering() -> None:
    """Skip (fail in CI) a test that renders a PDF on a machine without Pango."""
    from quotes.documents import pdf_renderer

    require(pdf_renderer() is not None, "WeasyPrint cannot load Pango (apt-get install "
            "libpango-1.0-0 fonts-dejavu-core)")  # fmt: skip


def require_worker_services() -> None:
    """Skip (fail in CI) a test of a real worker without Redis and PostgreSQL."""
    from django.conf import settings
    from django.db import connection

    require(bool(settings.CELERY_BROKER_URL), "no Celery broker configured (set REDIS_URL)")
    require(connection.vendor == "postgresql", "the worker test needs PostgreSQL (DATABASE_URL)")


def start_worker(name: str, *arguments: str, **environment: str) -> subprocess.Popen:
    """A real ``celery -A crm worker`` of this checkout (first on its PYTHONPATH) on Redis and
    the test database, one task at a time, once it answers a ping as ``name``
    (``worker@tests``). ``environment`` adds to the test run's environment."""
    from django.db import connection

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **environment,
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "crm",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={name}",
            *arguments,
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(destination=[name], timeout=1):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"the Celery worker {name} did not start")
    return worker


def stop_worker(worker: subprocess.Popen) -> None:
    """Stop a worker as its supervisor would (a warm shutdown), killing it if it hangs."""
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real ``celery -A crm worker`` on Redis and the test database, for the whole session."""
    require_worker_services()
    worker = start_worker("session@tests")
    yield worker
    stop_worker(worker)


@pytest.fixture
def real_worker(celery_worker_process):
    """Send tasks through the broker to the real worker during one test."""
    celery_app.conf.task_always_eager = False
    yield celery_worker_process
    celery_app.conf.task_always_eager = True


# Jobs on a real worker (tests/crm/test_jobs_worker.py, tests/importexport/test_import_worker.py)

JOB_TEST_CHUNK = 100
JOB_TEST_PAUSE = 0.5  # seconds each chunk waits before its commit


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}: {Job.objects.values().first()}")
        time.sleep(0.1)
    return found


@pytest.fixture
def job_workers(live_server_db, tmp_path):
    """Starts workers of their own queue (no other worker of the session takes their tasks)
    with small, slow chunks (``JOB_CHUNK_PAUSE``: each chunk done waits before it commits, and
    says so in the worker's log) and a broker that hands a dead worker's task on after 2 s.
    Returns the worker and its log; this test's tasks go to that queue."""
    require_worker_services()
    queue = f"jobs-kill-test-{os.getpid()}"
    numbers = count(1)
    workers = []

    def start():
        name = f"jobs{next(numbers)}@tests"
        log = tmp_path / f"{name}.log"
        worker = start_worker(
            name,
            f"--queues={queue}",
            "--loglevel=info",
            f"--logfile={log}",
            JOB_CHUNK_SIZE=str(JOB_TEST_CHUNK),
            JOB_CHUNK_PAUSE=str(JOB_TEST_PAUSE),
            CELERY_VISIBILITY_TIMEOUT="2",
            DEBUG="1",
        )
        workers.append(worker)
        return worker, log

    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    yield start
    conf.task_always_eager, conf.task_default_queue = previous
    for worker in workers:
        if worker.poll() is None:
            stop_worker(worker)
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)


def chunks_done(log) -> int:
    """How many chunks a worker has done (each one says so before it commits)."""
    return log.read_text().count("pausing before its commit") if log.exists() else 0
