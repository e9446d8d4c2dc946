"""The cooperations module's rows of the access table, gathered by tests/test_access.py.

Each concept keeps its rows in a module of its own (actors and cooperations, the graph and the
map, debriefs, the guide), so that work on one does not touch the others. Same for the API table
(tests/test_api_access.py): API_ROUTES below.
"""

from __future__ import annotations

from tests.access_table import Route
from tests.cooperations import access_actors, access_debriefs, access_graph, access_guide

ROUTES: list[Route] = [
    *access_actors.ROUTES,
    *access_graph.ROUTES,
    *access_debriefs.ROUTES,
    *access_guide.ROUTES,
]

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {
    **getattr(access_actors, "API_ROUTES", {}),
    **getattr(access_graph, "API_ROUTES", {}),
    **getattr(access_debriefs, "API_ROUTES", {}),
    **getattr(access_guide, "API_ROUTES", {}),
}
