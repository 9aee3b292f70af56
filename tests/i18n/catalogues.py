"""Reading the committed catalogues and extracting the strings afresh, for the i18n tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Left out of the copy: not our strings (what makemessages is told to ignore), caches, files.
NOT_OURS = {
    ".venv",
    "node_modules",
    ".git",
    "var",
    "staticfiles",
    "locale",
    "__pycache__",
    ".hypothesis",
    ".ruff_cache",
    ".benchmarks",
    "test-results",
    "media",
}


def catalogue_path(language: str, root: Path = ROOT) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def read_catalogue(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def untranslated(catalogue) -> list[str]:
    """The msgids of the entries that are empty (any plural form) or fuzzy."""
    found = []
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            found.append(message.id[0] if isinstance(message.id, tuple) else message.id)
    return found


def fresh_extraction(destination: Path, languages: list[str], extra: dict | None = None) -> Path:
    """A copy of the project whose catalogues makemessages has brought up to date with the
    code as it is: a string added to the code and not to a catalogue is an empty entry there,
    a changed one a fuzzy entry. ``extra``: files to add to the copy first ({path: text}).
    Returns the copy's root."""
    copy = destination / "project"
    shutil.copytree(ROOT, copy, ignore=lambda folder, names: NOT_OURS & set(names))
    shutil.copytree(ROOT / "locale", copy / "locale", ignore=shutil.ignore_patterns("*.mo"))
    for relative, text in (extra or {}).items():
        (copy / relative).write_text(text)
    command = [sys.executable, "manage.py", "makemessages", "--ignore=.venv"]
    command += ["--ignore=node_modules", *(f"--locale={code}" for code in languages)]
    # The copy imports its own code: its folder first on the path.
    path = os.pathsep.join(filter(None, [str(copy), os.environ.get("PYTHONPATH", "")]))
    environment = {**os.environ, "PYTHONPATH": path}
    subprocess.run(command, cwd=copy, check=True, capture_output=True, env=environment)
    return copy
