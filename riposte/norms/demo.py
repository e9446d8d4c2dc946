"""Demo norms and authorisations: what the 2020 crisis (and a few others) opened, in every status,
with their versions, testimonies, debate, one consultation running now, one closed and sealed,
and the decisions that followed. The texts are in data/demo_norms.json; no person is named.

Everything goes through the services (and the worker's jobs for sealing, reminders and the
lapse of temporary authorisations), as in real use. Those services stamp their rows "now": each
step then moves what it wrote to the day the data file gives it (a seeding step), so that the
history of a norm reads in order: proposed, reworded, debated, consulted, decided or lapsed.
Dates are absolute for the past, or relative to today for what must stay current (the open
consultation, the reviews and sunsets due soon). Deterministic for a seed.

The demo command calls `demo_build(seed=...)` after the cooperations, and `demo_reset()` before
deleting them: norms point to the emergencies, the cooperations, the initiatives and the agents.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation

from riposte.cooperations.models import Cooperation, Event
from riposte.core.models import AuditEntry, Comment, Follow, Notification
from riposte.directory.demo import DEMO_DOMAIN, ROLE_LOGINS
from riposte.directory.models import Agent, Role, Service
from riposte.initiatives.models import Initiative
from riposte.norms import ballots, moderation, rules, services
from riposte.norms.announcements import decision_tell_scope
from riposte.norms.models import (
    Argument,
    Ballot,
    Choice,
    Consultation,
    Decision,
    Electorate,
    Endorsement,
    Norm,
    NormStatus,
    NormVersion,
    Reminder,
    StatusChange,
    Testimony,
    Voter,
)
from riposte.norms.tasks import consultations_seal_due, norms_remind_and_expire

DATA = Path(__file__).parent / "data" / "demo_norms.json"
# Notifications older than this are history: shown as read, never e-mailed.
HISTORY = dt.timedelta(days=14)
# The reminders the worker would have sent lately: it is replayed over these last days.
REPLAY_DAYS = 30
# Rows the services stamp "now" that have no object returned to move: moved by `_clock`.
_STAMPED: list[tuple[type[Model], str]] = [
    (Notification, "created_at"),
    (AuditEntry, "at"),
    (Follow, "created_at"),
    (StatusChange, "at"),
    (NormVersion, "created_at"),
]


@transaction.atomic
def demo_reset() -> None:
    """Delete every norm and what hangs on them (replies, follows, notifications, audit), so that
    the cooperations, the initiatives and the agents they point to can go next."""
    argument_type = ContentType.objects.get_for_model(Argument)
    Comment.objects.filter(content_type=argument_type, parent__isnull=False).delete()
    Comment.objects.filter(content_type=argument_type).delete()
    Follow.objects.filter(content_type=ContentType.objects.get_for_model(Norm)).delete()
    Notification.objects.filter(url__startswith=reverse("norms:list")).delete()
    AuditEntry.objects.filter(action__startswith="norm.").delete()
    # Versions, history, testimonies, reminders, arguments, consultations (their voters and
    # ballots) and decisions go with their norm.
    Norm.objects.all().delete()


class _Demo:
    """What every step needs: the seed, the clock, the demo accounts and colleagues."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        # Nothing is dated later than this morning's midnight: two builds on the same day write
        # the same history, whatever the hour.
        self.horizon = timezone.make_aware(dt.datetime.combine(self.today, dt.time(0)))
        demo_emails = [f"{key}@{DEMO_DOMAIN}" for _role, key, *_rest in ROLE_LOGINS]
        self.accounts = {
            a.email.split("@")[0]: a for a in Agent.objects.filter(email__in=demo_emails)
        }
        # Colleagues: the demo logins are left out of the crowd, so that each of them finds
        # the open consultation unvoted and the arguments not yet endorsed in a browser.
        self.pool = list(
            Agent.objects.filter(is_active=True, role=Role.AGENT)
            .exclude(email__in=demo_emails)
            .order_by("pk")
        )
        if not self.pool or "facilitatrice" not in self.accounts:
            raise RuntimeError("The demo norms need the demo directory: build it first.")
        self.services = {s.code: s for s in Service.objects.all()}
        self._subtrees: dict[str, list[Agent]] = {}

    # --- dates ---------------------------------------------------------------------------

    def day(self, value: str) -> dt.date:
        """An ISO date, or "today+N" / "today-N"."""
        if value.startswith("today"):
            return self.today + dt.timedelta(days=int(value[5:] or 0))
        return dt.date.fromisoformat(value)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        return min(moment, self.horizon)

    def moment(self, value: str | dt.date) -> dt.datetime:
        """A working hour on that day (never later than today's midnight)."""
        day = value if isinstance(value, dt.date) else self.day(value)
        return self.at(day, self.rng.randint(8, 17), self.rng.randrange(0, 60, 5))

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        end = min(end, self.horizon)
        if end <= start:
            return start
        return start + dt.timedelta(seconds=self.rng.randint(0, int((end - start).total_seconds())))

    # --- people --------------------------------------------------------------------------

    def who(self, key: str, *, proposer: Agent | None = None) -> Agent:
        """A demo login, "proposer", a colleague "in:CODE" of a service (or under it), or
        "colleague": anyone."""
        if key == "proposer" and proposer is not None:
            return proposer
        if key.startswith("in:"):
            people = self.in_service(key[3:])
            if people:
                return self.rng.choice(people)
        elif key in self.accounts:
            return self.accounts[key]
        return self.rng.choice(self.pool)

    def in_service(self, code: str) -> list[Agent]:
        if code not in self._subtrees:
            service = self.services.get(code)
            ids = rules.service_subtree_ids(service) if service else set()
            self._subtrees[code] = [a for a in self.pool if a.service_id in ids]
        return self._subtrees[code]


