"""The live board's websocket: one per open board page, in the workshop's channel group.

It only tells that something changed, with the workshop's revision number (live.board_changed
sends the events after each write's commit); the page then asks for the part that changed over
HTTP, rendered for its viewer (board_views.py). Nothing a viewer may not see travels here: an
event names a step, never a note's text or author.

On connecting, the page gets {"type": "hello", "revision": n}: a page whose board is older
(changes made while it loaded, or while it was disconnected) reloads the board.

A guest's socket is closed (4403) when their link is renewed: the link may have leaked, and the
socket would otherwise go on telling its holder when the board changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from riposte.workshops import rules
from riposte.workshops.live import group_name
from riposte.workshops.models import Workshop

# Close codes of the refused connections, as the coffee rooms' (4000-4999 are the application's).
NOT_LOGGED_IN = 4401
NOT_FOUND = 4404
REVOKED = 4403


@dataclass(frozen=True)
class Admission:
    revision: int | None  # None: refused, with close_code
    close_code: int = 0
    guest_id: int | None = None  # the participant of a guest, whose socket a renewal closes


def _admit(user: Any, session: Any, workshop_id: int) -> Admission:
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    is_agent = user is not None and user.is_authenticated and user.is_active
    if not is_agent and not (session is not None and session.get(rules.GUEST_SESSION_KEY)):
        return Admission(None, NOT_LOGGED_IN)
    if workshop is None:
        return Admission(None, NOT_FOUND)
    try:
        viewer = rules.viewer_for(user, session, workshop)
    except Http404:  # a guest of another workshop learns nothing of this one
        return Admission(None, NOT_FOUND)
    guest_id = viewer.participant.pk if viewer.is_guest and viewer.participant else None
    return Admission(workshop.revision, guest_id=guest_id)


class BoardConsumer(AsyncJsonWebsocketConsumer):
    group = ""
    guest_id: int | None = None

    async def connect(self) -> None:
        workshop_id = self.scope["url_route"]["kwargs"]["pk"]
        admission = await database_sync_to_async(_admit)(
            self.scope.get("user"), self.scope.get("session"), workshop_id
        )
        if admission.revision is None:
            await self.close(code=admission.close_code)  # before accept: the handshake is refused
            return
        self.guest_id = admission.guest_id
        self.group = group_name(workshop_id)
        # Joined before the revision is read: a change committed in between reaches the page
        # as an event, and the page ignores it if its board already has it. Admitted again
        # after joining, for the same reason: a guest's link renewed in between sent its
        # "revoked" before this socket could hear it.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        again = await database_sync_to_async(_admit)(
            self.scope.get("user"), self.scope.get("session"), workshop_id
        )
        if again.revision is None:  # deleted, or the guest's link renewed, in between
            await self.close(code=REVOKED if self.guest_id else again.close_code)
            return
        await self.send_json({"type": "hello", "revision": again.revision})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The page has nothing to say: its writes go through HTTP, where the rules are."""

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def board_change(self, event: dict[str, Any]) -> None:
        await self.send_json({**event, "type": "change"})

    async def guest_revoked(self, event: dict[str, Any]) -> None:
        if self.guest_id is not None and event.get("participant") == self.guest_id:
            await self.close(code=REVOKED)
