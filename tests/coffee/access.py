"""The coffee module's rows of the access table, gathered by tests/test_access.py.

Each part keeps its rows in a module of its own (rounds and groups, rooms, statistics, the API),
so that work on one does not touch the others; a part not written yet has no module. Same for the
API table (tests/test_api_access.py): API_ROUTES below.
"""

from __future__ import annotations

import importlib
import importlib.util

from tests.access_table import Route

PARTS = ("access_rounds", "access_exclusions", "access_rooms", "access_stats", "access_api")

ROUTES: list[Route] = []
# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {}
for _part in PARTS:
    if importlib.util.find_spec(f"tests.coffee.{_part}") is None:
        continue
    _module = importlib.import_module(f"tests.coffee.{_part}")
    ROUTES += getattr(_module, "ROUTES", [])
    API_ROUTES.update(getattr(_module, "API_ROUTES", {}))
