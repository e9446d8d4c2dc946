"""The board's websocket through the whole ASGI stack of riposte/asgi.py (origin check, session
authentication, routing), with the WebsocketCommunicator of tests/coffee/websocket.py, its loop in
a thread of its own (tests/coffee/test_consumers.py says why).

A page connects, is told the workshop's revision ("hello"), then every change after its commit.
Agents and the workshop's guests get in; a guest of another workshop, an anonymous visitor, an
unknown workshop and another origin are refused. The last test runs over Redis when a server
answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings as django_settings
from django.test import Client

from riposte.asgi import application
from riposte.workshops import board, services
from riposte.workshops.models import Workshop
from tests.coffee.websocket import WebsocketCommunicator
from tests.workshops.board_builders import opened, post, steps_of, viewer
from tests.workshops.builders import guest_client, invite

# The consumer's database calls close obsolete connections, which PostgreSQL refuses inside a
# test's transaction: these tests commit, and the database is flushed.
pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
WAIT = 5  # seconds: a loaded machine is slow


def cookie_of(client: Client, origin: tuple[bytes, bytes] = ORIGIN) -> list:
    name = django_settings.SESSION_COOKIE_NAME
    headers = [origin]
    if name in client.cookies:
        headers.append((b"cookie", f"{name}={client.cookies[name].value}".encode()))
    return headers


def headers_for(scene, role: str, origin: tuple[bytes, bytes] = ORIGIN) -> list:
    if role in scene.guests:
        return cookie_of(guest_client(scene.keys[role]), origin)
    client = Client()
    if role in scene.people:
        client.force_login(scene.people[role])
    return cookie_of(client, origin)


def socket_to(workshop_id: int, headers: list) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/workshops/{workshop_id}/", headers=headers)


def run(body: Callable[[], Awaitable[Any]]) -> Any:
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(async_to_sync(body)).result()


async def in_db(query: Callable[[], Any]) -> Any:
    return await database_sync_to_async(query)()


def revision(workshop: Workshop) -> int:
    return Workshop.objects.get(pk=workshop.pk).revision


def test_a_change_reaches_every_open_board_with_its_revision(scene):
    workshop = opened(scene)
    step = steps_of(workshop)[0]
    agent, guest = headers_for(scene, "agent"), headers_for(scene, "guest")
    start = revision(workshop)

    async def body() -> None:
        reader, writer = socket_to(workshop.pk, agent), socket_to(workshop.pk, guest)
        assert (await reader.connect())[0]
        assert (await writer.connect())[0]
        for ws in (reader, writer):
            assert await ws.receive_json_from(WAIT) == {"type": "hello", "revision": start}
        note = await in_db(lambda: post(scene, "guest", "Une idée secrète ?", step=step))
        expected = {
            "type": "change",
            "revision": start + 1,
            "change": "note",
            "step": step.pk,
            "steps": [step.pk],
            "note": note.pk,
            "op": "add",
        }
        for ws in (reader, writer):
            event = await ws.receive_json_from(WAIT)
            assert event == expected
            assert "Une idée" not in str(event)  # the text travels over HTTP, by viewer
        await in_db(lambda: board.dot_add(note=note, by=viewer(scene, "participant")))
        event = await reader.receive_json_from(WAIT)
        assert (event["change"], event["revision"], event["step"]) == ("dots", start + 2, step.pk)
        await reader.disconnect()
        await writer.disconnect()

    run(body)


def test_a_refused_write_sends_nothing(scene):
    workshop = opened(scene)
    step = steps_of(workshop)[0]
    headers = headers_for(scene, "participant")

    async def body() -> None:
        ws = socket_to(workshop.pk, headers)
        await ws.connect()
        await ws.receive_json_from(WAIT)
        await in_db(lambda: board.step_lock(step=step, by=viewer(scene, "facilitator")))
        assert (await ws.receive_json_from(WAIT))["change"] == "step"
        with pytest.raises(Exception, match="locked"):
            await in_db(lambda: post(scene, "participant", "Trop tard", step=step))
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    run(body)


def test_a_page_that_reconnects_is_told_the_current_revision(scene):
    """Changes made while a page was away: its hello's revision is higher than its board's, and
    board.js then reloads the whole board."""
    workshop = opened(scene)
    headers = headers_for(scene, "participant")

    async def body() -> tuple[int, int]:
        ws = socket_to(workshop.pk, headers)
        await ws.connect()
        first = (await ws.receive_json_from(WAIT))["revision"]
        await ws.disconnect()
        for text in ("Une", "Deux", "Trois"):
            await in_db(lambda text=text: post(scene, "guest", text))
        again = socket_to(workshop.pk, headers)
        await again.connect()
        hello = await again.receive_json_from(WAIT)
        await again.disconnect()
        return first, hello["revision"]

    first, then = run(body)
    assert then == first + 3 == revision(workshop)


def test_facilitation_events(scene):
    workshop = opened(scene)
    axis = workshop.axes.order_by("position")[3]
    headers = headers_for(scene, "guest")

    async def body() -> list[dict[str, Any]]:
        ws = socket_to(workshop.pk, headers)
        await ws.connect()
        await ws.receive_json_from(WAIT)
        me = await in_db(lambda: viewer(scene, "facilitator"))
        await in_db(lambda: board.workshop_focus(workshop=workshop, by=me, axis=axis))
        await in_db(lambda: board.timer_start(workshop=workshop, by=me, minutes=3))
        events = [await ws.receive_json_from(WAIT) for _ in range(2)]
        await ws.disconnect()
        return events

    focus, timer = run(body)
    assert (focus["change"], focus["axis"]) == ("focus", axis.pk)
    assert timer["change"] == "timer"
    assert timer["ends_at"] == Workshop.objects.get(pk=workshop.pk).timer_ends_at.isoformat()


def test_the_page_says_nothing_the_socket_listens_to(scene):
    workshop = opened(scene)
    headers = headers_for(scene, "participant")

    async def body() -> None:
        ws = socket_to(workshop.pk, headers)
        await ws.connect()
        await ws.receive_json_from(WAIT)
        await ws.send_json_to({"type": "board.change", "revision": 999, "change": "note"})
        await ws.send_json_to(["not", "a", "dict"])
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    run(body)


@pytest.mark.parametrize(
    ("role", "code"),
    [("anonymous", 4401), ("other_guest", 4404)],
)
def test_who_may_not_read_the_board_is_refused(scene, role, code):
    headers = headers_for(scene, role)

    async def body() -> tuple[bool, Any]:
        return await socket_to(scene.workshop.pk, headers).connect()

    assert run(body) == (False, code)


@pytest.mark.parametrize("role", ["agent", "participant", "facilitator", "admin", "guest"])
def test_who_may_read_the_board_gets_in(scene, role):
    headers = headers_for(scene, role)

    async def body() -> dict[str, Any]:
        ws = socket_to(scene.workshop.pk, headers)
        assert (await ws.connect())[0]
        hello = await ws.receive_json_from(WAIT)
        await ws.disconnect()
        return hello

    assert run(body)["type"] == "hello"


def test_an_unknown_workshop_and_another_origin_are_refused(scene):
    headers = headers_for(scene, "agent")
    evil = headers_for(scene, "agent", origin=(b"origin", b"https://evil.example.com"))

    async def body() -> list[Any]:
        return [
            await socket_to(999_999, headers).connect(),
            (await socket_to(scene.workshop.pk, evil).connect())[0],
        ]

    assert run(body) == [(False, 4404), False]


def test_an_inactive_agent_is_refused(scene):
    headers = headers_for(scene, "participant")
    agent = scene.people["participant"]
    agent.is_active = False
    agent.save()

    async def body() -> tuple[bool, Any]:
        return await socket_to(scene.workshop.pk, headers).connect()

    assert run(body) == (False, 4401)


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_changes_over_the_redis_channel_layer(scene, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:6379/0"], "prefix": f"t{uuid.uuid4().hex}"},
        }
    }
    workshop = opened(scene)
    headers = headers_for(scene, "guest")

    async def body() -> tuple[str, dict[str, Any]]:
        ws = socket_to(workshop.pk, headers)
        await ws.connect()
        await ws.receive_json_from(WAIT)
        await in_db(lambda: post(scene, "participant", "Par Redis"))
        event = await ws.receive_json_from(WAIT)
        await ws.disconnect()
        layer = get_channel_layer()
        name = type(layer).__name__
        await layer.flush()
        return name, event

    name, event = run(body)
    assert name == "RedisChannelLayer"
    assert (event["type"], event["change"]) == ("change", "note")


def test_renewing_a_guests_link_closes_the_sockets_opened_through_the_old_one(scene):
    """Only that guest's: the other guest and the agents keep hearing the board."""
    workshop = opened(scene)
    second, second_key = invite(workshop, name="Second invité")
    guest, other_guest = headers_for(scene, "guest"), cookie_of(guest_client(second_key))
    agent = headers_for(scene, "participant")

    async def body() -> tuple[Any, list[str]]:
        sockets = [socket_to(workshop.pk, h) for h in (guest, other_guest, agent)]
        for ws in sockets:
            assert (await ws.connect())[0]
            await ws.receive_json_from(WAIT)
        await in_db(
            lambda: services.guest_key_renew(
                participant=scene.guests["guest"], by=scene.people["facilitator"]
            )
        )
        closed = await sockets[0].receive_output(WAIT)
        await in_db(lambda: post(scene, "participant", "Encore là ?"))
        heard = [(await ws.receive_json_from(WAIT))["change"] for ws in sockets[1:]]
        for ws in sockets[1:]:
            await ws.disconnect()
        return closed, heard

    closed, heard = run(body)
    assert closed == {"type": "websocket.close", "code": 4403}
    assert heard == ["note", "note"]

    async def again() -> tuple[bool, Any]:
        return await socket_to(workshop.pk, guest).connect()

    assert run(again) == (False, 4404)  # the old link's session is refused from now on
    assert second.pk != scene.guests["guest"].pk
