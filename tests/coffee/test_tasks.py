"""The worker's coffee jobs: the weekly round, the invitations after the commit, the purge."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from riposte.coffee.models import Group, GroupMember, Round
from riposte.coffee.services import round_run
from riposte.coffee.tasks import coffee_purge, coffee_round_weekly, weekly_at
from riposte.core.scheduler import periodic_jobs
from tests.coffee.round_builders import MONDAY, member, org

pytestmark = pytest.mark.django_db
RUN_AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_the_worker_schedules_the_coffee_jobs():
    names = {job.name for job in periodic_jobs()}
    assert {"coffee.round", "coffee.purge"} <= names


def test_the_round_is_due_on_its_weekday_from_its_hour():
    slot = weekly_at(0, 8)
    assert slot(dt.datetime(2026, 3, 2, 7, 59)) is None
    assert slot(dt.datetime(2026, 3, 2, 8, 0)) == "2026-03-02"
    assert slot(dt.datetime(2026, 3, 3, 9, 0)) is None  # Tuesday


def test_the_weekly_job_runs_the_round_once_on_its_day(settings):
    settings.COFFEE_ROUND_WEEKDAY = 0
    services = org()
    member("a@example.org", services["A1U"])
    member("b@example.org", services["B1"])
    tuesday = MONDAY + dt.timedelta(days=1)
    assert coffee_round_weekly.call(today=tuesday.isoformat()) == {"ran": 0}
    assert not Round.objects.exists()
    done = coffee_round_weekly.call(today=MONDAY.isoformat())
    assert done["ran"] == 1 and done["groups"] == 1
    assert coffee_round_weekly.call(today=MONDAY.isoformat())["ran"] == 0
    assert GroupMember.objects.count() == 2


def test_each_member_gets_an_invitation_with_the_ics_after_the_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    services = org()
    a = member("a@example.org", services["A1U"], language="en")
    b = member("b@example.org", services["B1"], language="fr")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_run(day=MONDAY, now=RUN_AT)
    assert mailoutbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == [a.email, b.email]
    english = next(m for m in mailoutbox if m.to == [a.email])
    assert b.full_name in english.subject and "Video room" in english.body
    ((name, content, mimetype),) = english.attachments
    assert name == "coffee.ics" and mimetype.startswith("text/calendar")
    assert Calendar.from_ical(content)["method"] == "REQUEST"
    # Rendered in each recipient's language (the French strings arrive with the catalogue).
    french = next(m for m in mailoutbox if m.to == [b.email])
    assert a.full_name in french.subject and len(french.attachments) == 1


def test_a_group_without_a_common_slot_is_emailed_without_an_ics(
    mailoutbox, django_capture_on_commit_callbacks
):
    services = org()
    member("a@example.org", services["A1U"], availability=["mon-am"], language="en")
    member("b@example.org", services["B1"], availability=["fri-pm"], language="en")
    with django_capture_on_commit_callbacks(execute=True):
        round_run(day=MONDAY, now=RUN_AT)
    assert len(mailoutbox) == 2
    assert all(not m.attachments for m in mailoutbox)
    assert "no half-day in common" in mailoutbox[0].body


def test_the_purge_deletes_old_groups_and_keeps_anonymous_figures(settings):
    settings.COFFEE_RETENTION_DAYS = 30
    settings.COFFEE_COOLDOWN_ROUNDS = 0  # so that the same pair is made again in the recent round
    services = org()
    loner = member("loner@example.org", services["A1U"])
    a = member("a@example.org", services["B1"])
    b = member("b@example.org", services["B1"])
    from riposte.coffee.services import exclusion_add
    from tests.coffee.round_builders import membership

    exclusion_add(membership=membership(loner), excluded=a)
    exclusion_add(membership=membership(loner), excluded=b)
    old = round_run(day=MONDAY, now=RUN_AT).round
    GroupMember.objects.filter(round=old).update(met=True)
    recent = round_run(day=MONDAY + dt.timedelta(weeks=8), now=RUN_AT).round
    assert coffee_purge.call(today=(MONDAY + dt.timedelta(days=30)).isoformat()) == 0
    today = MONDAY + dt.timedelta(weeks=8, days=1)
    assert coffee_purge.call(today=today.isoformat()) == 1
    assert not Group.objects.filter(round=old).exists()
    assert not GroupMember.objects.filter(round=old).exists()
    assert Group.objects.filter(round=recent).exists()
    old.refresh_from_db()
    assert old.report["placed"] == 2 and old.report["met"] == 2 and old.report["answered"] == 2
    assert old.report["unplaced_count"] == 1 and "unplaced" not in old.report
    # Counts only: no list of people is left in the report.
    assert set(old.report) == {
        "due", "placed", "groups", "trios", "without_slot", "score", "group_scores",
        "engine_score", "asked_three", "got_three", "preferences",
        "answered", "met", "wants_cooperation", "unplaced_count", "purged_on", "stats",
    }  # fmt: skip
    # The statistics page's snapshot: figures only, no agent id.
    snapshot = old.report["stats"]
    assert {"new_ties", "distances"} <= set(snapshot)
    assert (snapshot["placed"], snapshot["unplaced"]) == (2, 1)
    assert coffee_purge.call(today=today.isoformat()) == 0  # done once
