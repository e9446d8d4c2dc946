"""The invitation of a coffee group: one RFC 5545 event (METHOD:REQUEST) with the video room.

The UID is the group's, so that a moved slot updates the event in the members' calendars instead
of adding a second one. SEQUENCE says which version is the latest (RFC 5545, 3.8.7.4): 0 for the
slot the round proposed; once a member moved it, the seconds from the group's creation to the
move (at least 1). No counter to keep, and a later version always has a larger number. When the
time of the move is not known (the .ics downloaded from the group's page), the time of the
download stands in for it: never smaller than the move's, so the number never goes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from riposte.coffee.models import Group
from riposte.coffee.video import room_url
from riposte.directory.models import Agent


def group_uid(group: Group) -> str:
    return f"coffee-group-{group.pk}@riposte"


def invitation_sequence(group: Group, *, revised_at: dt.datetime) -> int:
    if group.slot_moved_by_id is None:
        return 0
    return max(1, int((revised_at - group.created_at).total_seconds()))


def group_invitation(
    group: Group,
    members: Sequence[Agent],
    *,
    now: dt.datetime | None = None,
    revised_at: dt.datetime | None = None,
) -> bytes:
    """The .ics of the group's slot. The group must have one (a group without a slot has no
    invitation: its members pick a slot first). `now` is when the file is made (DTSTAMP),
    `revised_at` when the slot was last moved, if known."""
    if group.slot_start is None or group.slot_end is None:
        raise ValueError("a group without a slot has no invitation")
    now = now or timezone.now()
    link = room_url(group.room)
    names = ", ".join(m.full_name or m.email for m in members)
    calendar = Calendar()
    calendar.add("prodid", "-//Riposte//Coffee machine//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", group_uid(group))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("sequence", invitation_sequence(group, revised_at=revised_at or now))
    zone = timezone.get_default_timezone()
    event.add("dtstart", group.slot_start.astimezone(zone))
    event.add("dtend", group.slot_end.astimezone(zone))
    event.add("summary", _("Random coffee: %(names)s") % {"names": names})
    page = settings.SITE_ROOT + reverse("coffee:group", args=[group.pk])
    event.add(
        "description",
        _("A coffee by video, to meet colleagues of other services. Room: %(link)s — Page of the group (to move the slot): %(page)s")
        % {"link": link, "page": page},
    )  # fmt: skip
    event.add("location", link)
    event.add("url", link)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("Riposte")
    event.add("organizer", organizer)
    for member in members:
        attendee = vCalAddress(f"mailto:{member.email}")
        attendee.params["cn"] = vText(member.full_name or member.email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
