"""Rows of the access table for the coffee rooms (see tests/coffee/access.py). Who may join a
room's presence over the websocket is tested in test_consumers.py."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.access_table import Redirect, Route, logged_in, only
from tests.coffee.room_builders import make_room

FACILITATORS = ("facilitator", "admin")


def _room_url(actors: dict[str, Any]) -> str:
    return reverse("coffee:room", args=[make_room(by=actors["facilitator"]).slug])


def _closed_room_url(actors: dict[str, Any]) -> str:
    room = make_room(by=actors["facilitator"])
    room.is_open = False
    room.save()
    return reverse("coffee:room", args=[room.slug])


ROUTES: list[Route] = [
    Route("coffee:rooms", "GET", logged_in(200)),
    # An empty form is refused (200, with its errors): what matters is who gets that far.
    Route("coffee:rooms", "POST", only(FACILITATORS, 200), data={"name": ""}),
    Route(
        "coffee:rooms",
        "POST",
        only(FACILITATORS, Redirect("/coffee/rooms/cafe-des-donnees/")),
        data={"name": "Café des données"},
    ),
    Route("coffee:room", "GET", logged_in(200), path=_room_url),
    Route("coffee:room", "GET", logged_in(404), path=_closed_room_url),
]
