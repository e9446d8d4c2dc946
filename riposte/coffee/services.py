"""Writes of the coffee machine: joining and leaving, exclusions, running a round, moving a
group's slot, and the answers after the coffee.

Side effects (e-mails with the invitation) leave through the task queue after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riposte.coffee.models import (
    Exclusion,
    Frequency,
    Group,
    GroupMember,
    Membership,
    Preference,
    Round,
)
from riposte.coffee.rounds import RoundOutcome, round_for, round_make_groups
from riposte.coffee.slots import COFFEE_MINUTES, slots_clean
from riposte.core.notifications import date_param, notification_send
from riposte.directory.models import Agent, Role

# --- membership --------------------------------------------------------------------------------


def _membership_fill(
    membership: Membership,
    *,
    frequency: str,
    group_size: int,
    preference: str,
    availability: Iterable[str],
    paused_until: dt.date | None,
) -> Membership:
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Unknown frequency.")})
    if preference not in Preference.values:
        raise ValidationError({"preference": _("Unknown preference.")})
    if group_size not in (2, 3):
        raise ValidationError({"group_size": _("A group is of two or three.")})
    try:
        membership.availability = slots_clean(availability)
    except ValidationError as exc:
        raise ValidationError({"availability": exc.messages}) from exc
    membership.frequency = frequency
    membership.group_size = group_size
    membership.preference = preference
    membership.paused_until = paused_until
    membership.updated_at = timezone.now()
    membership.full_clean(exclude=["agent"])
    membership.save()
    return membership


@transaction.atomic
def membership_join(
    *,
    agent: Agent,
    frequency: str = Frequency.FORTNIGHTLY,
    group_size: int = 2,
    preference: str = Preference.SURPRISE,
    availability: Iterable[str] = (),
    paused_until: dt.date | None = None,
) -> Membership:
    """Opt in; joining again updates the preferences (one membership per agent)."""
    membership = Membership.objects.select_for_update().filter(agent=agent).first() or Membership(
        agent=agent
    )
    return _membership_fill(
        membership,
        frequency=frequency,
        group_size=group_size,
        preference=preference,
        availability=availability,
        paused_until=paused_until,
    )


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    frequency: str | None = None,
    group_size: int | None = None,
    preference: str | None = None,
    availability: Iterable[str] | None = None,
    paused_until: dt.date | None = None,
    clear_pause: bool = False,
) -> Membership:
    """Change some preferences; the others stay. `clear_pause` ends a pause."""
    return _membership_fill(
        membership,
        frequency=frequency if frequency is not None else membership.frequency,
        group_size=group_size if group_size is not None else membership.group_size,
        preference=preference if preference is not None else membership.preference,
        availability=availability if availability is not None else membership.availability,
        paused_until=None
        if clear_pause
        else (paused_until if paused_until is not None else membership.paused_until),
    )


def membership_leave(*, agent: Agent) -> bool:
    """Leave: the preferences and exclusions are deleted; the groups of past rounds stay until
    the retention purge (tasks.coffee_purge)."""
    deleted, _rows = Membership.objects.filter(agent=agent).delete()
    return deleted > 0


def exclusion_add(*, membership: Membership, excluded: Agent) -> Exclusion:
    """Never pair the member with `excluded`, who is never told. Adding them again changes
    nothing (one row, by the database's constraint)."""
    if excluded.pk == membership.agent_id:
        raise ValidationError({"excluded": _("You cannot exclude yourself.")})
    if not excluded.is_active:
        raise ValidationError(
            {"excluded": _("This colleague's account is closed: they are paired with nobody.")}
        )
    exclusion, _created = Exclusion.objects.get_or_create(member=membership, excluded=excluded)
    return exclusion


def exclusion_remove(*, membership: Membership, excluded: Agent) -> bool:
    deleted, _rows = Exclusion.objects.filter(member=membership, excluded=excluded).delete()
    return deleted > 0


# --- rounds ------------------------------------------------------------------------------------


def round_run(
    *, round_: Round | None = None, day: dt.date | None = None, now: dt.datetime | None = None
) -> RoundOutcome:
    """Run a round (this one, or the one of `day`, by default today's), once: the round's row is
    locked and its groups written in the transaction that stamps `ran_at`; a second run, by
    another worker or a retry, finds it done and changes nothing. The invitations leave after
    the commit."""
    if round_ is None:
        round_ = round_for(day or timezone.localdate())
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.ran_at is not None:
            return RoundOutcome(round=locked, ran=False)
        outcome = round_make_groups(locked, now=now)
        if outcome.groups:
            from riposte.coffee.tasks import coffee_invitations_send

            transaction.on_commit(
                partial(coffee_invitations_send.enqueue, group_ids=[g.pk for g in outcome.groups])
            )
    return outcome


# --- groups ------------------------------------------------------------------------------------


def group_members(group: Group) -> list[Agent]:
    return [
        gm.agent
        for gm in group.members.select_related("agent").order_by("agent__last_name", "agent_id")
    ]


def is_member(group: Group, agent: Agent) -> bool:
    return group.members.filter(agent=agent).exists()


@transaction.atomic
def group_move_slot(
    *, group: Group, by: Agent, start: dt.datetime, now: dt.datetime | None = None
) -> Group:
    """Any member may move the slot (to a time to come). Each other member gets one message:
    an e-mail with the new time and the updated invitation (slot_tasks), and its trace among
    their notifications, marked as e-mailed so that it never leaves a second time, alone or
    in a digest. The member who moved it is told on the page only."""
    now = now or timezone.now()
    group = Group.objects.select_for_update().get(pk=group.pk)
    if not is_member(group, by):
        raise PermissionDenied
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    start = start.replace(second=0, microsecond=0)  # a calendar's times are to the minute
    if start <= now:
        raise ValidationError({"start": _("Choose a time to come.")})
    if start == group.slot_start:
        raise ValidationError({"start": _("The coffee is already at this time.")})
    first = group.slot_start is None
    group.slot_start = start
    group.slot_end = start + dt.timedelta(minutes=COFFEE_MINUTES)
    group.slot_moved_by = by
    group.full_clean()
    group.save(update_fields=["slot_start", "slot_end", "slot_moved_by"])
    others = [a for a in group_members(group) if a.pk != by.pk and a.is_active]
    _slot_notices(group=group, by=by, recipients=others, start=start, first=first)
    from riposte.coffee.slot_tasks import coffee_slot_moved_send

    transaction.on_commit(
        partial(
            coffee_slot_moved_send.enqueue,
            group_id=group.pk,
            moved_by_id=by.pk,
            moved_at=now.isoformat(),
            first=first,
        )
    )
    return group


SLOT_MOVED = gettext_lazy("%(name)s moved your coffee to %(date)s at %(time)s")
SLOT_SET = gettext_lazy("%(name)s set your coffee for %(date)s at %(time)s")


def _slot_notices(
    *, group: Group, by: Agent, recipients: list[Agent], start: dt.datetime, first: bool
) -> None:
    """The notifications of a moved slot, marked as e-mailed: the e-mail with the updated
    invitation (slot_tasks) already says the same. The date is written in each recipient's
    language (lazy: formatted when the message is)."""
    notification_send(
        recipients=recipients,
        actor=by,
        message=SLOT_SET if first else SLOT_MOVED,
        params={
            "name": by.full_name or by.email,
            "date": date_param(start, "l j F"),
            "time": date_param(start, "H:i"),
        },
        url=group_url(group),
        emailed=True,
    )


def group_url(group: Group) -> str:
    from django.urls import reverse

    return reverse("coffee:group", args=[group.pk])


def can_answer(group: Group, now: dt.datetime | None = None) -> bool:
    """ "Did you meet?" is asked once the slot has begun; a group without a slot may answer
    once its round's week is over."""
    now = now or timezone.now()
    if group.slot_start is not None:
        return group.slot_start <= now
    return timezone.localdate(now) >= group.round.scheduled_on + dt.timedelta(days=7)


@transaction.atomic
def member_answer(
    *,
    group: Group,
    agent: Agent,
    met: bool,
    wants_cooperation: bool = False,
    now: dt.datetime | None = None,
) -> GroupMember:
    """ "Did you meet?" and "we'd like to work together". The first member who wants to work
    together proposes a cooperation between the group's services (a suggestion that a
    facilitator confirms, as cooperations_suggest does); the facilitators are told."""
    now = now or timezone.now()
    group = Group.objects.select_for_update().select_related("round").get(pk=group.pk)
    row = GroupMember.objects.filter(group=group, agent=agent).first()
    if row is None:
        raise PermissionDenied
    if not can_answer(group, now):
        raise ValidationError(_("You can answer once the coffee has taken place."))
    wants_cooperation = wants_cooperation and met
    first_wish = wants_cooperation and not group.members.filter(wants_cooperation=True).exists()
    row.met = met
    row.wants_cooperation = wants_cooperation
    row.answered_at = now
    row.save(update_fields=["met", "wants_cooperation", "answered_at"])
    if first_wish:
        cooperation_propose(group=group, by=agent)
    return row


def cooperation_propose(*, group: Group, by: Agent) -> object | None:
    """A SUGGESTED cooperation between the actors of the members' services, when they differ;
    facilitators are told either way (they confirm suggestions, or follow up by hand)."""
    from riposte.cooperations.models import Cooperation, CooperationActor, CooperationStatus
    from riposte.cooperations.services import actor_for_service

    members = group_members(group)
    services = {a.service for a in members if a.service is not None}
    cooperation = None
    if len(services) >= 2:
        actors = [actor_for_service(service=s) for s in sorted(services, key=lambda s: s.pk)]
        names = ", ".join(s.name for s in sorted(services, key=lambda s: s.pk))
        cooperation = Cooperation.objects.create(
            title=(_("After a coffee: %(services)s") % {"services": names})[:200],
            description=_("Suggested after a random coffee of round %(number)d: its members would like to work together.")
            % {"number": group.round.number},
            started_on=timezone.localdate(),
            status=CooperationStatus.SUGGESTED,
            created_by=by,
        )  # fmt: skip
        CooperationActor.objects.bulk_create(
            [CooperationActor(cooperation=cooperation, actor=a) for a in actors]
        )
    facilitators = Agent.objects.filter(role__in=(Role.FACILITATOR, Role.ADMIN), is_active=True)
    notification_send(
        recipients=facilitators,
        actor=by,
        message=gettext_lazy(
            "After a coffee, colleagues of %(services)s would like to work together"
        ),
        params={"services": ", ".join(sorted(s.name for s in services)) or "—"},
        url=cooperation.get_absolute_url() if cooperation is not None else "",
    )
    return cooperation
