"""The API keeps the contract of its OpenAPI schema: schemathesis, every check on, against a
live server, with a superuser's token (the widest reach, so that every operation answers).

Every operation (there is no Bitrix24 facade yet; its contract is Bitrix24's, not this
schema's) is run through the examples and fuzzing phases, then the stateful phase follows the
links between create and read operations (inferred by schemathesis), with a fixed seed (a
run is repeatable) and examples enough for about a minute and a half. schemathesis' coverage
phase (every boundary of every documented value: some 7,000 requests, 9 to 10 minutes here)
runs with ``SCHEMATHESIS_COVERAGE=1``; the one check only it makes, that a method an address
does not declare is a 405, is made for every address by the test below it.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tests.conftest import token_client
from tests.factories import UserFactory

SEED = 20
COVERAGE = os.environ.get("SCHEMATHESIS_COVERAGE") == "1"
EXAMPLES = 5  # per operation, in the fuzzing phase; stateful scenarios as many
PHASES = "examples,coverage,fuzzing,stateful" if COVERAGE else "examples,fuzzing,stateful"
METHODS = {"get", "post", "put", "patch", "delete"}
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
# schemathesis.toml next to this file: every check on, the reasons for each setting.
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def superuser_token(live_server_db) -> str:
    return Token.objects.create(user=UserFactory(is_superuser=True, is_staff=True)).key


def test_the_api_keeps_its_schema_contract(live_server, superuser_token, tmp_path):
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(SchemaGenerator().get_schema(public=True)))
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(CONFIG),
        "run",
        str(schema),
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Token {superuser_token}",
        "--seed",
        str(SEED),
        "--phases",
        PHASES,
        "--max-examples",
        str(EXAMPLES),
    ]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=1800, env={**os.environ, "NO_COLOR": "1"}
    )
    assert run.returncode == 0, run.stdout[-30_000:] + run.stderr[-5_000:]
    print(run.stdout[run.stdout.rfind("SUMMARY") :])  # shown with pytest -rP: what was tried


def test_a_method_an_address_does_not_declare_is_a_405(admin):
    """schemathesis' unsupported-method check, for every address of the schema: each method
    the schema does not declare there is answered 405 (not 404, 500 or a silent 200)."""
    api = token_client(admin)
    paths = SchemaGenerator().get_schema(public=True)["paths"]
    wrong = []
    for path, operations in paths.items():
        url = path.replace("/fields/{entity}/{code}/", "/fields/{entity}/UF_CRM_TIER/")
        url = url.replace("{entity}", "company")
        url = re.sub(r"\{(list_)?code\}", "COMPANY_TYPE", url)
        url = re.sub(r"\{\w+\}", "1", url)
        for method in sorted(METHODS - set(operations)):
            status = getattr(api, method)(url).status_code
            if status != 405:
                wrong.append(f"{method.upper()} {path}: {status}")
    assert len(paths) > 40 and not wrong, wrong
