import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

from .test_endpoint import ok, refused


def run(client, base, body) -> dict:
    return ok(client.post(base + "batch", body, content_type="application/json"))["result"]


def test_commands_read_earlier_results_through_references(client, hook, user):
    _webhook, base = hook
    other = UserFactory()

    sections = run(client, base, {"halt": 0, "cmd": {
        "me": "user.current",
        "all": "user.get?order[ID]=ASC&",
        "same": "user.get?filter[ID]=$result[me][ID]",
        "second": "user.get?__order=x&ID=%24result%5Ball%5D%5B1%5D%5BID%5D",
        "named": "user.get?filter[ID][]=$result[all][1][ID]&filter[ID][]=$result[me][ID]",
    }})  # fmt: skip

    result = sections["result"]
    assert result["me"]["ID"] == str(user.pk)
    assert [u["ID"] for u in result["same"]] == [str(user.pk)]
    assert [u["ID"] for u in result["second"]] == [str(other.pk)]
    assert [u["ID"] for u in result["named"]] == sorted([str(user.pk), str(other.pk)], key=int)
    assert sections["result_error"] == []
    assert sections["result_total"] == {"all": 2, "same": 1, "second": 1, "named": 2}
    assert sections["result_next"] == []
    assert set(sections["result_time"]) == set(result)
    assert {"start", "duration", "date_start"} <= set(sections["result_time"]["me"])


def test_a_list_of_commands_answers_lists_and_reads_form_bodies(client, hook, user):
    _webhook, base = hook

    as_json = run(client, base, {"cmd": ["server.time", "user.Current"], "halt": False})
    as_form = ok(client.post(base + "batch", "cmd[0]=server.time&cmd[1]=user.current&halt=0",
                             content_type="application/x-www-form-urlencoded"))  # fmt: skip

    for sections in (as_json, as_form["result"]):
        assert isinstance(sections["result"], list)
        assert sections["result"][1]["ID"] == str(user.pk)
        assert sections["result_error"] == sections["result_total"] == []


def test_halt_stops_at_the_first_failure(client, hook):
    _webhook, base = hook
    commands = {"a": "server.time", "b": "no.such.method", "c": "server.time"}

    halted = run(client, base, {"cmd": commands, "halt": "1"})
    carried_on = run(client, base, {"cmd": commands, "halt": "0"})

    assert list(halted["result"]) == ["a"]
    assert halted["result_error"]["b"]["error"] == "ERROR_METHOD_NOT_FOUND"
    assert list(carried_on["result"]) == ["a", "c"]
    assert list(carried_on["result_error"]) == ["b"]


def test_a_batch_of_51_commands_runs_50(client, hook):
    _webhook, base = hook

    sections = run(client, base, {"cmd": {f"c{n}": "server.time" for n in range(51)}})

    assert len(sections["result"]) == 50 and "c50" not in sections["result"]
    assert sections["result_error"]["c50"]["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"


@pytest.mark.parametrize(
    ("bad", "command", "code"),
    [
        ("a reference to no command", "user.get?ID=$result[nothing][ID]", "ERROR_ARGUMENT"),
        ("a reference past the end of a list", "user.get?ID=$result[all][5][ID]",
         "ERROR_ARGUMENT"),
        ("a reference to a field that is not there", "user.get?ID=$result[all][0][NOPE]",
         "ERROR_ARGUMENT"),
        ("a batch inside the batch", "batch?cmd[0]=server.time", "ERROR_BATCH_METHOD_NOT_ALLOWED"),
        ("a command that is no string", {"method": "server.time"}, "ERROR_ARGUMENT"),
        ("a bad value in the command", "user.get?start=abc", "ERROR_ARGUMENT"),
    ],
)  # fmt: skip
def test_a_bad_command_fails_alone(client, hook, bad, command, code):
    _webhook, base = hook

    sections = run(client, base, {"cmd": {"all": "user.get", "bad": command, "after": "profile"}})

    assert sections["result_error"]["bad"]["error"] == code, bad
    assert sections["result_error"]["bad"]["error_description"]
    assert list(sections["result"]) == ["all", "after"]


@pytest.mark.parametrize(
    ("bad", "body"),
    [("no cmd", {"halt": 0}), ("a cmd that is a string", {"cmd": "server.time"}),
     ("a halt that is no flag", {"cmd": ["server.time"], "halt": "maybe"})],
)  # fmt: skip
def test_a_batch_without_commands_is_refused(client, hook, bad, body):
    _webhook, base = hook

    refused(client.post(base + "batch", body, content_type="application/json"),
            400, "ERROR_ARGUMENT")  # fmt: skip


def _savepoints(queries) -> int:
    return sum(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries)


def test_the_commands_of_a_batch_of_reads_run_without_savepoints_of_their_own(client, hook):
    _webhook, base = hook
    reads = {"all": "user.get", "pages": "crm.company.list?start=0", "fields": "crm.deal.fields",
             "bad": "crm.company.get?id=0"}  # fmt: skip
    writes = {**reads, "add": "crm.company.add?fields[TITLE]=Acme"}

    with CaptureQueriesContext(connection) as reading:
        read = run(client, base, {"cmd": reads})
    with CaptureQueriesContext(connection) as writing:
        written = run(client, base, {"cmd": writes})

    assert list(read["result"]) == ["all", "pages", "fields"]
    assert list(read["result_error"]) == ["bad"]  # a refused read (no id 0) fails alone
    assert _savepoints(reading) == 1  # the call's own
    assert list(written["result"]) == ["all", "pages", "fields", "add"]
    assert _savepoints(writing) >= 1 + len(writes)  # a batch that writes: one per command
