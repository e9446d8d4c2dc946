"""The coffee tests read pages and API messages in English (the French catalogue is checked by
tests/core/test_translations.py and by the browser tests, which run in French)."""

import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
