"""The API keeps the contract of its OpenAPI schema: schemathesis, every check on, against a
live server, with a superuser's token (the widest reach, so that every operation answers).

Every operation (there is no Bitrix24 facade yet; its contract is Bitrix24's, not this
schema's) is run through the examples and fuzzing phases, then the stateful phase follows the
links between create and read operations (inferred by schemathesis). With
``HYPOTHESIS_PROFILE=ci`` the coverage phase runs too (every boundary of every documented
value, undeclared methods, missing headers: some 7,000 requests, most of the run's time) and
more examples are made per operation. A fixed seed makes a run repeatable.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

SEED = 20
CI = hypothesis_settings.get_current_profile_name() == "ci"
EXAMPLES = 10 if CI else 5  # per operation, in the fuzzing phase; stateful scenarios as many
PHASES = "examples,coverage,fuzzing,stateful" if CI else "examples,fuzzing,stateful"
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
