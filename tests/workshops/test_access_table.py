"""The workshops' pages seen by the people of a workshop (builders.WORKSHOP_ROLES): who may, and
who may not. The rows are in tests/workshops/access_*.py, gathered by access.py."""

from __future__ import annotations

import pytest

from tests.workshops.access import WORKSHOP_ROUTES
from tests.workshops.builders import (
    WORKSHOP_ROLES,
    WorkshopRoute,
    expected_of,
    outcome_of,
)


@pytest.mark.parametrize("role", WORKSHOP_ROLES)
@pytest.mark.parametrize("route", WORKSHOP_ROUTES, ids=lambda r: r.id)
def test_workshop_access(route: WorkshopRoute, role: str, scene) -> None:
    got = outcome_of(route, role, scene)
    assert got == expected_of(route, role, scene)


def test_every_row_names_every_role() -> None:
    for route in WORKSHOP_ROUTES:
        assert set(route.expect) == set(WORKSHOP_ROLES), route.id


def test_the_table_is_not_empty() -> None:
    """Guards the guard: a table that gathered nothing would pass vacuously."""
    names = {route.name for route in WORKSHOP_ROUTES}
    assert {"workshops:detail", "workshops:structure", "workshops:guest"} <= names
