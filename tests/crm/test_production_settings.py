"""The production settings pass Django's deployment checklist and refuse unsafe set-ups."""

import os
import secrets
import subprocess
import sys

from tests.conftest import ROOT


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="crm.settings_production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="crm.example.com",
        # Production runs with Redis (the broker, the web forms' rate limits); without it the
        # check warns (webforms.W001). Only the settings are checked: nothing connects.
        REDIS_URL="redis://redis:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_or_weak_secret_key_is_refused():
    result = run_manage("check", SECRET_KEY="short", ALLOWED_HOSTS="crm.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_cannot_be_switched_on_in_production():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="crm.example.com",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
