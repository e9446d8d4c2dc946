"""Joining, preferences, leaving, exclusions, moving a slot and the answers after the coffee."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from riposte.coffee.models import Exclusion, Group, GroupMember, Membership
from riposte.coffee.services import (
    exclusion_add,
    exclusion_remove,
    group_move_slot,
    member_answer,
    membership_join,
    membership_leave,
    membership_update,
    round_run,
)
from riposte.cooperations.models import Cooperation, CooperationStatus
from riposte.core.models import Notification
from riposte.core.tasks import send_daily_digests
from riposte.directory.models import Agent
from tests.coffee.round_builders import MONDAY, member, membership, org

pytestmark = pytest.mark.django_db
RUN_AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_joining_keeps_the_half_days_in_order_and_joining_again_updates(agent):
    joined = membership_join(agent=agent, frequency="monthly", availability=["fri-pm", "mon-am"])
    assert joined.availability == ["mon-am", "fri-pm"]
    again = membership_join(agent=agent, frequency="weekly", group_size=3)
    assert again.pk == joined.pk and again.frequency == "weekly" and again.group_size == 3
    assert Membership.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("availability", {"availability": ["sat-am"]}),
        ("availability", {"availability": ["mon-evening", "mon-am"]}),
        ("frequency", {"frequency": "daily"}),
        ("preference", {"preference": "nobody"}),
        ("group_size", {"group_size": 5}),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_saved(agent, field, fields):
    with pytest.raises(ValidationError) as caught:
        membership_join(agent=agent, **fields)
    assert field in caught.value.message_dict
    assert not Membership.objects.exists()


def test_an_update_changes_only_what_it_is_given(agent):
    joined = membership_join(agent=agent, availability=["tue-am"], paused_until=MONDAY)
    updated = membership_update(membership=joined, preference="sites")
    assert updated.availability == ["tue-am"] and updated.paused_until == MONDAY
    assert updated.preference == "sites"
    assert membership_update(membership=updated, clear_pause=True).paused_until is None


def test_leaving_deletes_the_preferences_and_exclusions_but_not_the_history():
    services = org()
    a = member("a@example.org", services["A1U"])
    b = member("b@example.org", services["B1"])
    exclusion_add(membership=membership(a), excluded=b)
    assert membership_leave(agent=a)
    assert not Membership.objects.filter(agent=a).exists()
    assert not Exclusion.objects.exists()
    assert membership_leave(agent=a) is False  # nothing left to delete


def test_leaving_keeps_past_groups_until_the_purge():
    services = org()
    a = member("a@example.org", services["A1U"])
    member("b@example.org", services["B1"])
    round_run(day=MONDAY, now=RUN_AT)
    membership_leave(agent=a)
    assert GroupMember.objects.filter(agent=a).count() == 1


def test_nobody_excludes_themselves_and_an_exclusion_is_kept_once(agent, facilitator):
    joined = membership_join(agent=agent)
    with pytest.raises(ValidationError):
        exclusion_add(membership=joined, excluded=agent)
    gone = Agent.objects.create_user("gone@example.org", "a-long-password", is_active=False)
    with pytest.raises(ValidationError):
        exclusion_add(membership=joined, excluded=gone)
    exclusion_add(membership=joined, excluded=facilitator)
    exclusion_add(membership=joined, excluded=facilitator)
    assert Exclusion.objects.count() == 1
    assert exclusion_remove(membership=joined, excluded=facilitator)
    assert not exclusion_remove(membership=joined, excluded=facilitator)


def _pair() -> tuple[Agent, Agent, Group]:
    services = org()
    a = member("a@example.org", services["A1U"])
    b = member("b@example.org", services["B1"])
    outcome = round_run(day=MONDAY, now=RUN_AT)
    return a, b, outcome.groups[0]


def _trio(capture) -> tuple[Agent, Agent, Agent, Group]:
    """Three members in one group; the round's invitations are sent (and captured)."""
    services = org()
    a = member("a@example.org", services["A1U"], email_frequency="immediate")
    b = member("b@example.org", services["B1"], email_frequency="immediate")
    c = member("c@example.org", services["A1"], email_frequency="daily")
    with capture(execute=True):
        (group,) = round_run(day=MONDAY, now=RUN_AT).groups
    return a, b, c, group


def _event(message) -> Any:
    ((name, content, mimetype),) = message.attachments
    assert name == "coffee.ics" and mimetype.startswith("text/calendar; method=REQUEST")
    return Calendar.from_ical(content).walk("VEVENT")[0]


