import json

import pytest

from bitrix24.errors import RestError
from bitrix24.params import MAX_DEPTH, MAX_ITEMS, as_list, decode, is_none, to_bool, to_int


def query(text: str) -> dict:
    return decode(text, b"", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("filter[>=ID]=5", {"filter": {">=ID": "5"}}),
        ("filter%5B%3E%3DID%5D=5", {"filter": {">=ID": "5"}}),
        ("filter[%3D%25TITLE]=Acme", {"filter": {"=%TITLE": "Acme"}}),
        ("fields[PHONE][0][VALUE]=%2B1555&fields[PHONE][0][VALUE_TYPE]=WORK",
         {"fields": {"PHONE": [{"VALUE": "+1555", "VALUE_TYPE": "WORK"}]}}),
        ("select[]=ID&select[]=TITLE", {"select": ["ID", "TITLE"]}),
        ("select[0]=ID&select[1]=TITLE", {"select": ["ID", "TITLE"]}),
        ("select[]=", {"select": []}),
        ("order[ID]=DESC", {"order": {"ID": "DESC"}}),
        ("fields[TITLE]=Acme+Ltd", {"fields": {"TITLE": "Acme Ltd"}}),
        ("filter[ID][0]=1&filter[ID][1]=2", {"filter": {"ID": ["1", "2"]}}),
        ("id=5&ID=6", {"id": "6"}),
        ("FILTER[ID]=1", {"filter": {"ID": "1"}}),
        ("a=1&a[b]=2", {"a": {"b": "2"}}),
        ("flag", {"flag": ""}),
    ],
)  # fmt: skip
def test_brackets_nest_as_php_parse_str_does(text, expected):
    assert query(text) == expected


def test_the_body_replaces_same_named_query_parameters():
    form = decode("start=0&id=1", b"id=2&fields[TITLE]=X", "application/x-www-form-urlencoded")
    as_json = decode("start=0&id=1", json.dumps({"id": 2}).encode(), "application/json")

    assert form == {"start": "0", "id": "2", "fields": {"TITLE": "X"}}
    assert as_json == {"start": "0", "id": 2}


@pytest.mark.parametrize(
    ("bad", "text"),
    [
        ("an unclosed bracket", "filter[>=ID=5"),
        ("a name that is only brackets", "[a]=1"),
        ("text after the brackets", "filter[ID]x=1"),
        ("brackets nested too deep", "a" + "[b]" * MAX_DEPTH + "=1"),
        ("too many parameters", "&".join(f"k{n}=1" for n in range(MAX_ITEMS + 1))),
    ],
)
def test_malformed_query_strings_are_argument_errors(bad, text):
    with pytest.raises(RestError) as refused:
        query(text)
    assert (refused.value.status, refused.value.code) == (400, "ERROR_ARGUMENT"), bad


def nested(depth: int) -> bytes:
    return b'{"a": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    ("bad", "body"),
    [
        ("broken JSON", b'{"id": '),
        ("a JSON list", b"[1, 2]"),
        ("JSON nested too deep", nested(MAX_DEPTH + 2)),
        ("JSON nested past the parser's recursion", nested(100_000)),
        ("a huge JSON array", json.dumps({"a": list(range(MAX_ITEMS + 1))}).encode()),
        ("a form body that is not UTF-8", b"a=\xff\xfe"),
    ],
)  # fmt: skip
def test_malformed_bodies_are_argument_errors(bad, body):
    is_form = bad.startswith("a form")
    content_type = "application/x-www-form-urlencoded" if is_form else "application/json"
    with pytest.raises(RestError) as refused:
        decode("", body, content_type)
    assert (refused.value.status, refused.value.code) == (400, "ERROR_ARGUMENT"), bad


@pytest.mark.parametrize("value", [True, "Y", "y", "true", "True", "1", 1])
def test_to_bool_yes(value):
    assert to_bool(value, "x") is True


@pytest.mark.parametrize("value", [False, "N", "false", "False", "0", 0, ""])
def test_to_bool_no(value):
    assert to_bool(value, "x") is False


@pytest.mark.parametrize("bad", ["maybe", None, [], 2])
def test_to_bool_refuses_what_is_no_flag(bad):
    with pytest.raises(RestError):
        to_bool(bad, "x")


def test_to_int_reads_numbers_and_numeric_strings():
    assert [to_int(5, "x"), to_int("5", "x"), to_int(" -3 ", "x")] == [5, 5, -3]


@pytest.mark.parametrize("bad", [True, "5.5", "five", None, 5.0, "9" * 19])
def test_to_int_refuses_what_is_no_integer(bad):
    with pytest.raises(RestError) as refused:
        to_int(bad, "start")
    assert refused.value.argument == "start"


def test_none_and_lists_as_the_clients_send_them():
    assert [is_none(v) for v in (None, "", "None", " ", "0", "none", 0)] == [
        True, True, True, True, False, False, False,
    ]  # fmt: skip
    assert as_list(["1"]) == as_list({"0": "1"}) == as_list("1") == ["1"]
