"""Who is in a coffee room now, live: one websocket per open room page.

The page connects, its Presence row is written, and everyone in the room's group gets the new list
of names; closing the page deletes the row and sends the list again. The page sends a heartbeat
every rooms.HEARTBEAT (the answer is the list again, which also repairs a missed update).

Each list carries the time its query started: a consumer drops a list older than the last one it
sent, so that two joins at once, whose broadcasts may cross, never leave a page on the older list.
"""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from riposte.coffee import rooms
from riposte.coffee.models import CoffeeRoom
from riposte.directory.models import Agent

# Close codes of the refused connections (4000-4999 are the application's own).
NOT_LOGGED_IN = 4401
NO_SUCH_ROOM = 4404


def _open_room(slug: str) -> CoffeeRoom | None:
    return CoffeeRoom.objects.filter(slug=slug, is_open=True).first()


def _present(room: CoffeeRoom) -> tuple[float, list[str]]:
    started = time.time()
    return started, rooms.presence_list(room=room)


def _join(room: CoffeeRoom, agent: Agent, channel_name: str) -> tuple[float, list[str]]:
    rooms.presence_join(room=room, agent=agent, channel_name=channel_name)
    return _present(room)


def _heartbeat(room: CoffeeRoom, agent: Agent, channel_name: str) -> tuple[bool, float, list[str]]:
    """Refresh the row; (True, ...) when it had been purged and was written again."""
    rejoined = not rooms.presence_touch(channel_name=channel_name)
    if rejoined:
        rooms.presence_join(room=room, agent=agent, channel_name=channel_name)
    return (rejoined, *_present(room))


def _leave(room: CoffeeRoom, channel_name: str) -> tuple[float, list[str]]:
    rooms.presence_leave(channel_name=channel_name)
    return _present(room)


class PresenceConsumer(AsyncJsonWebsocketConsumer):
    room: CoffeeRoom | None = None
    group = ""
    last_at = 0.0

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=NOT_LOGGED_IN)  # before accept: the handshake is refused
            return
        room = await database_sync_to_async(_open_room)(self.scope["url_route"]["kwargs"]["slug"])
        if room is None:
            await self.close(code=NO_SUCH_ROOM)
            return
        self.room = room
        self.group = f"coffee.room.{room.pk}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        at, present = await database_sync_to_async(_join)(room, user, self.channel_name)
        await self._send_present(at, present)
        await self._broadcast(at, present)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.room is None or not isinstance(content, dict):
            return
        if content.get("type") == "heartbeat":
            rejoined, at, present = await database_sync_to_async(_heartbeat)(
                self.room, self.scope["user"], self.channel_name
            )
            await self._send_present(at, present)
            if rejoined:
                await self._broadcast(at, present)

    async def disconnect(self, code: int) -> None:
        if self.room is None:
            return
        at, present = await database_sync_to_async(_leave)(self.room, self.channel_name)
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self._broadcast(at, present)

    # -- the room's group

    async def _broadcast(self, at: float, present: list[str]) -> None:
        await self.channel_layer.group_send(
            self.group,
            {"type": "presence.update", "at": at, "present": present, "sender": self.channel_name},
        )

    async def presence_update(self, event: dict[str, Any]) -> None:
        if event["sender"] == self.channel_name:
            return  # this connection sent its own list already
        await self._send_present(event["at"], event["present"])

    async def _send_present(self, at: float, present: list[str]) -> None:
        if at < self.last_at:
            return
        self.last_at = at
        await self.send_json({"type": "presence", "count": len(present), "present": present})
