"""The cooperations tests read the pages and the API's messages in English: their assertions
name the texts as the code writes them. The French of the module is checked by
tests/core/test_translations.py (complete catalogue) and by the browser tests, which run in French."""

import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
