"""Settings read on every page (custom field definitions, card layouts), kept in each process
and read again when a write in this process says so or, at most once a second, when the
version shared through the cache (Redis in production) shows another process changed them."""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

RECHECK_SECONDS = 1.0


class SharedSettings:
    """What ``load()`` reads from the database, kept as described above."""

    every: list["SharedSettings"] = []

    def __init__(self, name: str, load: Callable[[], object]):
        self.version_key = f"crm:{name}-version"
        self.load = load
        self.forget()
        SharedSettings.every.append(self)

    @classmethod
    def forget_all(cls) -> None:
        """Forget every kept setting in this process (tests: a rolled-back change)."""
        for settings in cls.every:
            settings.forget()

    def forget(self) -> None:
        """Read again when next asked (this process only)."""
        self.version, self.checked, self.value = None, 0.0, None

    def changed(self) -> None:
        """Read again here, and tell the other processes once the change is committed."""
        self.forget()
        transaction.on_commit(self.bump)

    def bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:
            cache.set(self.version_key, 1, timeout=None)

    def get(self):
        now = time.monotonic()
        if self.value is None or now - self.checked > RECHECK_SECONDS:
            version = cache.get(self.version_key, 0)
            if self.value is None or version != self.version:
                self.value, self.version = self.load(), version
            self.checked = now
        return self.value
