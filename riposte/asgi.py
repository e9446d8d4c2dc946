"""ASGI entry point: HTTP through Django, WebSockets through Channels (live boards, presence)."""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")


class SyncViewsASGIHandler(ASGIHandler):
    """Django's ASGI handler, with the middleware chain and the view run in one thread hop, on a
    few long-lived threads.

    Riposte's views and most middleware are synchronous. Stock Django builds an async chain under
    ASGI and hops to the request's thread and back for each sync middleware hook and for the view:
    about twenty hops per request, most of the cost of a small page (bench/README.md). Built in
    sync mode, the whole chain runs in the request's thread, entered once.

    Stock Django also starts a new thread for each request, so nothing kept in a thread outlives
    its request: database connections come from the pool again, and the cache's Redis client is
    built again. Here each request borrows one of `threads` long-lived threads (ASGI_THREADS, 4 by
    default) for its sync work, and waits, without blocking the event loop, when all are busy:
    at most `threads` requests of a process run Python code or wait on the database at once.
    """

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        self.threads = threads or int(os.getenv("ASGI_THREADS", "4"))
        self._idle: tuple[asyncio.AbstractEventLoop, asyncio.Queue[ThreadPoolExecutor]] | None
        self._idle = None

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        sync_chain: Any = self._middleware_chain  # type: ignore[has-type]
        self._middleware_chain = sync_to_async(sync_chain, thread_sensitive=True)

    def _idle_threads(self) -> asyncio.Queue[ThreadPoolExecutor]:
        # One queue per event loop: a server runs one loop per process, tests run several.
        loop = asyncio.get_running_loop()
        if self._idle is None or self._idle[0] is not loop:
            if self._idle is not None:  # the previous loop is gone: so are its requests
                while not self._idle[1].empty():
                    self._idle[1].get_nowait().shutdown(wait=False)
            idle: asyncio.Queue[ThreadPoolExecutor] = asyncio.Queue()
            for n in range(self.threads):
                idle.put_nowait(ThreadPoolExecutor(1, thread_name_prefix=f"riposte-request-{n}"))
            self._idle = (loop, idle)
        return self._idle[1]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        # The whole body first, on the event loop: a client sending slowly must not hold one of
        # the few request threads while it does (behind nginx, which buffers, it never does).
        received: list[dict[str, Any]] = []
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> dict[str, Any]:
            return received.pop(0) if received else await receive()

        idle = self._idle_threads()
        executor = await idle.get()
        try:
            # Every thread-sensitive call of this request (signals, middleware, view, closing the
            # response) runs on this executor's single thread, as on stock Django's per-request one.
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, replay, send)
        finally:
            idle.put_nowait(executor)


django.setup(set_prefix=False)
django_asgi_app = SyncViewsASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from riposte.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
