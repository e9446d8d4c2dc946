"""The coffee rooms' presence over websockets, through the whole ASGI stack of riposte/asgi.py
(origin check, session authentication, routing) with a WebsocketCommunicator (tests/coffee/websocket.py).

The tests run their async body with async_to_sync: the consumer's database calls then come back to
the test's thread and its connection. The in-memory channel layer is the default; the last
test runs the same exchange over Redis when a server answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import datetime as dt
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
from django.utils import timezone

from riposte.asgi import application
from riposte.coffee.models import CoffeeRoom, Presence
from riposte.directory.models import Agent
from tests.coffee.room_builders import make_room
from tests.coffee.websocket import WebsocketCommunicator

# The consumer's database calls close obsolete connections (channels' database_sync_to_async), which
# PostgreSQL refuses inside a test's transaction: these tests commit, and the database is flushed.
pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture
def room(facilitator) -> CoffeeRoom:
    return make_room(by=facilitator)


def headers_for(agent: Agent | None, origin: tuple[bytes, bytes] = ORIGIN) -> list:
    headers = [origin]
    if agent is not None:
        client = Client()
        client.force_login(agent)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return headers


def communicator(room: CoffeeRoom | str, headers: list) -> WebsocketCommunicator:
    slug = room.slug if isinstance(room, CoffeeRoom) else room
    return WebsocketCommunicator(application, f"/ws/coffee/rooms/{slug}/", headers=headers)


def run(body: Callable[[], Awaitable[Any]]) -> Any:
    """Run the test's coroutine on a loop of its own, in a thread of its own: the browser tests'
    Playwright keeps an event loop in the main thread for the whole session."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(async_to_sync(body)).result()


async def in_db(query: Callable[[], Any]) -> Any:
    return await database_sync_to_async(query)()


async def present(ws: WebsocketCommunicator) -> list[str]:
    message = await ws.receive_json_from(timeout=5)  # a loaded machine is slow
    assert message["type"] == "presence"
    assert message["count"] == len(message["present"])
    return message["present"]


def test_two_agents_see_each_other_arrive_and_leave(room, agent, facilitator):
    alice, fanny = headers_for(agent), headers_for(facilitator)

    async def body() -> None:
        first = communicator(room, alice)
        assert (await first.connect())[0]
        assert await present(first) == ["Célia Navarro"]

        second = communicator(room, fanny)
        assert (await second.connect())[0]
        assert await present(second) == ["Célia Navarro", "Fanny Lebon"]
        assert await present(first) == ["Célia Navarro", "Fanny Lebon"]
        assert await second.receive_nothing()  # its own list once, not its broadcast again

        await second.disconnect()
        assert await present(first) == ["Célia Navarro"]
        await first.disconnect()

    run(body)
    assert not Presence.objects.exists()


def test_two_tabs_of_one_agent_are_one_name(room, agent):
    alice = headers_for(agent)

    async def body() -> None:
        tab1, tab2 = communicator(room, alice), communicator(room, alice)
        await tab1.connect()
        await present(tab1)
        await tab2.connect()
        assert await present(tab2) == ["Célia Navarro"]
        assert await present(tab1) == ["Célia Navarro"]
        await tab2.disconnect()
        assert await present(tab1) == ["Célia Navarro"]  # still there in the other tab
        await tab1.disconnect()

    run(body)
    assert not Presence.objects.exists()


def test_a_heartbeat_refreshes_the_row_and_answers_the_list(room, agent):
    alice = headers_for(agent)
    long_ago = timezone.now() - dt.timedelta(hours=1)

    async def body() -> None:
        ws = communicator(room, alice)
        await ws.connect()
        await present(ws)
        await in_db(lambda: Presence.objects.update(seen_at=long_ago))
        await ws.send_json_to({"type": "heartbeat"})
        assert await present(ws) == ["Célia Navarro"]
        assert await in_db(lambda: Presence.objects.get().seen_at) > long_ago
        await ws.disconnect()

    run(body)


def test_a_heartbeat_after_a_purge_joins_again_and_tells_the_room(room, agent, facilitator):
    alice, fanny = headers_for(agent), headers_for(facilitator)

    async def body() -> None:
        first, second = communicator(room, alice), communicator(room, fanny)
        await first.connect()
        await present(first)
        await second.connect()
        await present(second)
        await present(first)
        # The worker purged Fanny's row (her laptop slept through the heartbeats).
        await in_db(lambda: Presence.objects.filter(agent=facilitator).delete())
        await second.send_json_to({"type": "heartbeat"})
        assert await present(second) == ["Célia Navarro", "Fanny Lebon"]
        assert await present(first) == ["Célia Navarro", "Fanny Lebon"]
        await first.disconnect()
        await second.disconnect()

    run(body)
    assert not Presence.objects.exists()


def test_garbage_messages_are_ignored(room, agent):
    alice = headers_for(agent)

    async def body() -> None:
        ws = communicator(room, alice)
        await ws.connect()
        await present(ws)
        await ws.send_json_to(["not", "a", "dict"])
        await ws.send_json_to({"type": "shout", "present": ["Someone else"]})
        assert await ws.receive_nothing()
        await ws.disconnect()

    run(body)


def test_the_outsider_is_refused(room):
    async def body() -> tuple[bool, Any]:
        ws = communicator(room, headers_for(None))
        connected, code = await ws.connect()
        return connected, code

    assert run(body) == (False, 4401)
    assert not Presence.objects.exists()


def test_an_inactive_agent_is_refused(room, agent):
    headers = headers_for(agent)
    agent.is_active = False
    agent.save()

    async def body() -> bool:
        return (await communicator(room, headers).connect())[0]

    assert run(body) is False


def test_another_origin_is_refused(room, agent):
    headers = headers_for(agent, origin=(b"origin", b"https://evil.example.com"))

    async def body() -> bool:
        return (await communicator(room, headers).connect())[0]

    assert run(body) is False
    assert not Presence.objects.exists()


def test_unknown_and_closed_rooms_are_refused(room, agent):
    alice = headers_for(agent)
    CoffeeRoom.objects.filter(pk=room.pk).update(is_open=False)

    async def body() -> list[Any]:
        codes = []
        for slug in (room.slug, "no-such-room"):
            codes.append(await communicator(slug, alice).connect())
        return codes

    assert run(body) == [(False, 4404), (False, 4404)]
    assert not Presence.objects.exists()


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_presence_over_the_redis_channel_layer(room, agent, facilitator, settings):
    # A prefix of its own: other tests (and other checkouts) may share this Redis.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:6379/0"], "prefix": f"t{uuid.uuid4().hex}"},
        }
    }
    alice, fanny = headers_for(agent), headers_for(facilitator)

    async def body() -> str:
        first, second = communicator(room, alice), communicator(room, fanny)
        await first.connect()
        assert await present(first) == ["Célia Navarro"]
        await second.connect()
        assert await present(second) == ["Célia Navarro", "Fanny Lebon"]
        assert await present(first) == ["Célia Navarro", "Fanny Lebon"]
        await second.disconnect()
        assert await present(first) == ["Célia Navarro"]
        await first.disconnect()
        layer = get_channel_layer()
        name = type(layer).__name__
        await layer.flush()
        return name

    assert run(body) == "RedisChannelLayer"
    assert not Presence.objects.exists()
