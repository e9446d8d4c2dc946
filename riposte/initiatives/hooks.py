"""Where other modules act on an initiative's page.

An initiative that needs an authorisation or a derogation is where a norm debate starts: the norms
module registers here (in its AppConfig.ready) the action that opens one, and the page shows it
beside the authorisation. Initiatives know no module; until one registers, the page shows none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from riposte.initiatives.models import Initiative


@dataclass(frozen=True)
class Action:
    label: str
    url: str


AuthorisationAction = Callable[[Initiative, Any], Action | None]
_authorisation_actions: list[AuthorisationAction] = []


def register_authorisation_action(action: AuthorisationAction) -> AuthorisationAction:
    if action not in _authorisation_actions:
        _authorisation_actions.append(action)
    return action


def unregister_authorisation_action(action: AuthorisationAction) -> None:
    if action in _authorisation_actions:
        _authorisation_actions.remove(action)


def authorisation_actions(initiative: Initiative, agent: Any) -> list[Action]:
    """What the agent may do about the authorisation this initiative needs."""
    if not initiative.needs_authorisation:
        return []
    found = (action(initiative, agent) for action in _authorisation_actions)
    return [a for a in found if a is not None]
