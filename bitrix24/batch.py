"""``batch``: up to 50 commands ``"method?php-query"`` run in order as the caller, later ones
reading earlier answers through ``$result[key][...]`` (also ``$next``, ``$total``).

Each command runs in its own savepoint: a refused one leaves no trace, the others stay, as in
Bitrix24. The commands of a batch of reads only (``*.list``, ``*.get``, ``*.fields``: what the
clients send to walk a list, 50 pages at a time) run without: a refused read leaves nothing to
undo, and ``SAVEPOINT`` and ``RELEASE`` were two of a page's three round trips to the server
(on a busy machine, each waits its turn for the CPU). The answer is always a 200 with the five
sections b24pysdk reads, each shaped as PHP's ``json_encode`` would (keys ``0..n-1`` a list,
nothing ``[]``).
"""

import contextlib
import re

from django.db import transaction

from . import methods
from .envelope import lifted, time_block, timed
from .errors import RestError, bad_argument
from .params import parse_query, php_shaped, to_bool

MAX_COMMANDS = 50

_REFERENCE = re.compile(r"\$(result|next|total)\[([^\[\]]*)\]((?:\[[^\[\]]*\])*)")
_KEY = re.compile(r"\[([^\[\]]*)\]")
_SECTIONS = {"result": "result", "next": "result_next", "total": "result_total"}
# The methods that only read, by the end of their name (Bitrix24's naming: ``crm.deal.list``,
# ``crm.contact.company.items.get``, ``crm.lead.fields``).
_READS = (".list", ".get", ".fields")


def _resolve(match: re.Match, sections: dict):
    """What ``$result[cmd][0][ID]`` names; a 400 for a reference to nothing."""
    node = sections[_SECTIONS[match[1]]]
    for key in [match[2], *_KEY.findall(match[3])]:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise bad_argument(f"The reference {match[0]} names no result.")
    return node


def _substituted(value, sections: dict):
    """``value`` with its references replaced: a value that is one reference takes what it
    names (a list, a number...); one inside longer text takes only text, as in Bitrix24."""
    if isinstance(value, dict):
        return {k: _substituted(v, sections) for k, v in value.items()}
    if isinstance(value, list):
        return [_substituted(v, sections) for v in value]
    if not isinstance(value, str) or "$" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        return _resolve(whole, sections)

    def text(match):
        found = _resolve(match, sections)
        return found if isinstance(found, str) else match[0]

    return _REFERENCE.sub(text, value)


def _commands(given) -> list[tuple[str, object]]:
    if isinstance(given, list):
        return [(str(n), command) for n, command in enumerate(given)]
    if isinstance(given, dict):
        return [(str(key), command) for key, command in given.items()]
    raise bad_argument("Parameter 'cmd' must be array.", "cmd")


def _reads_only(commands: list[tuple[str, object]]) -> bool:
    """Whether every command names, before its ``?``, a method that only reads."""
    for _key, command in commands[:MAX_COMMANDS]:
        if not isinstance(command, str):
            return False
        name = command.partition("?")[0].strip().lower()
        if not name.endswith(_READS):
            return False
    return True


def _run(user, number: int, command, sections: dict, *, isolated: bool):
    if number >= MAX_COMMANDS:
        raise RestError("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
    if not isinstance(command, str):
        raise bad_argument("A command is a string: method?parameters.")
    name, _, query = command.partition("?")
    found = methods.find(name.strip())
    if found.name == "batch":
        raise RestError("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage",
                        405)  # fmt: skip
    params = {k.lower(): _substituted(v, sections) for k, v in parse_query(query).items()}
    with transaction.atomic() if isolated else contextlib.nullcontext():
        return timed(found.func, user, params)


@methods.method("batch")
def batch(user, params):
    halt = to_bool(params.get("halt", False), "halt")
    commands = _commands(params.get("cmd"))
    isolated = not _reads_only(commands)
    sections = {name: {} for name in ("result", "result_error", "result_total", "result_next",
                                      "result_time")}  # fmt: skip
    for number, (key, command) in enumerate(commands):
        try:
            answer, started, processing = _run(user, number, command, sections,
                                               isolated=isolated)  # fmt: skip
        except RestError as error:
            sections["result_error"][key] = error.body()
            if halt:
                break
            continue
        body = lifted(answer)
        sections["result"][key] = body["result"]
        for name in ("total", "next"):
            if name in body:
                sections[f"result_{name}"][key] = body[name]
        sections["result_time"][key] = time_block(started, processing)
    return {name: php_shaped(section) for name, section in sections.items()}
