"""Always-open coffee rooms: creating them, and who is in them now.

Presence is one row per open connection (a browser tab), written by the websocket consumer
(consumers.py). Lists show agents, not connections: two tabs of one agent are one name. A row whose
`seen_at` is older than PRESENCE_STALE is not shown (its process may have died without closing it)
and the worker deletes it (room_tasks.presence_purge).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from riposte.coffee import video
from riposte.coffee.models import CoffeeRoom, Presence
from riposte.directory.models import Agent, Site

# The page sends a heartbeat every HEARTBEAT seconds; three missed ones and the tab is gone.
HEARTBEAT = dt.timedelta(seconds=30)
PRESENCE_STALE = 3 * HEARTBEAT


def room_create(
    *,
    by: Agent,
    name: str,
    description: str = "",
    site: Site | None = None,
    theme: str = "",
) -> CoffeeRoom:
    """A facilitator opens a permanent room, with an unguessable video room name."""
    if not by.is_facilitator:
        raise PermissionDenied
    slug = slugify(name)[:120]
    if not slug:
        raise ValidationError({"name": _("The name needs at least one letter or digit.")})
    room = CoffeeRoom(
        name=name.strip(),
        slug=slug,
        description=description.strip(),
        site=site,
        theme=theme.strip(),
        room=video.room_name(),
    )
    room.full_clean()
    room.save()
    return room


def room_url(room: CoffeeRoom) -> str:
    return video.room_url(room.room)


def rooms_open() -> list[CoffeeRoom]:
    return list(CoffeeRoom.objects.filter(is_open=True).select_related("site"))


# --- presence ----------------------------------------------------------------------------------


def _fresh(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - PRESENCE_STALE


def presence_join(*, room: CoffeeRoom, agent: Agent, channel_name: str) -> Presence:
    """One more open connection of `agent` in `room`. A channel name is one connection: joining
    again with it (a reconnect the server had not seen close) moves the row, it does not add one."""
    now = timezone.now()
    presence, _created = Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"room": room, "agent": agent, "joined_at": now, "seen_at": now},
    )
    return presence


def presence_touch(*, channel_name: str) -> bool:
    """A heartbeat: False when the row is gone (purged while the tab slept), so the caller joins
    again."""
    return Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now()) > 0


def presence_leave(*, channel_name: str) -> int | None:
    """The connection closed: its row goes. Returns the room it was in, if any."""
    with transaction.atomic():
        presence = Presence.objects.filter(channel_name=channel_name).first()
        if presence is None:
            return None
        presence.delete()
        return presence.room_id


def presence_names(*, rooms: Iterable[CoffeeRoom]) -> dict[int, list[str]]:
    """Who is in each room now: each agent once (however many tabs), sorted by name."""
    rows = (
        Presence.objects.filter(room__in=list(rooms), seen_at__gte=_fresh())
        .values_list("room_id", "agent_id", "agent__first_name", "agent__last_name")
        .order_by()
    )
    seen: dict[int, dict[int, str]] = defaultdict(dict)
    for room_id, agent_id, first, last in rows:
        # Names only: an agent without one in the directory is not shown by e-mail address.
        seen[room_id][agent_id] = f"{first} {last}".strip() or _("A colleague")
    return {room_id: sorted(names.values(), key=str.casefold) for room_id, names in seen.items()}


def presence_list(*, room: CoffeeRoom) -> list[str]:
    return presence_names(rooms=[room]).get(room.pk, [])


def presence_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the rows no heartbeat refreshed: connections of a process that died."""
    deleted, _by_model = Presence.objects.filter(seen_at__lt=_fresh(now)).delete()
    return deleted
