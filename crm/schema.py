"""The OpenAPI schema: generated once per process and language, served to signed-in users.

``SERVE_PERMISSIONS`` (settings) keeps the schema and its docs page from anonymous visitors;
``CachedSchemaGenerator`` is the ``generator_class`` of the schema view (crm/urls.py).
"""

from typing import ClassVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from rest_framework.settings import api_settings


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
