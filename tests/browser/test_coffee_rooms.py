"""Two agents in the same coffee room, each in a browser of their own: each sees the other arrive
within a second, and leave when their page closes. Both pages pass axe-core.

pytest-django's live server is WSGI, without websockets. These tests serve the real ASGI
application (riposte/asgi.py: Django and Channels) with granian's embedded server, in a thread of
the test process, so that it reads the test database as the live server does.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from granian.constants import Interfaces
from granian.server.embed import Server
from playwright.sync_api import expect

from riposte.coffee import rooms
from riposte.coffee.models import Presence
from tests.browser.conftest import check_axe, french_page, login
from tests.coffee.room_builders import make_room

pytestmark = pytest.mark.browser

WITHIN_A_SECOND = 1_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_site(transactional_db) -> Iterator[str]:
    """The site over ASGI (HTTP and websockets), static files served from the finders as the
    live server does."""
    from riposte.asgi import application

    port = _free_port()
    server = Server(
        ASGIStaticFilesHandler(application),
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGINL,  # Channels' router has no lifespan protocol
        log_enabled=False,
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            threading.Event().wait(0.05)
    else:
        pytest.fail("granian did not start")
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(server.stop)
    thread.join(timeout=10)


def test_two_agents_see_each_other_arrive_and_leave(browser, asgi_site, agent, facilitator):
    room = make_room(by=facilitator, description="Un café entre collègues du site de Bobigny.")
    room_url = f"{asgi_site}/coffee/rooms/{room.slug}/"

    alice = french_page(browser)
    login(alice, asgi_site, agent.email)
    alice.goto(room_url)
    alice_list = alice.locator("#presence-list li")
    expect(alice_list).to_have_text(["Célia Navarro"], timeout=WITHIN_A_SECOND * 3)

    fanny = french_page(browser)
    login(fanny, asgi_site, facilitator.email)
    fanny.goto(room_url)
    both = ["Célia Navarro", "Fanny Lebon"]
    expect(fanny.locator("#presence-list li")).to_have_text(both, timeout=WITHIN_A_SECOND)
    expect(alice_list).to_have_text(both, timeout=WITHIN_A_SECOND)
    expect(alice.locator("#presence")).to_have_attribute("aria-live", "polite")
    video = alice.locator("#video-link")
    expect(video).to_have_attribute("target", "_blank")
    expect(video).to_have_attribute("href", rooms.room_url(room))

    check_axe(alice, "room page (Célia)")
    check_axe(fanny, "room page (Fanny)")

    fanny.context.close()
    expect(alice_list).to_have_text(["Célia Navarro"], timeout=WITHIN_A_SECOND)
    assert list(Presence.objects.values_list("agent_id", flat=True)) == [agent.pk]

    # The list of rooms shows who is in each now; "drop in" leads to the room's page.
    alice.goto(f"{asgi_site}/coffee/rooms/")
    card = alice.locator(".coffee-rooms .card", has_text=room.name)
    expect(card).to_contain_text("Célia Navarro")
    check_axe(alice, "rooms list")
    card.get_by_role("link").click()
    expect(alice).to_have_url(room_url)
    alice.context.close()
