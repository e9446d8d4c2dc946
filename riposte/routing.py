"""WebSocket routes; each live module (workshops, coffee) appends its consumers here."""

from typing import Any

from django.urls import path

from riposte.coffee.consumers import PresenceConsumer
from riposte.workshops.consumers import BoardConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/coffee/rooms/<slug:slug>/", PresenceConsumer.as_asgi()),
    path("ws/workshops/<int:pk>/", BoardConsumer.as_asgi()),
]
