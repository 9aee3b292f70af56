"""docker-compose.yml cannot run on our machines; keep it consistent with the code instead."""

import importlib

import yaml

from tests.conftest import ROOT


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_stack_has_web_worker_database_redis_and_a_shared_volume():
    services = load_compose()["services"]
    assert {"web", "worker", "db", "redis", "migrate"} <= services.keys()
    for name in ("web", "worker", "migrate"):
        service = services[name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "crm.settings_production"
        assert "crm-data:/data" in service["volumes"]
        assert service["environment"]["DATA_DIR"] == "/data"
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert service["environment"]["DATABASE_URL"].startswith("postgres://crm:")
    assert services["web"]["command"][:2] == ["gunicorn", "crm.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "crm", "worker"]


def test_the_commands_name_real_code():
    web_command = load_compose()["services"]["web"]["command"]
    module, attribute = web_command[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    healthcheck = load_compose()["services"]["web"]["healthcheck"]["test"][-1]
    assert "/health/" in healthcheck


def test_env_example_names_every_secret_the_production_settings_need():
    names = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line
    }
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "POSTGRES_PASSWORD"} <= names
