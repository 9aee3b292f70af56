"""Every string of the CRM is translated in every catalogue, and the compiled catalogues the
CRM runs with are the committed ones."""

import shutil

import pytest
from babel.messages.mofile import read_mo

from tests.conftest import require

from .catalogues import (
    LANGUAGES,
    catalogue_path,
    fresh_extraction,
    read_catalogue,
    untranslated,
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The project's catalogues as makemessages leaves them after reading the code now."""
    require(shutil.which("xgettext") is not None, "makemessages needs gettext's xgettext")
    return fresh_extraction(tmp_path_factory.mktemp("messages"), LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_code_is_translated(extracted, language):
    """A string added to the code (``{% translate "X" %}``, ``gettext_lazy("X")``) and not to
    the catalogue is an empty entry after makemessages, a changed one a fuzzy entry: none."""
    catalogue = read_catalogue(catalogue_path(language, extracted))
    assert untranslated(catalogue) == []
    assert len(catalogue) > 1000  # the whole CRM, not an empty extraction


def test_a_new_string_without_translation_is_found(tmp_path):
    """The check above can fail: a template with a string no catalogue has yet."""
    require(shutil.which("xgettext") is not None, "makemessages needs gettext's xgettext")
    template = '{% load i18n %}<p>{% translate "A sentence nobody translated yet" %}</p>'
    copy = fresh_extraction(tmp_path, ["ru"], {"templates/new_page.html": template})
    assert untranslated(read_catalogue(catalogue_path("ru", copy))) == [
        "A sentence nobody translated yet"
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_is_complete(language):
    """Also without gettext: nothing in the committed catalogue is empty or fuzzy."""
    path = catalogue_path(language)
    assert path.exists(), f"{path} is missing"
    assert untranslated(read_catalogue(path)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_committed_one(language):
    """The CRM runs with the compiled catalogue: after a change of the .po, ``make install``
    (or ``make test``) compiles it again."""
    po = read_catalogue(catalogue_path(language))
    mo_path = catalogue_path(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run make install"
    with mo_path.open("rb") as file:
        mo = read_mo(file)
    assert _messages(mo) == _messages(po), f"{mo_path} is older than its .po: run make install"


def _messages(catalogue) -> dict:
    """{(context, msgid): msgstr}; Babel reads a context from a .mo as bytes, plurals as lists."""

    def plain(value):
        if isinstance(value, bytes):
            return value.decode()
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(plain(m.context), plain(m.id)): plain(m.string) for m in catalogue if m.id}
