"""Bitrix24's error answers: ``{"error": <code>, "error_description": <text>}`` with a non-2xx
status (clients decide by the status, some never read the body)."""

import functools

from django.core.exceptions import PermissionDenied, ValidationError


class RestError(Exception):
    """A refusal as Bitrix24 words it. ``code`` may be empty: legacy CRM methods fail with
    ``{"error": "", ...}`` and HTTP 400. ``argument`` names the parameter at fault."""

    def __init__(self, code: str, description: str, status: int = 400, argument: str = ""):
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status
        self.argument = argument

    def body(self) -> dict:
        body = {"error": self.code, "error_description": self.description}
        if self.argument:
            body["argument"] = self.argument
        return body


def invalid_credentials() -> RestError:
    return RestError("INVALID_CREDENTIALS", "Invalid request credentials", 401)


def method_not_found() -> RestError:
    return RestError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)


def query_limit_exceeded() -> RestError:
    """A webhook over its rate: 503, which the clients retry after a pause."""
    return RestError("QUERY_LIMIT_EXCEEDED", "Too many requests", 503)


def bad_argument(description: str, argument: str = "") -> RestError:
    return RestError("ERROR_ARGUMENT", description, 400, argument)


def refusals_as_errors(func):
    """``func`` with the services' refusals worded as Bitrix24 words them, never a 500: a bad
    value 400 ``ERROR_ARGUMENT``, a forbidden action 403 ``ACCESS_DENIED``."""

    @functools.wraps(func)
    def calling(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationError as error:
            raise bad_argument("; ".join(error.messages)) from None
        except PermissionDenied as error:
            raise RestError("ACCESS_DENIED", str(error) or "Access denied!", 403) from None

    return calling


def not_found(description: str = "Not found") -> RestError:
    """What a missing item and one hidden from the caller both answer: nothing tells them
    apart (b24pysdk raises its ``BitrixAPINotFound`` on the code)."""
    return RestError("NOT_FOUND", description, 400)
