"""Rows of the access tables for the workshop's report (see tests/workshops/access.py): its page
and its downloads (Markdown, PDF, DOCX) are read by whoever reads the workshop: any agent, and
the workshop's own guests; the guest of another workshop gets a 404, anyone else the login page.
Same for GET /api/workshops/{id}/report.md (a 401 without a login or a guest's session). What
comes back is in tests/workshops/test_report.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.workshops.models import WorkshopStatus
from tests.access_table import Route, everyone, logged_in
from tests.workshops.builders import Scene, WorkshopRoute, make_workshop, readers, set_status

PAGES = ("workshops:report", "workshops:report-md", "workshops:report-pdf", "workshops:report-docx")


def _url(name: str) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        return reverse(name, args=[make_workshop(by=actors["facilitator"]).pk])

    return build


def _scene_url(name: str) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        return reverse(name, args=[scene.workshop.pk])

    return build


ROUTES: list[Route] = [
    *(Route(name, "GET", logged_in(200), path=_url(name)) for name in PAGES),
    # Read only: a POST is refused before anything else, for everyone.
    Route("workshops:report-md", "POST", everyone(405), path=_url("workshops:report-md")),
]

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {
    "workshop_report_md": ("/api/workshops/999999/report.md", 404, 401),
}


def _closed(scene: Scene) -> str:
    """A closed workshop: its report is its record, read as before."""
    set_status(scene.workshop, WorkshopStatus.CLOSED)
    return reverse("workshops:report", args=[scene.workshop.pk])


WORKSHOP_ROUTES: list[WorkshopRoute] = [
    *(WorkshopRoute(name, "GET", readers(200), path=_scene_url(name)) for name in PAGES),
    WorkshopRoute("workshops:report", "GET", readers(200), path=_closed, label="closed"),
]
