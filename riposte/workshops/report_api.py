"""The workshop's report over HTTP: GET /api/workshops/{id}/report.md, the Markdown report.

The same readers as the report's page (rules.py): any agent, by session or personal token; and
the workshop's own guests, who have no account, by the session their secret link opened. A guest
of another workshop gets a 404, a caller with neither a login nor a guest session a 401.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.security import HttpBearer, django_auth

from riposte.directory.services import api_token_authenticate
from riposte.workshops import rules
from riposte.workshops.models import Workshop
from riposte.workshops.report import report_markdown, workshop_report
from riposte.workshops.report_views import filename

router = Router(tags=["workshops"])


class _Token(HttpBearer):
    """The personal token, as riposte/api.py's TokenAuth (which this module cannot import:
    riposte/api.py imports it)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        agent = api_token_authenticate(token)
        if agent is not None:
            request.user = agent
        return agent


def _guest_session(request: HttpRequest) -> Any:
    """A browser that came through a guest's link: which workshop it may read is checked next."""
    return request.session.get(rules.GUEST_SESSION_KEY) or None


@router.get(
    "/workshops/{pk}/report.md",
    url_name="workshop_report_md",
    summary="The workshop's report (compte-rendu) as Markdown",
    description=(
        "The report in the structure of the workshop's seed document: title, date, group, "
        "facilitators, participants, pitch, then for each axis its steps with their notes "
        "(with their dots, most voted first; notes of a step not revealed yet are left out) and "
        "its milestones by horizon. Headings in the caller's language (French by default). "
        "UTF-8 text, `text/markdown`."
    ),
    auth=[_Token(), django_auth, _guest_session],
    response={200: str},
    openapi_extra={
        "responses": {200: {"description": "Markdown", "content": {"text/markdown": {}}}}
    },
)
def workshop_report_md(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=pk)
    rules.viewer(request, workshop)  # Http404 for a guest of another workshop
    report = workshop_report(workshop)
    text = report_markdown(report, site_root=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(text.encode(), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename(report, "md")}"'
    return response
