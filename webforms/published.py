"""The forms the public endpoints serve, with their fields, kept in each process: a post
reads its form without a query. Read again when a form service in this process writes, or
within a second when another process has (``dictionaries.shared_cache``)."""

from dictionaries.shared_cache import SharedSettings

from .models import WebForm


def _load() -> dict[str, WebForm]:
    return {form.key: form for form in WebForm.objects.prefetch_related("fields")}


published = SharedSettings("webforms", _load)


def form_at(key: str) -> WebForm | None:
    """The form published at ``key`` (active or not), its fields prefetched; None if none.
    Shared between requests: read it, never change it."""
    return published.get().get(key)
