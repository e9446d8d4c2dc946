"""The coffee machine's worker jobs: the weekly round, the invitations, the retention purge.

- `coffee_round_weekly` runs on COFFEE_ROUND_WEEKDAY from COFFEE_ROUND_HOUR (the scheduler
  enqueues it once a day from that hour; it does nothing on the other days). The round runs once
  (services.round_run), so a second worker or a retry changes nothing.
- `coffee_invitations_send` e-mails each member the group's page and the .ics invitation. It is
  enqueued after the commit of the round (or of a moved slot).
- `coffee_purge` deletes the groups of rounds older than COFFEE_RETENTION_DAYS; the round keeps
  its anonymous figures (counts, scores, answers) in `report`, and no agent id.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from riposte.coffee.ics import group_invitation
from riposte.coffee.models import Group, GroupMember, Round
from riposte.coffee.services import group_members, round_run
from riposte.coffee.video import room_url


def weekly_at(weekday: int, hour: int):  # type: ignore[no-untyped-def]
    """A scheduler slot (riposte.core.scheduler): the date, on that weekday from that hour."""

    def slot(now: dt.datetime) -> str | None:
        if now.weekday() == weekday and now.hour >= hour:
            return now.date().isoformat()
        return None

    return slot


@task()
def coffee_round_weekly(today: str | None = None) -> dict[str, int]:
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    if day.weekday() != settings.COFFEE_ROUND_WEEKDAY:
        return {"ran": 0}
    outcome = round_run(day=day)
    return {
        "ran": int(outcome.ran),
        "round": outcome.round.number,
        "groups": len(outcome.groups),
    }


@task()
def coffee_invitations_send(*, group_ids: list[int], agent_ids: list[int] | None = None) -> int:
    """One e-mail per member (or per agent of `agent_ids`), in their language, with the .ics
    when the group has a slot."""
    sent = 0
    for group in Group.objects.filter(pk__in=group_ids).select_related("round"):
        members = group_members(group)
        for agent in members:
            if agent_ids is not None and agent.pk not in agent_ids:
                continue
            if not agent.is_active or not agent.email:
                continue
            others = [m for m in members if m.pk != agent.pk]
            with translation.override(agent.language):
                body = render_to_string(
                    "coffee/email/invitation.txt",
                    {
                        "agent": agent,
                        "others": others,
                        "group": group,
                        "room_url": room_url(group.room),
                        "start": timezone.localtime(group.slot_start) if group.slot_start else None,
                        "page": settings.SITE_ROOT + group_url_path(group),
                    },
                )
                message = EmailMessage(
                    _("[Riposte] Your random coffee with %(names)s")
                    % {"names": ", ".join(m.full_name or m.email for m in others)},
                    body,
                    None,
                    [agent.email],
                )
                if group.slot_start is not None:
                    message.attach(
                        "coffee.ics",
                        group_invitation(group, members),
                        "text/calendar; method=REQUEST; charset=utf-8",
                    )
                message.send()
            sent += 1
    return sent


def group_url_path(group: Group) -> str:
    from django.urls import reverse

    return reverse("coffee:group", args=[group.pk])


def round_figures(round_: Round) -> dict[str, int]:
    """What the statistics need of a round once its groups are gone: counts only."""
    answers = GroupMember.objects.filter(round=round_).aggregate(
        answered=Count("pk", filter=Q(met__isnull=False)),
        met=Count("pk", filter=Q(met=True)),
        wants_cooperation=Count("pk", filter=Q(wants_cooperation=True)),
    )
    return {key: int(value) for key, value in answers.items()}


@task()
def coffee_purge(today: str | None = None) -> int:
    """Delete the groups of rounds older than the retention; returns how many rounds."""
    from riposte.coffee import stats  # stats reads the models this module writes

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    limit = day - dt.timedelta(days=settings.COFFEE_RETENTION_DAYS)
    purged = 0
    old = Round.objects.filter(
        Q(groups__isnull=False) | Q(report__has_key="unplaced"), scheduled_on__lt=limit
    ).distinct()
    for round_id in old.values_list("pk", flat=True):
        with transaction.atomic():
            round_ = Round.objects.select_for_update().get(pk=round_id)
            report = dict(round_.report)
            report.update(round_figures(round_))
            # The statistics page's figures (ties, distances), anonymous, kept after the purge.
            report[stats.STATS_KEY] = stats.round_snapshot(round_)
            unplaced = report.pop("unplaced", [])
            report["unplaced_count"] = len(unplaced) if isinstance(unplaced, list) else 0
            report["purged_on"] = day.isoformat()
            round_.report = report
            round_.save(update_fields=["report"])
            round_.groups.all().delete()  # the members go with them (CASCADE)
            purged += 1
    return purged
