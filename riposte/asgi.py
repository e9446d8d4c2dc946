"""ASGI entry point: HTTP through Django, WebSockets through Channels (live boards, presence)."""

import os
from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")


class SyncViewsASGIHandler(ASGIHandler):
    """Django's ASGI handler, with the middleware chain and the view run in one thread hop.

    Riposte's views and most middleware are synchronous. Stock Django builds an async chain under
    ASGI and hops to the request's thread and back for each sync middleware hook and for the view:
    about twenty hops per request, most of the cost of a small page (bench/README.md). Built in
    sync mode, the whole chain runs in the request's thread, entered once: the same thread stock
    Django would use (thread_sensitive), so database connections are unchanged.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        sync_chain: Any = self._middleware_chain  # type: ignore[has-type]
        self._middleware_chain = sync_to_async(sync_chain, thread_sensitive=True)


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
