"""The cooperations module's models: who cooperated (actors), in which emergency (events), doing
what (cooperations); what they learned (debriefs), and the practical guide compiled from it."""

from riposte.cooperations.models.actors import (
    Actor,
    ActorKind,
    ActorStatus,
    Cooperation,
    CooperationActor,
    CooperationStatus,
    Event,
    GraphMetrics,
)

__all__ = [
    "Actor",
    "ActorKind",
    "ActorStatus",
    "Cooperation",
    "CooperationActor",
    "CooperationStatus",
    "Event",
    "GraphMetrics",
]
