"""Who may do what with an initiative. Views and the API ask here first; services check again."""

from __future__ import annotations

from typing import Any

from riposte.initiatives.models import Initiative, Stage

# Facilitators move initiatives along these; anything else is refused. Abandoning is possible from
# any open stage, and a sustained or spread initiative may still spread further.
NEXT_STAGES: dict[str, list[str]] = {
    Stage.SPOTTED: [Stage.QUALIFIED, Stage.ABANDONED],
    Stage.QUALIFIED: [Stage.SUPPORTED, Stage.SPOTTED, Stage.ABANDONED],
    Stage.SUPPORTED: [Stage.ACCELERATED, Stage.QUALIFIED, Stage.ABANDONED],
    Stage.ACCELERATED: [Stage.SUSTAINED, Stage.SPREAD, Stage.SUPPORTED, Stage.ABANDONED],
    Stage.SUSTAINED: [Stage.SPREAD],
    Stage.SPREAD: [Stage.SUSTAINED],
    Stage.ABANDONED: [Stage.SPOTTED],
}


def is_facilitator(agent: Any) -> bool:
    return bool(getattr(agent, "is_authenticated", False) and agent.is_facilitator)


def can_view(agent: Any, initiative: Initiative) -> bool:
    if not getattr(agent, "is_authenticated", False):
        return False
    return not initiative.is_draft or initiative.is_author(agent)


def can_edit(agent: Any, initiative: Initiative) -> bool:
    if initiative.merged_into_id is not None:
        return False
    return initiative.is_author(agent) or (not initiative.is_draft and is_facilitator(agent))


def can_move(agent: Any, initiative: Initiative) -> bool:
    return is_facilitator(agent) and not initiative.is_draft and initiative.merged_into_id is None


def can_merge(agent: Any, source: Initiative) -> bool:
    """Joining forces is the decision of the duplicate's authors, or of a facilitator."""
    if source.is_draft or source.merged_into_id is not None:
        return False
    return source.is_author(agent) or is_facilitator(agent)


def can_ask_help(agent: Any, initiative: Initiative) -> bool:
    return can_edit(agent, initiative) and not initiative.is_draft
