"""WebSocket routes; each live module (workshops, coffee) appends its consumers here."""

from typing import Any

websocket_urlpatterns: list[Any] = []
