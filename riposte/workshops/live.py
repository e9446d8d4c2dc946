"""How a change on a board reaches every open page of the workshop.

Every write that changes what a board shows calls `board_changed` inside its transaction. It
bumps the workshop's `revision` in the same transaction and, once the transaction commits (never
for a write that rolled back), sends a small event to the workshop's channel group:
`{"type": "board.change", "revision": n, "change": "...", "step": id or None, ...}`.

The event carries no note text: what each person may see differs (hidden notes, anonymous
authors), so each page asks the server for the part that changed, rendered for its viewer
(consumers.py, static/workshops/board.js). A page that sees revision n + 2 after n missed an
event and reloads the whole board; so does a page that reconnects.

With the in-memory channel layer (no REDIS_URL), events reach the sockets of the same process
only: run one server process, or set REDIS_URL (README, "Production").
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from riposte.workshops.models import Workshop

log = logging.getLogger(__name__)


def group_name(workshop_id: int) -> str:
    return f"workshop.{workshop_id}"


def board_changed(
    workshop: Workshop, change: str, *, step_id: int | None = None, **extra: Any
) -> int:
    """Record a change of the board (call inside the write's transaction); returns the new
    revision. `change` names it for the pages: "note", "dots", "step", "structure", "focus",
    "timer", "status", "milestone"."""
    Workshop.objects.filter(pk=workshop.pk).update(revision=F("revision") + 1)
    revision = Workshop.objects.values_list("revision", flat=True).get(pk=workshop.pk)
    workshop.revision = revision
    event = {"type": "board.change", "revision": revision, "change": change, "step": step_id}
    event.update(extra)
    transaction.on_commit(lambda: _send(workshop.pk, event))
    return revision


def guest_revoked(workshop: Workshop, participant_id: int) -> None:
    """A guest's link was renewed (call inside the renewal's transaction): once it commits, the
    sockets opened through the old link are closed (consumers.py). Their HTTP requests are
    already refused by rules.guest_participant."""
    event = {"type": "guest.revoked", "participant": participant_id}
    transaction.on_commit(lambda: _send(workshop.pk, event))


def _send(workshop_id: int, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(workshop_id), event)
    except Exception:  # the write is committed: a page that missed it catches up by revision
        log.exception("could not send the change of workshop %s", workshop_id)
