"""Rows of the access table for the statistics page (see tests/coffee/access.py): facilitators
(and administrators) only. What the page shows is in tests/coffee/test_stats.py."""

from __future__ import annotations

from tests.access_table import Route, only

ROUTES: list[Route] = [
    Route("coffee:stats", "GET", only(("facilitator", "admin"), 200)),
]
