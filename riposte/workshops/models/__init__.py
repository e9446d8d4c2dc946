"""The workshops module's models: the workshop and its structure, the live board, the roadmap."""

from riposte.workshops.models.board import NOTE_MAX, Cluster, Dot, Note
from riposte.workshops.models.roadmap import (
    Horizon,
    Milestone,
    MilestoneReminder,
    MilestoneStatus,
)
from riposte.workshops.models.workshop import (
    Axis,
    Participant,
    Step,
    StepKind,
    Workshop,
    WorkshopStatus,
)

__all__ = [
    "NOTE_MAX",
    "Axis",
    "Cluster",
    "Dot",
    "Horizon",
    "Milestone",
    "MilestoneReminder",
    "MilestoneStatus",
    "Note",
    "Participant",
    "Step",
    "StepKind",
    "Workshop",
    "WorkshopStatus",
]
