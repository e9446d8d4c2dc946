"""Helpers of the roadmap's tests: milestones and notes made through the services, as a
facilitator and a participant would make them."""

from __future__ import annotations

from typing import Any

from riposte.directory.models import Agent
from riposte.workshops import rules
from riposte.workshops.board import note_post
from riposte.workshops.milestones import milestone_add
from riposte.workshops.models import Axis, Horizon, Milestone, Note, StepKind, Workshop


def first_axis(workshop: Workshop) -> Axis:
    axis = workshop.axes.order_by("position", "id").first()
    assert axis is not None
    return axis


def make_milestone(
    workshop: Workshop,
    *,
    by: Agent | None = None,
    title: str = "Cartographier les acteurs coopérant et débriefer avec eux",
    horizon: str = Horizon.SIX_MONTHS,
    axis: Axis | None = None,
) -> Milestone:
    by = by or workshop.facilitators.order_by("pk").first()
    assert by is not None
    return milestone_add(axis=axis or first_axis(workshop), by=by, title=title, horizon=horizon)


def make_note(workshop: Workshop, *, by: Agent, text: str = "Voter la loi 4D", **kw: Any) -> Note:
    """A note in the "Through which stages?" step of the first axis (the workshop must be live
    and `by` one of its participants)."""
    step = first_axis(workshop).steps.get(kind=StepKind.STAGES)
    return note_post(step=step, by=rules.viewer_for(by, {}, workshop), text=text, **kw)
