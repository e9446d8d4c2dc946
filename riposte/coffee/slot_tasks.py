"""The message of a moved slot: one e-mail to each other member of the group, in their language,
with the new time and the updated invitation.

Apart from the round's invitation (tasks.coffee_invitations_send): its subject and text say
who moved the coffee and to when, where the round's say who one is paired with. The .ics keeps
the group's UID with a higher SEQUENCE (ics.py), so calendars move the event instead of adding a
second one. It is sent whatever the agent's e-mail frequency, like the round's invitation: it is
the calendar's update, not a notification (the notification of the move is recorded already
e-mailed, services.group_move_slot).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from riposte.coffee.ics import group_invitation
from riposte.coffee.models import Group
from riposte.coffee.services import group_members
from riposte.coffee.video import room_url
from riposte.directory.models import Agent


@task()
def coffee_slot_moved_send(
    *, group_id: int, moved_by_id: int, moved_at: str, first: bool = False
) -> int:
    """E-mail the members of the group but the one who moved its slot; returns how many.

    `first`: the group had no slot (no common half-day) and a member set one."""
    group = Group.objects.filter(pk=group_id).select_related("round").first()
    if group is None or group.slot_start is None:
        return 0  # deleted (retention) or emptied since: nothing to say
    mover = Agent.objects.filter(pk=moved_by_id).first()
    revised_at = dt.datetime.fromisoformat(moved_at)
    start = timezone.localtime(group.slot_start)
    members = group_members(group)
    page = settings.SITE_ROOT + reverse("coffee:group", args=[group.pk])
    sent = 0
    for agent in members:
        if agent.pk == moved_by_id or not agent.is_active or not agent.email:
            continue
        with translation.override(agent.language):
            values = {
                "date": formats.date_format(start, "l j F"),
                "time": formats.time_format(start, "H:i"),
            }
            subject = (
                _("[Riposte] Your coffee is set for %(date)s at %(time)s")
                if first
                else _("[Riposte] Your coffee is moved to %(date)s at %(time)s")
            ) % values
            body = render_to_string(
                "coffee/email/slot_moved.txt",
                {
                    "agent": agent,
                    "mover": mover,
                    "others": [m for m in members if m.pk != agent.pk],
                    "first": first,
                    "start": start,
                    "room_url": room_url(group.room),
                    "page": page,
                },
            )
            message = EmailMessage(subject, body, None, [agent.email])
            message.attach(
                "coffee.ics",
                group_invitation(group, members, revised_at=revised_at),
                "text/calendar; method=REQUEST; charset=utf-8",
            )
            message.send()
        sent += 1
    return sent
