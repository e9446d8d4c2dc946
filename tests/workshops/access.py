"""The workshops module's rows of the access tables, gathered by tests/test_access.py (ROUTES),
tests/test_api_access.py (API_ROUTES) and tests/workshops/test_access_table.py (WORKSHOP_ROUTES:
the same pages seen by the people of a workshop, guests included; see builders.WORKSHOP_ROLES).

Each part keeps its rows in a module of its own (structure, board, roadmap, report), so that work
on one does not touch the others; a part not written yet has no module, or empty lists.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from tests.access_table import Route

PARTS = ("access_structure", "access_board", "access_roadmap", "access_report")

ROUTES: list[Route] = []
# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {}
# tests.workshops.builders.WorkshopRoute rows.
WORKSHOP_ROUTES: list[Any] = []
for _part in PARTS:
    if importlib.util.find_spec(f"tests.workshops.{_part}") is None:
        continue
    _module = importlib.import_module(f"tests.workshops.{_part}")
    ROUTES += getattr(_module, "ROUTES", [])
    API_ROUTES.update(getattr(_module, "API_ROUTES", {}))
    WORKSHOP_ROUTES += getattr(_module, "WORKSHOP_ROUTES", [])
