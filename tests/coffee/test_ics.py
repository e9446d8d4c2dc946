"""The invitation of a group: RFC 5545 (parsed back with icalendar), with the room and the members."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from riposte.coffee.ics import group_invitation, group_uid
from riposte.coffee.services import group_members, group_move_slot, round_run
from riposte.coffee.video import room_url
from tests.coffee.round_builders import MONDAY, member, org

pytestmark = pytest.mark.django_db
RUN_AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _group():
    services = org()
    member("ana@example.org", services["A1U"], availability=["wed-am"])
    member("bob@example.org", services["B1"])
    (group,) = round_run(day=MONDAY, now=RUN_AT).groups
    return group


def test_the_invitation_is_a_request_with_the_room_and_the_members(settings):
    settings.VIDEO_BASE_URL = "https://visio.example.org"
    group = _group()
    data = group_invitation(group, group_members(group), now=RUN_AT)
    calendar = Calendar.from_ical(data)
    assert calendar["method"] == "REQUEST" and calendar["version"] == "2.0"
    assert calendar.get("prodid")
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == group_uid(group) == f"coffee-group-{group.pk}@riposte"
    assert event.decoded("dtstart") == group.slot_start
    assert event.decoded("dtend") == group.slot_end
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    link = room_url(group.room)
    assert link.startswith("https://visio.example.org/")
    assert str(event["location"]) == link and str(event["url"]) == link
    assert str(event["organizer"]) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"
    attendees = sorted(str(a) for a in event["attendee"])
    assert attendees == ["mailto:ana@example.org", "mailto:bob@example.org"]
    assert "dtstamp" in event
    # Lines are folded at 75 octets and end with CRLF (RFC 5545, 3.1).
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def test_a_moved_slot_keeps_the_uid_and_raises_the_sequence():
    group = _group()
    members = group_members(group)
    first = Calendar.from_ical(group_invitation(group, members, now=RUN_AT)).walk("VEVENT")[0]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    moved = group_move_slot(group=group, by=members[0], start=later)
    second = Calendar.from_ical(
        group_invitation(moved, members, now=later - dt.timedelta(days=1))
    ).walk("VEVENT")[0]
    assert second["uid"] == first["uid"]
    assert int(second["sequence"]) > int(first["sequence"])
    assert second.decoded("dtstart") == later.replace(second=0, microsecond=0)


def test_the_sequence_is_0_for_the_proposed_slot_and_grows_with_each_move():
    group = _group()
    members = group_members(group)

    def sequence(**when) -> int:
        event = Calendar.from_ical(group_invitation(group, members, **when)).walk("VEVENT")[0]
        return int(event["sequence"])

    # Downloaded or e-mailed, whenever: the round's slot is the first version.
    assert sequence(now=RUN_AT) == sequence() == 0
    moved_at = group.created_at + dt.timedelta(hours=2)
    group = group_move_slot(
        group=group, by=members[0], start=moved_at + dt.timedelta(days=1), now=moved_at
    )
    assert sequence(revised_at=moved_at) == 7200
    # Moved again later: a larger number; the file downloaded in between is never larger than
    # the next move's.
    later = moved_at + dt.timedelta(hours=1)
    assert sequence(now=moved_at + dt.timedelta(minutes=5)) == 7500
    group = group_move_slot(
        group=group, by=members[1], start=later + dt.timedelta(days=1), now=later
    )
    assert sequence(revised_at=later) == 10800
    # Moved within the second the group was made: still after the proposed slot.
    assert sequence(revised_at=group.created_at) == 1


def test_a_group_without_a_slot_has_no_invitation():
    services = org()
    member("ana@example.org", services["A1U"], availability=["mon-am"])
    member("bob@example.org", services["B1"], availability=["fri-pm"])
    (group,) = round_run(day=MONDAY, now=RUN_AT).groups
    with pytest.raises(ValueError):
        group_invitation(group, group_members(group))
