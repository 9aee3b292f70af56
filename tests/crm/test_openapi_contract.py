"""The API keeps the contract of its OpenAPI schema: schemathesis, every check on, against a
live server, with a superuser's token (the widest reach, so that every operation answers).

Every operation (there is no Bitrix24 facade yet; its contract is Bitrix24's, not this
schema's) is run through the examples, coverage and fuzzing phases, then the stateful phase
follows the links between create and read operations. A fixed seed makes a run repeatable; the
default run makes a few examples per operation, ``HYPOTHESIS_PROFILE=ci`` the full number.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tests.conftest import examples
from tests.factories import UserFactory

SEED = 20
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
        "--max-examples",
        str(examples(25)),
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"}
    )
    assert run.returncode == 0, run.stdout[-30_000:] + run.stderr[-5_000:]
