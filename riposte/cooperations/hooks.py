"""Where other modules start a cooperation.

A workshop's milestone ("map the actors who cooperated…") becomes a cooperation through the
ordinary form: it opens with `?from=milestone:12`, its title filled in and a note saying where it
comes from, and the milestone is linked to the cooperation in the transaction that records it.
A cooperation needs two actors and dates that only a person can give: the form is the place.

Cooperations know no module: a module registers its kind of origin here (in its
AppConfig.ready). Until one does, `?from=` is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from riposte.cooperations.models import Cooperation


@dataclass(frozen=True)
class Origin:
    key: str  # what the form carries back, e.g. "milestone:12"
    label: str  # where the cooperation comes from, as the form says it
    url: str
    title: str  # the title the form starts with
    # Links the new cooperation to its origin, inside the transaction that creates it; raises
    # ValidationError to refuse (the cooperation is then not recorded).
    link: Callable[[Cooperation, Any], object]


# (object id, agent) -> the origin, or None when it does not exist or the agent may not use it.
OriginResolver = Callable[[int, Any], Origin | None]
_resolvers: dict[str, OriginResolver] = {}


def register_origin(kind: str, resolver: OriginResolver) -> None:
    _resolvers[kind] = resolver


def unregister_origin(kind: str) -> None:
    _resolvers.pop(kind, None)


def origin_for(value: str | None, agent: Any) -> Origin | None:
    """The origin named by `?from=kind:id`, if a module knows it and lets this agent use it."""
    kind, _sep, object_id = (value or "").partition(":")
    resolver = _resolvers.get(kind)
    if resolver is None or not (object_id.isascii() and object_id.isdigit()) or len(object_id) > 18:
        return None
    return resolver(int(object_id), agent)
