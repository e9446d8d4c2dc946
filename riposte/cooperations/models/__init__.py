"""The cooperations module's models: who cooperated (actors), in which emergency (events), doing
what (cooperations); what they learned (debriefs), and the practical guide compiled from it."""

from riposte.cooperations.models.actors import (
    Actor,
    ActorKind,
    ActorStatus,
    Cooperation,
    CooperationActor,
    CooperationStatus,
    DistinctActors,
    Event,
    GraphMetrics,
)
from riposte.cooperations.models.debriefs import (
    DEBRIEF_FIELDS,
    FIELD_NAMES,
    Debrief,
    DebriefContribution,
    DebriefInvitation,
    DebriefRevision,
    DebriefStatus,
)
from riposte.cooperations.models.guide import (
    EditionStatus,
    Grouping,
    GuideChapter,
    GuideEdition,
    GuideEntry,
    GuidePdf,
)

__all__ = [
    "DEBRIEF_FIELDS",
    "FIELD_NAMES",
    "Actor",
    "ActorKind",
    "ActorStatus",
    "Cooperation",
    "CooperationActor",
    "CooperationStatus",
    "Debrief",
    "DebriefContribution",
    "DebriefInvitation",
    "DebriefRevision",
    "DebriefStatus",
    "DistinctActors",
    "EditionStatus",
    "Event",
    "GraphMetrics",
    "Grouping",
    "GuideChapter",
    "GuideEdition",
    "GuideEntry",
    "GuidePdf",
]
