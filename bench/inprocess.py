"""In-process measurements behind bench/README.md: no server, no wrk, one request at a time.

    PYTHONPATH=. DATABASE_URL=... STATIC_ROOT=bench/out/static \\
        .venv/bin/python bench/inprocess.py requests / /bench/bare /bench/bare-login
    PYTHONPATH=. DATABASE_URL=... .venv/bin/python bench/inprocess.py connect

`requests`: ms per request through Django's test client (no ASGI; in brackets, the time spent in
SQL queries), through the ASGI application with Django's stock handler and with
riposte.asgi.SyncViewsASGIHandler, and the number of SQL queries of each page. Logged in as the
demo agent (load the demo first). `connect`: ms to open a database connection, run one query and
close it, as every request did before the pool.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from riposte.asgi import SyncViewsASGIHandler  # noqa: E402

N = int(os.getenv("N", "200"))


def per_request_ms(func: Any, n: int = N) -> float:
    started = time.perf_counter()
    for _ in range(n):
        func()
    return (time.perf_counter() - started) / n * 1000


async def asgi_get(app: Any, path: str, cookie: str) -> None:
    route, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": route, "raw_path": route.encode(), "query_string": query.encode(),
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8200),
        "headers": [(b"host", b"127.0.0.1:8200"), (b"cookie", cookie.encode())],
    }  # fmt: skip
    sent: list[dict[str, Any]] = []
    body_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        return {}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert sent[0]["status"] == 200, (path, sent[0]["status"])


def asgi_ms(app: Any, path: str, cookie: str) -> float:
    """Mean ms per request through `app`, N requests in one event loop, after one warm-up."""

    async def run() -> float:
        await asgi_get(app, path, cookie)
        started = time.perf_counter()
        for _ in range(N):
            await asgi_get(app, path, cookie)
        return (time.perf_counter() - started) / N * 1000

    return asyncio.run(run())


def requests(paths: list[str]) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(email="agent@demo.riposte.test", password="riposte-demo")  # noqa: S106
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    handlers = {"stock ASGI": ASGIHandler(), "one-hop ASGI": SyncViewsASGIHandler()}
    print(f"ms per request, mean of {N}; load average {os.getloadavg()[0]:.2f}")
    counts = {}
    for path in paths:  # before any ASGI run, which leaves the main thread's connection behind
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[path] = len(queries.captured_queries)
    sql_seconds = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - started

    for path in paths:
        sql_seconds[0] = 0.0
        with connection.execute_wrapper(timed):
            client_ms = per_request_ms(lambda p=path: client.get(p))
        db_ms = sql_seconds[0] / N * 1000
        row = [f"{path}: {counts[path]} queries", f"test client {client_ms:.2f} (SQL {db_ms:.2f})"]
        row += [f"{name} {asgi_ms(app, path, cookie):.2f}" for name, app in handlers.items()]
        print(" | ".join(row))


def connect() -> None:
    def cycle() -> None:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        connection.close()

    pool = connection.pool if connection.vendor == "postgresql" else None  # type: ignore[attr-defined]
    what = "from the pool" if pool else "new connection"
    print(
        f"{connection.vendor}, {what}: connect + SELECT 1 + close, "
        f"{per_request_ms(cycle, 100):.2f} ms (mean of 100)"
    )


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    requests(args) if command == "requests" else connect()
