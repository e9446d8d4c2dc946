"""Coffee rooms made through the service, as a facilitator would open them."""

from __future__ import annotations

from typing import Any

from riposte.coffee.models import CoffeeRoom
from riposte.coffee.rooms import room_create
from riposte.directory.models import Agent


def make_room(
    *, by: Agent, name: str = "La machine à café de Bobigny", **fields: Any
) -> CoffeeRoom:
    return room_create(by=by, name=name, **fields)
