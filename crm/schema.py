"""The OpenAPI schema: every answer documented, generated once per process and language,
served to signed-in users.

``SERVE_PERMISSIONS`` (settings) keeps the schema and its docs page from anonymous visitors;
``CachedSchemaGenerator`` is the ``generator_class`` of the schema view (crm/urls.py);
``ContractAutoSchema`` (``DEFAULT_SCHEMA_CLASS``) adds the refusals of every operation.
"""

from typing import ClassVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework.settings import api_settings

_DETAIL = {"type": "string", "description": "What went wrong, in the reader's language."}

# The bodies of crm.api.exception_handler's refusals, each one component.
ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"detail": _DETAIL},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": "Field name (or ``detail`` for the whole request, ``values.<code>`` for "
        "a value of a requisite) -> what is wrong with it: a list of messages, or for a "
        "nested object or list its own errors.",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    },
    "EditConflict": {
        "type": "object",
        "properties": {
            "detail": _DETAIL,
            "current": {
                "type": "object",
                "description": "The item as it is now (only id and version when it is no "
                "longer yours to read).",
                "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}},
                "required": ["id"],
            },
            "changes": {
                "type": "object",
                "description": "Field code -> what others changed since your version.",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string"},
                        "original": {"type": "string", "description": "In your version."},
                        "current": {"type": "string", "description": "Now."},
                        "authors": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["label", "original", "current", "authors"],
                },
            },
        },
        "required": ["detail", "current", "changes"],
    },
}

_REFUSALS = {
    "400": ("ValidationError", "The request is invalid: its errors by field."),
    "401": ("Error", "No valid credentials (a session or ``Authorization: Token <key>``)."),
    "403": ("Error", "Not allowed: the right is missing, or the item is out of reach for it."),
    "404": ("Error", "No such item, or not one you may read (or an invalid cursor)."),
    "409": ("EditConflict", "Someone else changed the item since the version you gave."),
    "413": ("Error", "The request body is too large."),
    "415": ("Error", "The body is not JSON (``Content-Type: application/json``)."),
}
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class ContractAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, documenting with each operation the refusals it can
    answer with (``crm.api.exception_handler``'s bodies, one component each):

    every operation may answer 401 and 403; one with path parameters or a cursor 404; one
    with a body or query parameters, or a DELETE, 400; one with a body 413 and 415; one whose
    body takes a ``version`` 409.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for code in self.refusals(operation):
            name, description = _REFUSALS[code]
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_SCHEMAS[name]
            )
            registry.register_on_missing(component)
            operation["responses"].setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": component.ref}},
                },
            )
        return operation

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            # The FilterSet is the list page's too, whose forms send empty fields: no filter.
            parameter["allowEmptyValue"] = True
        return parameters

    def refusals(self, operation: dict) -> list[str]:
        locations = {parameter["in"] for parameter in operation.get("parameters", ())}
        has_body = self.method in _BODY_METHODS
        codes = ["401", "403"]
        if "path" in locations or (self._is_list_view() and self._get_paginator() is not None):
            codes.append("404")
        if has_body or "query" in locations or self.method == "DELETE":
            codes.append("400")  # a delete the services refuse (a default pipeline, ...)
        if has_body:
            codes += ["413", "415"]
            if self._takes_version():
                codes.append("409")
        return sorted(codes)

    def _takes_version(self) -> bool:
        serializer = force_instance(self.get_request_serializer())
        return "version" in getattr(serializer, "fields", {})


class CachedSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, building each schema once per process, then reusing it.

    Generating walks every endpoint and serializer (1-2 s of CPU) and the result depends only
    on the code and settings, fixed for the life of a process, and on the language of its
    texts and the API version asked for, which make the key. Both are bounded, so that no
    request can fill the memory: a language outside ``LANGUAGES`` is served (and built) as its
    supported variant or ``LANGUAGE_CODE``, a version outside DRF's ``ALLOWED_VERSIONS`` (none
    are, the API is not versioned) as no version. The schema view serves every endpoint
    whoever asks (``SERVE_PUBLIC``), so the schema never depends on the reader either.
    Changing the settings it reads (``override_settings`` in tests) empties the cache.
    """

    _built: ClassVar[dict[tuple, dict]] = {}

    def get_schema(self, request=None, public=False):
        if self.api_version not in (api_settings.ALLOWED_VERSIONS or ()):
            self.api_version = None
        language = self.language()
        key = (language, self.api_version, public)
        if key not in self._built:
            with translation.override(language):
                self._built[key] = super().get_schema(request=request, public=public)
        return self._built[key]

    @staticmethod
    def language() -> str:
        try:
            return translation.get_supported_language_variant(translation.get_language() or "")
        except LookupError:
            return settings.LANGUAGE_CODE

    @classmethod
    def clear(cls) -> None:
        cls._built.clear()


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting in {"SPECTACULAR_SETTINGS", "REST_FRAMEWORK", "LANGUAGES", "LANGUAGE_CODE"}:
        CachedSchemaGenerator.clear()
