"""The calendar of upcoming reviews and sunsets, and its ICS feed for calendar applications."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from riposte.core.http import AgentRequest
from riposte.norms import ics

# The page shows the coming year; the feed keeps a season of past dates too, so that an event a
# calendar already shows does not vanish from it the day after.
AHEAD = dt.timedelta(days=365)
FEED_BEHIND = dt.timedelta(days=90)
FEED_AHEAD = dt.timedelta(days=2 * 365)


@login_required
def calendar(request: AgentRequest) -> HttpResponse:
    today = timezone.localdate()
    upcoming = ics.due_dates(today, today + AHEAD)
    # Due and not decided yet: a review date passed while the norm is still in force.
    overdue = ics.due_dates(today - FEED_AHEAD, today - dt.timedelta(days=1))
    feed = reverse("norms:calendar-ics", args=[ics.ics_token(request.user)])
    context = {
        "months": list(ics.by_month(upcoming)),
        "overdue": overdue,
        "count": len(upcoming),
        "today": today,
        "until": today + AHEAD,
        "feed_url": settings.SITE_ROOT + feed,
        "webcal_url": "webcal://" + (settings.SITE_ROOT + feed).split("://", 1)[-1],
    }
    return render(request, "norms/calendar.html", context)


@require_safe  # calendar applications also send HEAD
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    agent = ics.ics_agent(token)
    if agent is None:
        raise Http404
    today = timezone.localdate()
    dates = ics.due_dates(today - FEED_BEHIND, today + FEED_AHEAD)
    with translation.override(agent.language):
        body = ics.ics_calendar(dates)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="riposte-norms.ics"'
    # The link is personal: keep it out of shared caches.
    response["Cache-Control"] = "private, max-age=900"
    return response
