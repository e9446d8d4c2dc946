"""The worker's job of the roadmap: owners are reminded before their milestones' due dates, once
per threshold, in their own language."""

from __future__ import annotations

import datetime as dt

import pytest

from riposte.core.models import Notification
from riposte.core.scheduler import periodic_jobs
from riposte.workshops.milestones import MilestoneData, milestone_edit, milestone_set_status
from riposte.workshops.models import Milestone, MilestoneReminder, MilestoneStatus
from riposte.workshops.tasks import milestones_remind
from tests.workshops.builders import make_agent, make_workshop
from tests.workshops.roadmap_builders import make_milestone

DUE = dt.date(2021, 5, 18)  # the seed workshop's 6-month milestones


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.WORKSHOPS_REMINDER_DAYS = [14, 3, 0]


@pytest.fixture
def milestone(facilitator, agent) -> Milestone:
    workshop = make_workshop(by=facilitator)
    milestone = make_milestone(workshop)
    assert milestone.due_on == DUE
    return _own(milestone, facilitator, agent)


def _own(milestone: Milestone, by, owner, **fields) -> Milestone:
    data = MilestoneData(title=milestone.title, owner=owner, due_on=fields.get("due_on", milestone.due_on),
                         status=milestone.status)  # fmt: skip
    return milestone_edit(milestone=milestone, by=by, data=data, version=milestone.version)


def _run(day: dt.date) -> int:
    return milestones_remind.call(today=day.isoformat())


def _reminders(agent, milestone: Milestone) -> list[str]:
    return list(
        # The worker's (the owner was also told, by the facilitator, that they carry it).
        Notification.objects.filter(recipient=agent, actor=None, message__contains=milestone.title)
        .order_by("pk")
        .values_list("message", flat=True)
    )


def test_the_worker_schedules_the_reminders():
    assert "workshops.remind" in {job.name for job in periodic_jobs()}


def test_the_owner_is_reminded_14_3_and_0_days_before_once_each(milestone, agent):
    agent.language = "en"
    agent.save()
    assert _run(DUE - dt.timedelta(days=15)) == 0
    assert _run(DUE - dt.timedelta(days=14)) == 1
    assert _run(DUE - dt.timedelta(days=14)) == 0  # run twice: one reminder
    assert _run(DUE - dt.timedelta(days=10)) == 0
    assert _run(DUE - dt.timedelta(days=3)) == 1
    assert _run(DUE) == 1
    assert _run(DUE) == 0
    assert _run(DUE + dt.timedelta(days=1)) == 0  # late: the roadmap shows it, no more e-mails

    assert list(MilestoneReminder.objects.order_by("-days_before").values_list(
        "days_before", flat=True)) == [14, 3, 0]  # fmt: skip
    messages = _reminders(agent, milestone)
    assert len(messages) == 3
    assert "is due on 18/05/2021" in messages[0] and "Pérenniser le hors-norme" in messages[0]
    assert "is due today" in messages[2]


def test_a_worker_stopped_for_days_sends_the_reminder_still_relevant(milestone, agent):
    assert _run(DUE - dt.timedelta(days=5)) == 1
    assert _run(DUE - dt.timedelta(days=2)) == 1
    assert list(MilestoneReminder.objects.order_by("-days_before").values_list(
        "days_before", flat=True)) == [14, 3]  # fmt: skip


def test_a_new_due_date_gets_new_reminders(milestone, facilitator, agent):
    assert _run(DUE - dt.timedelta(days=3)) == 1
    moved = _own(milestone, facilitator, agent, due_on=DUE + dt.timedelta(days=30))
    assert _run(moved.due_on - dt.timedelta(days=3)) == 1
    assert MilestoneReminder.objects.count() == 2


def test_no_reminder_without_an_owner_nor_for_a_milestone_done_or_dropped(
    facilitator, agent, milestone
):
    workshop = milestone.axis.workshop
    make_milestone(workshop, title="Sans porteur")
    milestone_set_status(milestone=milestone, by=agent, status=MilestoneStatus.DONE)
    assert _run(DUE) == 0
    milestone_set_status(milestone=milestone, by=agent, status=MilestoneStatus.DROPPED)
    assert _run(DUE) == 0
    assert MilestoneReminder.objects.count() == 0


def test_the_reminder_is_in_the_owners_language(facilitator):
    owner = make_agent("oriane@example.org", first_name="Oriane", language="fr")
    workshop = make_workshop(by=facilitator)
    _own(make_milestone(workshop, title="Voter la loi 4D"), facilitator, owner)
    assert _run(DUE) == 1
    message = Notification.objects.get(recipient=owner, actor=None).message
    assert "Voter la loi 4D" in message and "aujourd" in message


def test_an_owner_who_left_gets_no_reminder(milestone, agent):
    agent.is_active = False
    agent.save()
    assert _run(DUE) == 0
