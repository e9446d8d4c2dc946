"""The review and sunset dates of the norms in force: for the calendar page and its ICS feed.

The feed is reached without a session (a calendar application subscribes to a URL), so its URL
carries a signed token of the agent's id: whoever holds the link reads the dates, nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from riposte.directory.models import Agent
from riposte.norms.models import IN_FORCE, LAPSING, Norm

ICS_SALT = "riposte.norms.ics"
REVIEW, SUNSET = "review", "sunset"


@dataclass(frozen=True)
class DueDate:
    norm: Norm
    kind: str  # REVIEW or SUNSET
    on: dt.date

    @property
    def uid(self) -> str:
        # Stable across fetches, so that a calendar updates the event instead of adding another.
        return f"norm-{self.norm.pk}-{self.kind}-{self.on.isoformat()}@riposte"

    @property
    def is_sunset(self) -> bool:
        return self.kind == SUNSET


def due_dates(start: dt.date, end: dt.date) -> list[DueDate]:
    """Every review and sunset date in [start, end] of the norms still in force, by date.

    A sunset counts while it applies (LAPSING: temporary, or up for debate); a decision
    clears it."""
    norms = Norm.objects.filter(status__in=IN_FORCE).filter(
        Q(review_on__range=(start, end)) | Q(status__in=LAPSING, sunset_on__range=(start, end))
    )
    dates: list[DueDate] = []
    for norm in norms.only("pk", "title", "status", "review_on", "sunset_on", "updated_at"):
        if norm.review_on and start <= norm.review_on <= end:
            dates.append(DueDate(norm, REVIEW, norm.review_on))
        if norm.lapses_on and start <= norm.lapses_on <= end:
            dates.append(DueDate(norm, SUNSET, norm.lapses_on))
    dates.sort(key=lambda d: (d.on, d.norm.title.lower(), d.norm.pk, d.kind))
    return dates


def by_month(dates: list[DueDate]) -> Iterator[tuple[dt.date, list[DueDate]]]:
    """(first day of the month, its dates), in order; months without a date are left out."""
    month: dt.date | None = None
    group: list[DueDate] = []
    for due in dates:
        first = due.on.replace(day=1)
        if first != month:
            if month is not None:
                yield month, group
            month, group = first, []
        group.append(due)
    if month is not None:
        yield month, group


def ics_token(agent: Agent) -> str:
    """The same token each time for an agent: a calendar application keeps the address it was
    given, so the page must show that address again, not a new one at each visit."""
    return signing.Signer(salt=ICS_SALT).sign(str(agent.pk))


def ics_agent(token: str) -> Agent | None:
    """The active agent a token was made for, or None when it is forged, altered or stale."""
    try:
        value = signing.Signer(salt=ICS_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not value.isdigit():
        return None
    pk = int(value)
    return Agent.objects.filter(pk=pk, is_active=True).first()


def ics_calendar(dates: list[DueDate]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Riposte//Norms and authorisations//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Riposte: reviews and sunsets of the norms"))
    for due in dates:
        norm = due.norm
        summary = (_("Sunset: %(title)s") if due.is_sunset else _("Review: %(title)s")) % {
            "title": norm.title
        }
        event = Event()
        event.add("uid", due.uid)
        # The time of the norm's last change: the same from one fetch to the next until it moves.
        event.add("dtstamp", norm.updated_at)
        event.add("dtstart", due.on)  # a date: an all-day event
        event.add("dtend", due.on + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("url", settings.SITE_ROOT + reverse("norms:detail", args=[norm.pk]))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
