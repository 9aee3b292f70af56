"""Two workers running one job at once (a message handed out again while the first worker
still runs it), on PostgreSQL with real threads: they take turns, each row is done once."""

import threading
import time

import pytest
from django.db import connection
from django.db.models import F

from companies.models import Company
from crm.jobs import run_in_chunks
from crm.models import Job
from tests.conftest import require
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_server_db")]


def test_two_runs_of_one_job_take_turns_and_do_each_row_once():
    require(connection.vendor == "postgresql", "race tests need PostgreSQL (DATABASE_URL)")
    user = UserFactory()
    Company.objects.bulk_create(Company(name=f"Company {n}", responsible=user) for n in range(40))
    job = Job.objects.create(kind="test.chunks", requester=user)
    handled, raised = [], []

    def bump(rows):
        time.sleep(0.02)  # long enough for the other run to want the same chunk
        Company.objects.filter(pk__in=[row.pk for row in rows]).update(version=F("version") + 1)
        handled.extend(row.pk for row in rows)
        return {}

    def run():
        try:
            run_in_chunks(Job.objects.get(pk=job.pk), Company.objects.all(), bump, chunk_size=5)
        except Exception as exc:  # reported to the test
            raised.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert raised == []
    job.refresh_from_db()
    assert (job.total, job.done) == (40, 40)
    assert sorted(handled) == sorted(Company.objects.values_list("pk", flat=True))
    assert set(Company.objects.values_list("version", flat=True)) == {2}
