"""The norms module's rows of the access table, gathered by tests/test_access.py.

Each concept keeps its rows in a module of its own (the register and the debate, consultations
and decisions, the calendar), so that work on one does not touch the others. Same for the API
table (tests/test_api_access.py): API_ROUTES below.
"""

from __future__ import annotations

from tests.access_table import Route
from tests.norms import access_api, access_consultations, access_register

ROUTES: list[Route] = [*access_register.ROUTES, *access_consultations.ROUTES]

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {**access_api.API_ROUTES}
