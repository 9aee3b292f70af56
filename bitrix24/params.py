"""A call's parameters, decoded as Bitrix24 (PHP) decodes them, and the lenient readers of
their values.

The query string and the body (form-encoded, multipart or JSON) make one map, the body's
top-level names replacing the query's. Bracketed names nest as PHP's ``parse_str`` nests them
(``filter[>=ID]=5``, ``fields[PHONE][0][VALUE]=1``, ``select[]=ID``); a map whose keys are
``0..n-1`` becomes a list, as PHP's ``json_encode`` would show it. Top-level names are
lower-cased, so methods read ``params["filter"]`` whether ``FILTER`` or ``Filter`` was sent.
Everything from a query string is a string; only JSON carries numbers, booleans and null:
hence ``to_int``, ``to_bool``, ``is_none`` and ``as_list``.
"""

import json
import re
from urllib.parse import unquote_plus

from .errors import bad_argument

# PHP's own defaults (max_input_nesting_level is 64, max_input_vars 1000), a little stricter.
MAX_DEPTH = 32
MAX_ITEMS = 1000

_WIRE_NAME = re.compile(r"[^=\[]*(?:\[[^\]]*\][^=\[]*)*")
_NAME = re.compile(r"([^\[]+)((?:\[[^\[\]]*\])*)\Z")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def decode(query: str, body: bytes, content_type: str, form_pairs=None) -> dict:
    """The merged parameters of a call. ``form_pairs`` are the fields of a multipart body,
    already split by Django. Raises the 400 ``ERROR_ARGUMENT`` RestError on malformed input."""
    params = parse_query(query)
    if form_pairs is not None:
        params.update(_nest(form_pairs))
    elif body:
        is_json = content_type == "application/json"
        params.update(_parse_json(body) if is_json else _parse_form(body))
    return {str(name).lower(): value for name, value in params.items()}


def parse_query(query: str) -> dict:
    """``a[b][]=1&c=2`` as PHP's ``parse_str`` reads it (also a batch command's query)."""
    pieces = [piece for piece in query.split("&") if piece]
    if len(pieces) > MAX_ITEMS:
        raise bad_argument(f"More than {MAX_ITEMS} parameters.")
    return _nest((unquote_plus(name), unquote_plus(value)) for name, value in map(_split, pieces))


def _split(piece: str) -> tuple[str, str]:
    """Name and value. Kinder than PHP, which cuts at the first ``=``: an unencoded ``=``
    inside brackets (``filter[>=ID]=5``, as people type it) stays in the name."""
    name = _WIRE_NAME.match(piece)[0]
    rest = piece[len(name) :]
    if not rest:
        return name, ""
    if rest[0] == "=":
        return name, rest[1:]
    name, _, value = piece.partition("=")  # an unclosed bracket: refused by _nest
    return name, value


def _parse_form(body: bytes) -> dict:
    try:
        return parse_query(body.decode())
    except UnicodeDecodeError:
        raise bad_argument("The form body is not UTF-8.") from None


def _parse_json(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise bad_argument("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise bad_argument("The JSON body must be an object.")
    _check_size(data)
    return data


def _check_size(data) -> None:
    """Walks without recursion: the point is to refuse what is nested too deeply."""
    pending, items = [(data, 0)], 0
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise bad_argument(f"Parameters nested deeper than {MAX_DEPTH} levels.")
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            items += 1
            if items > MAX_ITEMS:
                raise bad_argument(f"More than {MAX_ITEMS} values.")
            if isinstance(child, dict | list):
                pending.append((child, depth + 1))


def _nest(pairs) -> dict:
    root: dict = {}
    for name, value in pairs:
        match = _NAME.match(name)
        if match is None:
            raise bad_argument(f"Malformed parameter name {name!r}.", name)
        path = [match[1], *_SEGMENT.findall(match[2])]
        if len(path) > MAX_DEPTH:
            raise bad_argument(f"Parameters nested deeper than {MAX_DEPTH} levels.", name)
        _assign(root, path, value)
    return {name: _listed(value) for name, value in root.items()}  # the top stays a map


def _assign(node: dict, path: list[str], value: str) -> None:
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        if key == "":
            if last and value == "":
                return  # ``key[]=`` names an empty array
            key = str(_next_index(node))
        if last:
            node[key] = value
        else:
            if not isinstance(node.get(key), dict):
                node[key] = {}  # a later bracketed name replaces a scalar, as in PHP
            node = node[key]


def _next_index(node: dict) -> int:
    numbers = [int(k) for k in node if k.isdigit()]
    return max(numbers) + 1 if numbers else 0


def _listed(node):
    """Maps keyed ``0..n-1`` as lists, bottom up (the recursion is bounded by MAX_DEPTH)."""
    if not isinstance(node, dict):
        return node
    return php_shaped({key: _listed(child) for key, child in node.items()})


def php_shaped(mapping: dict):
    """A map keyed ``"0".."n-1"`` as a list, and an empty one as ``[]``, as PHP shows them."""
    if list(mapping) == [str(n) for n in range(len(mapping))]:
        return list(mapping.values())
    return mapping


def to_int(value, name: str) -> int:
    """``5``, ``"5"``, ``" 5 "``; anything else (``true``, ``"5.5"``, ``"five"``) is a 400."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
        return int(value)
    raise bad_argument(f"Parameter '{name}' must be an integer.", name)


_TRUE = frozenset({"y", "true", "1"})
_FALSE = frozenset({"n", "false", "0", ""})


def to_bool(value, name: str) -> bool:
    """``Y``/``N``, ``true``/``false`` (JSON or any case, as batch encoders send ``True``),
    ``1``/``0``; anything else is a 400."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | str):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise bad_argument(f"Parameter '{name}' must be Y or N.", name)


def is_none(value) -> bool:
    """Null as the clients send it: JSON ``null``, an empty string, or the string ``None``
    (Python's ``str(None)`` in batch commands)."""
    return value is None or (isinstance(value, str) and value.strip() in ("", "None"))


def as_list(value) -> list:
    """A list however it came: a JSON list, a PHP map ``{"0": ..}``, or a single value."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def as_map(params: dict, name: str) -> dict:
    """The map parameter ``name`` (``fields``, ``filter``, ``order``...), ``{}`` when absent;
    Bitrix24's 400 when it is something else (an empty PHP array arrives as ``[]``)."""
    value = params.get(name)
    if value is None or value == []:
        return {}
    if not isinstance(value, dict):
        raise bad_argument(f"Parameter '{name}' must be array.", name)
    return value


def item_id(params: dict) -> int:
    """The ``id`` (or ``ID``) of a get/update/delete: a positive integer, or Bitrix24's 400."""
    value = params.get("id")
    if isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).strip()
        if text.isdigit() and 0 < int(text) < 2**63:
            return int(text)
    raise bad_argument("ID is not defined or invalid.", "id")
