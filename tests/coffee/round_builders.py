"""Members and rounds for the tests of rounds, services and pages: agents in a small tree of
services (two directions), each a member of the coffee machine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from riposte.coffee.models import Membership
from riposte.coffee.services import membership_join
from riposte.directory.models import Agent, Commune, Service, Site

MONDAY = dt.date(2026, 3, 2)  # a Monday
PASSWORD = "a-long-test-password"


def org() -> dict[str, Service]:
    a = Service.objects.create(code="DA", name="Direction A", level="direction")
    b = Service.objects.create(code="DB", name="Direction B", level="direction")
    a1 = Service.objects.create(code="A1", name="Service A un", level="service", parent=a)
    return {
        "A": a,
        "B": b,
        "A1": a1,
        "A1U": Service.objects.create(code="A1U", name="Unité", level="unit", parent=a1),
        "B1": Service.objects.create(code="B1", name="Service B un", level="service", parent=b),
    }


def site(name: str = "Bobigny") -> Site:
    commune, _ = Commune.objects.get_or_create(
        insee_code="93008", defaults={"name": "Bobigny", "latitude": 48.9, "longitude": 2.44}
    )
    return Site.objects.create(name=name, commune=commune)


def member(
    email: str,
    service: Service | None,
    *,
    availability: Iterable[str] = (),
    frequency: str = "weekly",
    paused_until: dt.date | None = None,
    **fields: object,
) -> Agent:
    agent = Agent.objects.create_user(
        email, PASSWORD, service=service, first_name=email.split("@")[0].capitalize(), **fields
    )
    membership_join(
        agent=agent,
        frequency=frequency,
        availability=list(availability),
        paused_until=paused_until,
    )
    return agent


def membership(agent: Agent) -> Membership:
    return Membership.objects.get(agent=agent)
