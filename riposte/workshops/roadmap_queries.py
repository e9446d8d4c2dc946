"""Reads of the roadmap: one workshop's milestones by axis and horizon, and the milestones of all
workshops, what is late first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from riposte.workshops.models import (
    Axis,
    Horizon,
    Milestone,
    MilestoneStatus,
    Note,
    StepKind,
    Workshop,
)

RELATED = ("owner", "initiative", "norm", "cooperation")


@dataclass
class Column:
    horizon: Horizon
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class AxisRoadmap:
    axis: Axis
    columns: list[Column]
    # Notes of the axis's "Through which stages?" steps not on the roadmap yet (for facilitators).
    notes: list[Note] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(c.milestones) for c in self.columns)


def late_q(today: dt.date) -> Q:
    return Q(status=MilestoneStatus.OPEN, due_on__lt=today)


def roadmap_of(workshop: Workshop, *, with_notes: bool = False) -> list[AxisRoadmap]:
    """Each axis with its five horizons, each with its milestones in order (one query for all the
    milestones, one for the notes when asked)."""
    axes = list(workshop.axes.order_by("position", "id"))
    roadmaps = {a.pk: AxisRoadmap(a, [Column(Horizon(h)) for h in Horizon.values]) for a in axes}
    milestones = (
        Milestone.objects.filter(axis__workshop=workshop)
        .select_related(*RELATED)
        .order_by("axis_id", "position", "id")
    )
    index = {h: n for n, h in enumerate(Horizon.values)}
    for milestone in milestones:
        roadmaps[milestone.axis_id].columns[index[milestone.horizon]].milestones.append(milestone)
    if with_notes:
        notes = (
            Note.objects.filter(step__axis__workshop=workshop, step__kind=StepKind.STAGES)
            .filter(milestones__isnull=True)
            .select_related("step")
            .order_by("step__axis_id", "step__position", "position", "id")
        )
        for note in notes:
            roadmaps[note.step.axis_id].notes.append(note)
    return [roadmaps[a.pk] for a in axes]


@dataclass(frozen=True)
class Filters:
    workshop: Workshop | None = None
    owner: Any = None  # an Agent: "my milestones"
    status: str = MilestoneStatus.OPEN  # "" for all
    late_only: bool = False


def milestones_across(filters: Filters, *, today: dt.date) -> QuerySet[Milestone]:
    """The milestones of every workshop as filtered: the late ones first (the longest late
    first), then by due date (those without one last)."""
    rows = Milestone.objects.select_related("axis__workshop", *RELATED).annotate(
        late=Case(When(late_q(today), then=Value(True)), default=Value(False),
                  output_field=BooleanField()),
    )  # fmt: skip
    if filters.workshop is not None:
        rows = rows.filter(axis__workshop=filters.workshop)
    if filters.owner is not None:
        rows = rows.filter(owner=filters.owner)
    if filters.status in MilestoneStatus.values:
        rows = rows.filter(status=filters.status)
    if filters.late_only:
        rows = rows.filter(late_q(today))
    return rows.order_by("-late", F("due_on").asc(nulls_last=True), "axis__workshop_id", "id")


def late_count(owner: Any, *, today: dt.date) -> int:
    return Milestone.objects.filter(late_q(today), owner=owner).count()
