"""The demo debriefs and guide (riposte/cooperations/demo_debriefs.py): made through the
services on whatever confirmed cooperations exist, deterministic for a seed, and removable."""

from __future__ import annotations

import datetime as dt

from riposte.cooperations.demo_debriefs import DEBRIEFS, demo_build, demo_reset
from riposte.cooperations.models import (
    Debrief,
    DebriefContribution,
    DebriefStatus,
    EditionStatus,
    GuideEdition,
)
from riposte.core.models import Comment
from tests.cooperations.debrief_builders import cooperation


def _cooperations(by, count: int = 9) -> None:
    # Two with the demo data's titles, the others with titles of their own.
    cooperation(by, title=DEBRIEFS[0]["title"])
    cooperation(by, title=DEBRIEFS[1]["title"], partner="Petits frères des Pauvres")
    for i in range(count - 2):
        cooperation(
            by, title=f"Coopération {i}", partner=f"Association {i}",
            started_on=dt.date(2021, 1, 1) + dt.timedelta(days=i),
        )  # fmt: skip


def _state() -> list[tuple[str, str, int, int]]:
    return [
        (d.cooperation.title, d.status, d.version, d.contributions.count())
        for d in Debrief.objects.select_related("cooperation").order_by("pk")
    ]


def test_the_demo_debriefs_and_first_edition(facilitator, agent) -> None:
    _cooperations(agent)

    assert demo_build(seed=7) == len(DEBRIEFS)

    statuses = [d.status for d in Debrief.objects.order_by("pk")]
    assert statuses.count(DebriefStatus.PUBLISHED) == 5
    assert statuses.count(DebriefStatus.REVIEW) == 1 and statuses.count(DebriefStatus.DRAFT) == 1
    food = Debrief.objects.get(cooperation__title=DEBRIEFS[0]["title"])
    assert food.version == 2 and food.advice.endswith("tout part de là.")
    assert DebriefContribution.objects.count() >= 7
    edition = GuideEdition.objects.get()
    assert (edition.status, edition.number) == (EditionStatus.PUBLISHED, 1)
    assert len(edition.snapshot["debriefs"]) == 5


def test_the_demo_is_the_same_for_a_seed(facilitator, agent) -> None:
    _cooperations(agent)
    demo_build(seed=3)
    first = _state()
    demo_reset()
    assert not Debrief.objects.exists() and not GuideEdition.objects.exists()
    demo_build(seed=3)
    assert _state() == first


def test_reset_removes_remarks_too(facilitator, agent) -> None:
    from riposte.core.comments import comment_create

    _cooperations(agent)
    demo_build(seed=1)
    debrief = Debrief.objects.filter(status=DebriefStatus.REVIEW).get()
    comment_create(author=agent, target=debrief, body="Ajoutez les horaires.")
    demo_reset()
    assert not Comment.objects.exists()
