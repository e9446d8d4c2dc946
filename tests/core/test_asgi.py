"""The production ASGI application (riposte/asgi.py) serves Django's views through its one-hop
handler: requests, redirects, CSRF and sessions behave as under Django's stock handler."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.testing import ApplicationCommunicator

from riposte.asgi import SyncViewsASGIHandler, application
from tests.conftest import PASSWORD


def scope_for(method: str, path: str, headers: list | None = None) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"127.0.0.1"), *(headers or [])],
    }


async def respond(app, scope: dict, body: bytes = b"") -> dict:
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(5)
    chunks = []
    while True:
        message = await communicator.receive_output(5)
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return {
        "status": start["status"],
        "headers": {k.decode().lower(): v.decode() for k, v in start["headers"]},
        "body": b"".join(chunks),
    }


def in_own_loop(coroutine):
    # A loop of its own in a thread of its own: the browser tests' Playwright keeps an event loop
    # running in the main thread. Django runs each request's sync code in yet another thread, with
    # its own connection, so tests that read rows use transaction=True to commit them.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def call(method: str, path: str, body: bytes = b"", headers: list | None = None) -> dict:
    return in_own_loop(respond(application, scope_for(method, path, headers), body))


def test_application_uses_the_one_hop_handler():
    assert isinstance(application.application_mapping["http"], SyncViewsASGIHandler)


@pytest.mark.django_db
def test_healthz_through_asgi():
    response = call("GET", "/healthz")
    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_login_required_redirects_through_asgi():
    response = call("GET", "/")
    assert response["status"] == 302
    assert response["headers"]["location"] == "/auth/login/?next=/"


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_through_asgi():
    response = call(
        "POST",
        "/auth/login/",
        body=b"email=alice%40example.org&password=x",
        headers=[(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert response["status"] == 403


@pytest.mark.django_db(transaction=True)
def test_a_session_logs_in_through_asgi(agent):
    from django.test import Client

    client = Client()
    client.login(email=agent.email, password=PASSWORD)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    response = call("GET", "/", headers=[(b"cookie", cookie)])
    assert response["status"] == 200
    assert "Célia" in response["body"].decode()


def test_requests_share_a_few_long_lived_threads(settings):
    """Concurrent requests run on at most `threads` threads, the same ones request after request,
    so what a thread keeps (its database connection, the Redis client) serves the next request."""
    settings.ROOT_URLCONF = "tests.core.thread_urls"
    handler = SyncViewsASGIHandler(threads=2)

    async def burst() -> list[dict]:
        return await asyncio.gather(
            *(respond(handler, scope_for("GET", "/thread")) for _ in range(8))
        )

    first = in_own_loop(burst())
    assert [r["status"] for r in first] == [200] * 8
    names = {r["body"].decode() for r in first}
    assert len(names) <= 2
    assert all(name.startswith("riposte-request-") for name in names)
    # A later loop (a test, a restarted server) gets threads of its own, used the same way.
    assert len({r["body"].decode() for r in in_own_loop(burst())}) <= 2


def test_a_slow_upload_does_not_hold_a_request_thread(settings):
    """A client still sending its body waits on the event loop, not on one of the threads: with
    a single thread, another request is answered meanwhile."""
    settings.ROOT_URLCONF = "tests.core.thread_urls"
    handler = SyncViewsASGIHandler(threads=1)

    async def scenario() -> dict:
        slow = ApplicationCommunicator(handler, scope_for("POST", "/thread"))
        await slow.send_input({"type": "http.request", "body": b"a=", "more_body": True})
        answered = await asyncio.wait_for(respond(handler, scope_for("GET", "/thread")), 3)
        await slow.send_input({"type": "http.disconnect"})
        return answered

    assert in_own_loop(scenario())["status"] == 200
