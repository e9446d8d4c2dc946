"""Rows of the access table for the cooperations module's graph, map and their exports (see
tests/cooperations/access.py), and of the API table for the graph endpoint.

The network is open to every logged-in agent: it shows who cooperated with whom, never anybody's
contact details. A visitor who is not logged in is sent to the login page (401 on the API).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.access_table import Route, logged_in
from tests.cooperations.builders import make_actor, make_cooperation, make_event


def _with_a_cooperation(name: str, query: str = "") -> Any:
    """The page or export of a network that holds a cooperation, filtered by its emergency."""

    def build(actors: dict[str, Any]) -> str:
        event = make_event()
        make_cooperation(
            [
                make_actor("Secours populaire de Bondy", by=actors["facilitator"]),
                make_actor("Mairie de Bondy", "commune", by=actors["facilitator"]),
            ],
            by=actors["agent"],
            event=event,
        )
        return f"{reverse(name)}?event={event.pk}{query}"

    return build


ROUTES: list[Route] = [
    Route("cooperations:graph", "GET", logged_in(200)),
    Route("cooperations:graph", "GET", logged_in(200), path=_with_a_cooperation("cooperations:graph", "&sort=degree")),
    Route("cooperations:map", "GET", logged_in(200)),
    Route("cooperations:map", "GET", logged_in(200), path=_with_a_cooperation("cooperations:map")),
    Route("cooperations:graph-gexf", "GET", logged_in(200), path=_with_a_cooperation("cooperations:graph-gexf")),
    Route("cooperations:graph-graphml", "GET", logged_in(200), path=_with_a_cooperation("cooperations:graph-graphml")),
    Route("cooperations:graph-nodes-csv", "GET", logged_in(200), path=_with_a_cooperation("cooperations:graph-nodes-csv")),
    Route("cooperations:graph-edges-csv", "GET", logged_in(200), path=_with_a_cooperation("cooperations:graph-edges-csv")),
    # Read-only pages: a POST is refused whoever sends it (the outsider first meets the login).
    Route("cooperations:graph", "POST", logged_in(405)),
    Route("cooperations:map", "POST", logged_in(405)),
]  # fmt: skip

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {
    "cooperations_graph": ("/api/cooperations/graph", 200, 401),
}
