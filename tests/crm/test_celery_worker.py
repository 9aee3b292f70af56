"""Celery wiring: a real worker process takes tasks from Redis and works on the test database."""

import pytest
from django.db import connection

from crm.tasks import ping


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_through_redis(real_worker):
    result = ping.delay()
    answer = result.get(timeout=30)
    assert answer == {"pong": True, "database": connection.settings_dict["NAME"]}
    assert result.state == "SUCCESS"


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process():
    result = ping.delay()
    assert result.get(timeout=1)["pong"] is True
