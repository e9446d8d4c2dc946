"""The norms module's models: the register, the debate, consultations and decisions."""

from riposte.norms.models.consultations import (
    CHOICES_BY_METHOD,
    Ballot,
    Choice,
    Consultation,
    Decision,
    Electorate,
    Method,
    Outcome,
    Voter,
)
from riposte.norms.models.debate import Argument, Endorsement, Side
from riposte.norms.models.register import (
    IN_FORCE,
    LAPSING,
    Norm,
    NormKind,
    NormStatus,
    NormVersion,
    Reminder,
    StatusCause,
    StatusChange,
    Testimony,
)

__all__ = [
    "CHOICES_BY_METHOD",
    "IN_FORCE",
    "LAPSING",
    "Argument",
    "Ballot",
    "Choice",
    "Consultation",
    "Decision",
    "Electorate",
    "Endorsement",
    "Method",
    "Norm",
    "NormKind",
    "NormStatus",
    "NormVersion",
    "Outcome",
    "Reminder",
    "Side",
    "StatusCause",
    "StatusChange",
    "Testimony",
    "Voter",
]
