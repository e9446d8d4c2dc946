"""Rounds with given groups and answers, for the statistics and the API tests: rows as the round
service writes them (one Group, its GroupMembers with the round), so that a test chooses who met."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from riposte.coffee.models import Group, GroupMember, Round
from riposte.coffee.video import room_name
from riposte.directory.models import Agent, Service, Site

MONDAY = dt.date(2026, 1, 5)


def make_round(
    number: int,
    groups: Sequence[Sequence[Agent]],
    *,
    met: Sequence[Sequence[bool | None]] = (),
    unplaced: Sequence[Agent] = (),
    due: int | None = None,
) -> Round:
    """Round `number` (weekly from MONDAY) that ran with these groups; `met[g][m]` is member m of
    group g's answer to "did you meet?" (None: not answered)."""
    rnd = Round.objects.create(
        number=number,
        scheduled_on=MONDAY + dt.timedelta(weeks=number - 1),
        seed=number,
        ran_at=timezone.now(),
    )
    placed = 0
    for g, people in enumerate(groups):
        group = Group.objects.create(round=rnd, room=room_name())
        for m, person in enumerate(people):
            answer = met[g][m] if g < len(met) else None
            GroupMember.objects.create(
                group=group,
                round=rnd,
                agent=person,
                met=answer,
                answered_at=timezone.now() if answer is not None else None,
            )
            placed += 1
    rnd.report = {
        "due": placed + len(unplaced) if due is None else due,
        "placed": placed,
        "groups": len(groups),
        "unplaced": [{"agent": a.pk, "reason": "no_allowed_partner"} for a in unplaced],
    }
    rnd.save(update_fields=["report"])
    return rnd


def tree() -> dict[str, Service]:
    """DIR-A/A1, DIR-A/A2, DIR-B/B1: A1 to A2 is 2 steps, A1 to B1 is 4."""
    a = Service.objects.create(code="DIR-A", name="Direction A", level="direction")
    b = Service.objects.create(code="DIR-B", name="Direction B", level="direction")
    return {
        "A1": Service.objects.create(code="A1", name="A un", level="service", parent=a),
        "A2": Service.objects.create(code="A2", name="A deux", level="service", parent=a),
        "B1": Service.objects.create(code="B1", name="B un", level="service", parent=b),
    }


def person(email: str, service: Service, site: Site | None = None) -> Agent:
    return Agent.objects.create_user(
        email, "a-long-test-password", service=service, site=site, first_name=email.split("@")[0]
    )
