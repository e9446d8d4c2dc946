"""Helpers that make actors, emergencies and cooperations through the services, for every test of
the cooperations module (the graph, the debriefs and the guide import them too).

They go through the services on purpose: what a test builds is what an agent could have built.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from riposte.cooperations.models import Actor, ActorKind, Cooperation, Event
from riposte.cooperations.services import (
    ActorData,
    CooperationData,
    actor_for_service,
    actor_propose,
    cooperation_create,
)
from riposte.directory.models import Agent, Commune, Service

LOCKDOWN_START = dt.date(2020, 3, 17)


def make_commune(name: str = "Saint-Denis", insee_code: str = "93066") -> Commune:
    commune, _created = Commune.objects.get_or_create(
        insee_code=insee_code, defaults={"name": name, "latitude": 48.936, "longitude": 2.357}
    )
    return commune


def make_actor(
    name: str = "Secours populaire de Saint-Denis",
    kind: str = ActorKind.ASSOCIATION,
    *,
    by: Agent,
    **fields: Any,
) -> Actor:
    """An outside actor proposed by `by` (validated at once when `by` is a facilitator)."""
    return actor_propose(by=by, data=ActorData(name=name, kind=kind, **fields))


def make_service_actor(
    code: str = "DSOL", name: str = "Direction des solidarités", *, by: Agent | None = None
) -> Actor:
    """The actor of a directory service (made in the directory first if needed)."""
    service, _created = Service.objects.get_or_create(
        code=code, defaults={"name": name, "level": "direction"}
    )
    return actor_for_service(service=service, by=by)


def make_event(
    name: str = "Confinement du printemps 2020",
    kind: str = "confinement",
    starts_on: dt.date = LOCKDOWN_START,
    ends_on: dt.date | None = dt.date(2020, 5, 11),
    **fields: Any,
) -> Event:
    event, _created = Event.objects.get_or_create(
        name=name, defaults={"kind": kind, "starts_on": starts_on, "ends_on": ends_on, **fields}
    )
    return event


def make_cooperation(
    actors: list[Actor],
    *,
    by: Agent,
    title: str = "Distribution alimentaire",
    description: str = "Des colis alimentaires livrés aux familles.",
    started_on: dt.date = LOCKDOWN_START,
    event: Event | None = None,
    **fields: Any,
) -> Cooperation:
    """A confirmed cooperation between `actors` (2 or more), recorded by `by`."""
    return cooperation_create(
        by=by,
        data=CooperationData(
            title=title,
            description=description,
            started_on=started_on,
            actors=list(actors),
            event=event,
            **fields,
        ),
    )
