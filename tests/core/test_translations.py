"""The French and English catalogues are complete, and the compiled files match their sources."""

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "riposte" / "locale"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalogue_is_complete(language):
    po = polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == [], (untranslated, fuzzy)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_compiled_catalogue_matches_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = {
        (e.msgid, e.msgstr)
        for e in polib.pofile(folder / "django.po")
        if not e.obsolete and not e.msgid_plural
    }
    mo = {(e.msgid, e.msgstr) for e in polib.mofile(folder / "django.mo") if not e.msgid_plural}
    assert po - mo == set(), "run `cd riposte && django-admin compilemessages`"


def test_placeholders_survive_translation():
    po = polib.pofile(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    for entry in po.translated_entries():
        for target in [entry.msgstr, *entry.msgstr_plural.values()]:
            if not target:
                continue
            for name in (
                "%(author)s",
                "%(count)s",
                "%(line)s",
                "%(provider)s",
                "%(email)s",
                "%(name)s",
            ):
                if name in entry.msgid:
                    assert name in target, (entry.msgid, target)


def test_french_is_the_default_and_english_is_a_switch_away(db):
    client = Client()
    page = client.get("/auth/login/").content.decode()
    assert '<html lang="fr">' in page and "Se connecter à Riposte" in page
    client.post("/language/", {"language": "en", "next": "/auth/login/"})
    page = client.get("/auth/login/").content.decode()
    assert '<html lang="en">' in page and "Log in to Riposte" in page
    with translation.override("fr"):
        assert translation.gettext("Directory") == "Annuaire"
