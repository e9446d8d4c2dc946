"""The workshops tests read pages and API messages in English (the French catalogue is checked by
tests/core/test_translations.py and by the browser tests, which run in French).

`scene` is one workshop seen by every kind of person the access tables know (builders.py)."""

from __future__ import annotations

import pytest

from tests.workshops.builders import Scene, make_scene


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def scene(actors) -> Scene:
    return make_scene(actors)