def test_a_moved_slot_sends_each_other_member_one_message_with_the_update(
    mailoutbox, django_capture_on_commit_callbacks
):
    a, b, c, group = _trio(django_capture_on_commit_callbacks)
    first = {m.to[0]: _event(m) for m in mailoutbox}
    assert set(first) == {a.email, b.email, c.email}
    mailoutbox.clear()
    now = timezone.now() + dt.timedelta(hours=1)
    start = (timezone.localtime(now) + dt.timedelta(days=2)).replace(
        hour=11, minute=15, second=0, microsecond=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        moved = group_move_slot(group=group, by=a, start=start, now=now)
    assert moved.slot_start == start and moved.slot_end == start + dt.timedelta(minutes=30)
    assert moved.slot_moved_by == a
    # One e-mail each for the two others (b asked for every notification at once, c for a
    # digest), none for the one who moved it.
    assert sorted(m.to[0] for m in mailoutbox) == [b.email, c.email]
    for message in mailoutbox:
        assert "11:15" in message.subject and "11:15" in message.body
        assert f"/coffee/groups/{group.pk}/" in message.body
        event = _event(message)
        before = first[message.to[0]]
        assert event["uid"] == before["uid"]
        assert int(before["sequence"]) == 0 < int(event["sequence"])
        assert event.decoded("dtstart") == start
    # Their notification is the same message: already counted as e-mailed, so that neither the
    # immediate e-mail nor the digest sends it again.
    notices = Notification.objects.filter(recipient__in=[b, c])
    assert sorted(n.recipient_id for n in notices) == sorted([b.pk, c.pk])
    assert all(n.emailed_at is not None and "11:15" in n.message for n in notices)
    assert not Notification.objects.filter(recipient=a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests.enqueue()
    assert len(mailoutbox) == 2


def test_setting_the_slot_of_a_group_without_one_says_so(
    mailoutbox, django_capture_on_commit_callbacks
):
    services = org()
    a = member("a@example.org", services["A1U"], availability=["mon-am"], language="en")
    b = member("b@example.org", services["B1"], availability=["fri-pm"], language="en")
    (group,) = round_run(day=MONDAY, now=RUN_AT).groups
    assert group.slot_start is None
    start = (timezone.localtime() + dt.timedelta(days=3)).replace(hour=14, minute=0)
    with django_capture_on_commit_callbacks(execute=True):
        group_move_slot(group=group, by=b, start=start)
    (message,) = mailoutbox
    assert message.to == [a.email]
    assert message.subject.startswith("[Riposte] Your coffee is set for ")
    assert "B chose the time of your coffee" in message.body
    assert Notification.objects.get(recipient=a).message.startswith("B set your coffee for ")


def test_moving_the_slot_to_the_same_time_changes_nothing(mailoutbox):
    a, _b, group = _pair()
    assert group.slot_start is not None
    with pytest.raises(ValidationError) as caught:
        group_move_slot(group=group, by=a, start=group.slot_start)
    assert "start" in caught.value.message_dict
    assert not Notification.objects.exists() and mailoutbox == []


def test_a_slot_cannot_be_moved_into_the_past_nor_by_an_outsider(agent):
    a, _b, group = _pair()
    with pytest.raises(ValidationError):
        group_move_slot(group=group, by=a, start=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(PermissionDenied):
        group_move_slot(group=group, by=agent, start=timezone.now() + dt.timedelta(days=1))
    group.refresh_from_db()
    assert group.slot_moved_by is None


def _after_the_slot(group: Group) -> dt.datetime:
    return (group.slot_start or timezone.now()) + dt.timedelta(hours=1)


def test_did_you_meet_is_asked_after_the_slot_only():
    a, _b, group = _pair()
    with pytest.raises(ValidationError):
        member_answer(
            group=group, agent=a, met=True, now=group.slot_start - dt.timedelta(minutes=1)
        )
    row = member_answer(group=group, agent=a, met=False, now=_after_the_slot(group))
    assert row.met is False and row.answered_at is not None


def test_wanting_to_work_together_suggests_one_cooperation_between_the_services(facilitator):
    a, b, group = _pair()
    member_answer(
        group=group, agent=a, met=True, wants_cooperation=True, now=_after_the_slot(group)
    )
    member_answer(
        group=group, agent=b, met=True, wants_cooperation=True, now=_after_the_slot(group)
    )
    (cooperation,) = Cooperation.objects.all()
    assert cooperation.status == CooperationStatus.SUGGESTED
    assert {actor.service.code for actor in cooperation.actors.all()} == {"A1U", "B1"}
    assert Notification.objects.filter(recipient=facilitator).count() == 1


def test_no_cooperation_without_a_meeting_nor_within_one_service(facilitator):
    services = org()
    a = member("a@example.org", services["A1U"])
    b = member("b@example.org", services["A1U"])
    (group,) = round_run(day=MONDAY, now=RUN_AT).groups
    member_answer(
        group=group, agent=a, met=False, wants_cooperation=True, now=_after_the_slot(group)
    )
    assert GroupMember.objects.get(agent=a).wants_cooperation is False
    member_answer(
        group=group, agent=b, met=True, wants_cooperation=True, now=_after_the_slot(group)
    )
    assert not Cooperation.objects.exists()
    # The facilitators still hear of it, to follow up by hand.
    assert Notification.objects.filter(recipient=facilitator).count() == 1


def test_only_members_answer(agent):
    _a, _b, group = _pair()
    with pytest.raises(PermissionDenied):
        member_answer(group=group, agent=agent, met=True, now=_after_the_slot(group))


def test_a_moved_slots_notification_gives_the_day_in_each_members_language(
    django_capture_on_commit_callbacks,
):
    a, b, c, group = _trio(django_capture_on_commit_callbacks)
    b.language, c.language = "fr", "en"
    b.save(update_fields=["language"])
    c.save(update_fields=["language"])
    now = timezone.now()
    start = (timezone.localtime(now) + dt.timedelta(days=8)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    group_move_slot(group=group, by=a, start=start, now=now)
    french = Notification.objects.get(recipient=b).message.lower()
    english = Notification.objects.get(recipient=c).message.lower()
    day = timezone.localtime(start).weekday()
    assert ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][day] in french
    assert ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][
        day
    ] in english
