"""The coffee rooms' worker job: drop the presence rows of connections that died unclosed (a
process killed, a server restarted), so that nobody is shown in a room they left long ago."""

from __future__ import annotations

from django.tasks import task

from riposte.coffee import rooms


@task()
def presence_purge_stale() -> int:
    return rooms.presence_purge()