def _max_pk_sql(model: type[Model]) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(str(model._meta.pk.column))
    return f"(SELECT MAX({column}) FROM {table})"  # noqa: S608 (model names, not input)


def _last_pks() -> dict[type[Model], int]:
    """The highest id of each stamped table, in one query (the clock asks before every step)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(_max_pk_sql(m) for m, _f in _STAMPED))
        row = cursor.fetchone()
    return {model: last or 0 for (model, _f), last in zip(_STAMPED, row, strict=True)}


@contextmanager
def _clock(demo: _Demo, when: dt.datetime) -> Iterator[None]:
    """Move to `when` what the services inside stamped "now": notifications, audit entries,
    follows, status changes and versions. Older notifications are history: read, not e-mailed."""
    before = _last_pks()
    yield
    after = _last_pks()
    for model, field in _STAMPED:
        if after[model] == before[model]:
            continue
        changes: dict[str, Any] = {field: when}
        if model is Notification and when < demo.now - HISTORY:
            changes.update(read_at=when, emailed_at=when)
        model._default_manager.filter(pk__gt=before[model]).update(**changes)


def _norm_data(norm: Norm, **changes: Any) -> services.NormData:
    """The norm as its edit form would post it back, with some fields changed."""
    values: dict[str, Any] = {
        "title": norm.title,
        "text": norm.text,
        "kind": norm.kind,
        "origin": norm.origin,
        "origin_event_id": norm.origin_event_id,
        "origin_date": norm.origin_date,
        "granted_by": norm.granted_by,
        "services": list(norm.services.all()),
        "sites": list(norm.sites.all()),
        "roles": list(norm.roles),
        "review_on": norm.review_on,
        "sunset_on": norm.sunset_on,
    }
    values.update(changes)
    return services.NormData(**values)


@transaction.atomic
def demo_build(*, seed: int = 93) -> int:
    """Build the demo norms; returns how many were recorded."""
    with translation.override("fr"):  # the demo's texts are French: so are the services' notes
        return _build(seed)


def _build(seed: int) -> int:
    demo = _Demo(seed)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for entry in data["initiatives_needing"]:
        # The initiatives that asked for an authorisation say so (one is then proposed from
        # it; the other waits for an agent to propose it from the initiative's page).
        Initiative.objects.filter(title=entry["title"], authorisation="").update(
            needs_authorisation=True, authorisation=entry["authorisation"]
        )
    events = {e.name: e for e in Event.objects.all()}
    built = [_norm_one(demo, spec, events) for spec in data["norms"]]
    _replay_reminders(demo)
    for norm in built:
        _settle(norm)
    return len(built)


def _norm_one(demo: _Demo, spec: dict[str, Any], events: dict[str, Event]) -> Norm:
    proposer = demo.who(spec["by"])
    registered = demo.moment(spec["on"])
    sunset = demo.day(spec["sunset"]) if spec.get("sunset") else None
    if spec["status"] == NormStatus.TEMPORARY and sunset is None:
        # Until a decision settles it (or the sunset is moved to its real, past date).
        sunset = demo.today + dt.timedelta(days=30)
    initiative = None
    if spec.get("from_initiative"):
        initiative = Initiative.objects.filter(title=spec["from_initiative"]).order_by("pk").first()
    event = events.get(spec.get("event") or "")
    data = services.NormData(
        title=spec["title"],
        text=spec["text"],
        kind=spec["kind"],
        origin=spec.get("origin", ""),
        origin_event_id=event.pk if event else None,
        origin_date=demo.day(spec["origin_date"]) if spec.get("origin_date") else None,
        granted_by=spec.get("granted_by", ""),
        services=[demo.services[c] for c in spec.get("services", []) if c in demo.services],
        review_on=demo.day(spec["review"]) if spec.get("review") else None,
        sunset_on=sunset,
    )
    with _clock(demo, registered):
        norm = services.norm_propose(
            by=proposer, data=data, status=spec["status"], initiative=initiative
        )
    Norm.objects.filter(pk=norm.pk).update(created_at=registered, updated_at=registered)

    for version in spec.get("versions", []):
        with _clock(demo, demo.moment(version["on"])):
            norm = services.norm_edit(
                norm=norm,
                by=demo.who(version["by"], proposer=proposer),
                data=_norm_data(norm, title=version.get("title", norm.title), text=version["text"]),
                version=norm.version,
                note=version.get("note", ""),
            )
    for testimony in spec.get("testimonies", []):
        when = demo.moment(testimony["on"])
        with _clock(demo, when):
            made = services.testimony_add(
                norm=norm,
                by=demo.who(testimony["by"]),
                made_possible=testimony["made_possible"],
                went_wrong=testimony.get("went_wrong", ""),
            )
        Testimony.objects.filter(pk=made.pk).update(created_at=when)
    for argument in spec.get("arguments", []):
        _argument(demo, norm, argument)
    _links(demo, norm, spec, proposer, registered)

    if spec.get("debate"):
        with _clock(demo, demo.moment(spec["debate"]["on"])):
            norm = services.norm_put_to_debate(norm=norm, by=demo.who(spec["debate"]["by"]))
    consultation = None
    if spec.get("consultation"):
        consultation = _consultation(demo, norm, spec["consultation"])
    if spec.get("decision"):
        _decision(demo, norm, spec["decision"], consultation)
    if spec.get("expires"):
        _expire(demo, norm, demo.day(spec["expires"]))
    return norm


def _argument(demo: _Demo, norm: Norm, spec: dict[str, Any]) -> None:
    when = demo.moment(spec["on"])
    author = demo.who(spec["by"])
    with _clock(demo, when):
        argument = services.argument_add(
            norm=norm, by=author, side=spec["side"], title=spec["title"], body=spec.get("body", "")
        )
    Argument.objects.filter(pk=argument.pk).update(created_at=when)
    # Those it convinced, over the weeks after it was written.
    others = [a for a in demo.pool if a.pk != author.pk]
    for agent in demo.rng.sample(others, min(spec.get("endorsements", 0), len(others))):
        services.argument_endorse(argument=argument, by=agent)
        Endorsement.objects.filter(argument=argument, agent=agent).update(
            created_at=demo.between(when, when + dt.timedelta(days=45))
        )
    for reply in spec.get("replies", []):
        replied = demo.moment(reply["on"])
        with _clock(demo, replied):
            comment = moderation.argument_reply(
                argument=argument, by=demo.who(reply["by"]), body=reply["body"]
            )
        Comment.objects.filter(pk=comment.pk).update(created_at=replied)


def _links(
    demo: _Demo, norm: Norm, spec: dict[str, Any], proposer: Agent, registered: dt.datetime
) -> None:
    """The cooperations and initiatives that relied on (or need) the norm, linked by its
    proposer (a demo built otherwise may lack some: those are left out)."""
    for title in spec.get("cooperations", []):
        cooperation = Cooperation.objects.filter(title=title).order_by("pk").first()
        if cooperation is not None:
            with _clock(demo, registered):
                services.norm_link(norm=norm, by=proposer, cooperation=cooperation)
    for title in spec.get("initiatives", []):
        initiative = Initiative.objects.filter(title=title).order_by("pk").first()
        if initiative is not None:
            with _clock(demo, max(registered, initiative.created_at)):
                services.norm_link(norm=norm, by=proposer, initiative=initiative)


def _consultation(demo: _Demo, norm: Norm, spec: dict[str, Any]) -> Consultation:
    """Open the consultation, cast its votes (never the demo logins'), answer its objections;
    a past one is then moved to its dates and sealed by the worker's job."""
    opens = demo.moment(spec["opens"])
    closes = timezone.make_aware(dt.datetime.combine(demo.day(spec["closes"]), dt.time(18)))
    past = closes <= demo.now
    service = demo.services.get(spec.get("service", ""))
    electorate = (
        spec["electorate"] if spec["electorate"] != Electorate.SERVICE or service else "all"
    )
    with _clock(demo, opens):
        consultation = services.consultation_open(
            norm=norm,
            by=demo.who(spec["by"]),
            data=services.ConsultationData(
                question=spec["question"],
                method=spec["method"],
                # Opened now (the service refuses a date before today), then moved to its
                # dates below; a past one runs for an hour of the build meanwhile.
                opens_at=max(opens, demo.now),
                closes_at=demo.now + dt.timedelta(hours=1) if past else closes,
                electorate=electorate,
                service=service if electorate == Electorate.SERVICE else None,
                quorum=spec.get("quorum", 0),
                secret=spec.get("secret", True),
            ),
        )
    Consultation.objects.filter(pk=consultation.pk).update(created_at=opens, opens_at=opens)
    consultation.refresh_from_db()

    electorate_ids = set(
        Agent.objects.filter(is_active=True, **rules.electorate_filter(consultation)).values_list(
            "pk", flat=True
        )
    )
    eligible = [a for a in demo.pool if a.pk in electorate_ids]
    objections = spec.get("objections", [])
    choices = [(Choice.OBJECTION.value, o["reason"]) for o in objections]
    choices += [(choice, "") for choice, n in spec.get("votes", {}).items() for _i in range(n)]
    choices = choices[: len(eligible)]  # a smaller directory has fewer voters
    voters = demo.rng.sample(eligible, len(choices))
    cast: list[tuple[Ballot, str]] = []
    for voter, (choice, reason) in zip(voters, choices, strict=True):
        when = demo.between(opens, closes)
        with _clock(demo, when):
            ballot = ballots.vote_cast(
                consultation=consultation, agent=voter, choice=choice, reason=reason
            )
        Voter.objects.filter(consultation=consultation, agent=voter).update(voted_at=when)
        cast.append((ballot, reason))
    if past:
        Consultation.objects.filter(pk=consultation.pk).update(opens_at=opens, closes_at=closes)
        # A secret ballot's objections are answered after the close (ballots.objection_answer).
        for objection in objections:
            objected = next((b for b, reason in cast if reason == objection["reason"]), None)
            if objected is not None:
                with _clock(demo, closes + dt.timedelta(minutes=30)):
                    ballots.objection_answer(
                        ballot=objected,
                        by=demo.accounts["facilitatrice"],
                        answer=objection["answer"],
                    )
        sealed = closes + dt.timedelta(minutes=1)
        with _clock(demo, sealed):
            consultations_seal_due.call()  # the worker's job: freezes the result, tells voters
        Consultation.objects.filter(pk=consultation.pk).update(sealed_at=sealed)
        consultation.refresh_from_db()
    return consultation


def _decision(
    demo: _Demo, norm: Norm, spec: dict[str, Any], consultation: Consultation | None
) -> None:
    decided_on = demo.day(spec["on"])
    when = demo.at(decided_on, 11)
    with _clock(demo, when):
        decision = services.decision_record(
            norm=norm,
            by=demo.who(spec["by"]),
            data=services.DecisionData(
                outcome=spec["outcome"],
                rationale=spec["rationale"],
                decided_on=decided_on,
                next_review_on=demo.day(spec["next_review"]) if spec.get("next_review") else None,
                new_text=spec.get("new_text", ""),
                consultation=consultation if consultation and consultation.sealed_at else None,
            ),
        )
    Decision.objects.filter(pk=decision.pk).update(created_at=when)
    with _clock(demo, when):
        # The worker's job, run now so that its notifications are history like the rest (the
        # one enqueued after the commit then finds it done).
        decision_tell_scope.call(decision_id=decision.pk)


def _expire(demo: _Demo, norm: Norm, sunset: dt.date) -> None:
    """A temporary authorisation nobody decided on: its sunset was that day, and the worker's
    daily job turned it "expirée" the morning after."""
    Norm.objects.filter(pk=norm.pk).update(sunset_on=sunset)
    morning = sunset + dt.timedelta(days=1)
    with _clock(demo, demo.at(morning, 6)):
        norms_remind_and_expire.call(today=morning.isoformat())


def _replay_reminders(demo: _Demo) -> None:
    """Run the worker's daily job on the mornings of the last month when it had something to
    remind (on the others it did nothing): the reviews and sunsets due within a month already
    have their first reminders."""
    due: set[dt.date] = {
        day
        for review_on, sunset_on in Norm.objects.values_list("review_on", "sunset_on")
        for day in (review_on, sunset_on)
        if day is not None
    }
    first = demo.today - dt.timedelta(days=REPLAY_DAYS - 1)
    mornings = {
        day - dt.timedelta(days=before)
        for day in due
        for before in settings.NORMS_REMINDER_DAYS
        if first <= day - dt.timedelta(days=before) <= demo.today
    }
    for day in sorted(mornings):
        with _clock(demo, demo.at(day, 6)):
            norms_remind_and_expire.call(today=day.isoformat())
    for reminder in Reminder.objects.all():
        sent = reminder.due_on - dt.timedelta(days=reminder.days_before)
        Reminder.objects.filter(pk=reminder.pk).update(sent_at=demo.at(sent, 6))


def _settle(norm: Norm) -> None:
    """The norm's last change is its latest version or status change."""
    last = max(
        [
            *StatusChange.objects.filter(norm=norm).values_list("at", flat=True),
            *NormVersion.objects.filter(norm=norm).values_list("created_at", flat=True),
        ]
    )
    Norm.objects.filter(pk=norm.pk).update(updated_at=last)
