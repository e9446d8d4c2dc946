"""Writes of the norms module: the register, testimonies, the debate, consultations, decisions.

Voting has its own module (ballots.py): it is where the integrity rules are strictest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from riposte.core.audit import audit_record
from riposte.core.follows import followers_of
from riposte.core.models import Follow
from riposte.core.notifications import notification_send
from riposte.core.text import fold
from riposte.directory.models import Agent, Role, Service, Site
from riposte.norms import ballots, rules
from riposte.norms.announcements import (
    DECISION_MESSAGE,
    consultations_announce_due,
    decision_tell_scope,
)
from riposte.norms.models import (
    Argument,
    Consultation,
    Decision,
    Electorate,
    Endorsement,
    Method,
    Norm,
    NormKind,
    NormStatus,
    NormVersion,
    Outcome,
    Side,
    StatusCause,
    StatusChange,
    Testimony,
)
from riposte.norms.models.debate import ARGUMENT_BODY_MAX, ARGUMENT_TITLE_MAX
from riposte.norms.models.register import TEXT_MAX, TITLE_MAX

WISH_HAS_NO_SUNSET = gettext_lazy("A norm wished for is not in force yet: it has no sunset date.")

# What a proposer may start a norm as: an authorisation that exists (temporary) or one that is
# wished for (under debate). The other statuses come from decisions and the worker.
PROPOSABLE = (NormStatus.TEMPORARY, NormStatus.DEBATE)
# How far in the past a consultation's opening still means "now", across midnight.
OPENING_SLACK = dt.timedelta(hours=1)


class NormConflict(ValidationError):
    """Someone saved the norm's text since the form was opened: the current state comes along."""

    def __init__(self, message: str, *, current: Norm) -> None:
        super().__init__(message, code="conflict")
        self.current = current


@dataclass
class NormData:
    title: str
    text: str
    kind: str
    origin: str = ""
    origin_event_id: int | None = None
    origin_date: dt.date | None = None
    granted_by: str = ""
    services: Iterable[Service] = field(default_factory=list)
    sites: Iterable[Site] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    review_on: dt.date | None = None
    sunset_on: dt.date | None = None


def _url(norm: Norm) -> str:
    return norm.get_absolute_url()


def _follow(agent: Agent, norm: Norm) -> None:
    from django.contrib.contenttypes.models import ContentType

    Follow.objects.get_or_create(
        agent=agent, content_type=ContentType.objects.get_for_model(Norm), object_id=norm.pk
    )


def _clean(data: NormData, *, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Give the norm a title.")
    elif len(data.title.strip()) > TITLE_MAX:
        errors["title"] = _("A title is limited to 200 characters.")
    if not data.text.strip():
        errors["text"] = _("Say in plain words what it allows.")
    elif len(data.text) > TEXT_MAX:
        errors["text"] = _("The text is limited to 10,000 characters.")
    if data.kind not in NormKind.values:
        errors["kind"] = _("Choose a kind.")
    bad_roles = set(data.roles) - set(Role.values)
    if bad_roles:
        errors["roles"] = _("Unknown role.")
    for name in ("review_on", "sunset_on"):
        value = getattr(data, name)
        if value is not None and value < today:
            errors[name] = _("This date is in the past: choose a date from today on.")
    if data.origin_date is not None and data.origin_date > today:
        errors["origin_date"] = _("The date it was opened cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _apply(norm: Norm, data: NormData) -> None:
    norm.title = data.title.strip()
    norm.text = data.text.strip()
    norm.kind = data.kind
    norm.origin = data.origin.strip()
    norm.origin_event_id = data.origin_event_id
    norm.origin_date = data.origin_date
    norm.granted_by = data.granted_by.strip()
    norm.roles = sorted(set(data.roles))
    norm.review_on = data.review_on
    norm.sunset_on = data.sunset_on
    norm.search_key = fold(f"{norm.title} {norm.text}")


@transaction.atomic
def norm_propose(
    *,
    by: Agent,
    data: NormData,
    status: str = NormStatus.DEBATE,
    initiative: Any | None = None,
) -> Norm:
    """Any agent puts a norm in the register: one that exists ("temporaire") or one wished for
    ("en débat"), possibly from an initiative that needs it (linked both ways)."""
    if status not in PROPOSABLE:
        raise ValidationError({"status": _("A new norm is either temporary or under debate.")})
    today = timezone.localdate()
    _clean(data, today=today)
    if status == NormStatus.TEMPORARY and data.sunset_on is None and data.review_on is None:
        raise ValidationError(
            {"sunset_on": _("A temporary authorisation needs its sunset or review date.")}
        )
    if status == NormStatus.DEBATE and data.sunset_on is not None:
        # Wished for, it is not in force: nothing lapses (a temporary one put up for debate
        # keeps its sunset, LAPSING).
        raise ValidationError({"sunset_on": WISH_HAS_NO_SUNSET})
    norm = Norm(proposed_by=by, status=status)
    _apply(norm, data)
    norm.full_clean(exclude=["proposed_by", "origin_event"])
    norm.save()
    norm.services.set(data.services)
    norm.sites.set(data.sites)
    NormVersion.objects.create(norm=norm, number=1, title=norm.title, text=norm.text, author=by)
    StatusChange.objects.create(norm=norm, before="", after=status, by=by)
    if initiative is not None:
        norm.initiatives.add(initiative)
    _follow(by, norm)
    audit_record(actor=by, action="norm.propose", target=norm, changes={"status": status})
    return norm


def _check_new_sunset(norm: Norm, sunset_on: dt.date) -> None:
    """The rules of norm_propose and consultation_open, for an edit: a wish up for debate gets
    no sunset, and none comes before a running consultation's close."""
    if norm.status == NormStatus.DEBATE and norm.sunset_on is None:
        raise ValidationError({"sunset_on": WISH_HAS_NO_SUNSET})
    running = Consultation.objects.filter(norm=norm, sealed_at__isnull=True).first()
    closes = timezone.localtime(running.closes_at) if running is not None else None
    if closes is not None and closes.date() >= sunset_on:
        message = _("A consultation on this norm closes on %(date)s: its sunset comes after.")
        date = formats.date_format(closes, "DATE_FORMAT")
        raise ValidationError({"sunset_on": message % {"date": date}})


@transaction.atomic
def norm_edit(*, norm: Norm, by: Agent, data: NormData, version: int, note: str = "") -> Norm:
    """Change the norm's description. A new version is kept when the title or text changed;
    a save based on an older version is refused (NormConflict), nothing is overwritten."""
    norm = Norm.objects.select_for_update().get(pk=norm.pk)
    if not rules.can_edit(by, norm):
        raise PermissionDenied
    if version != norm.version:
        raise NormConflict(
            _("Someone saved this norm while you were writing (version %(version)s). Your text "
              "is kept in the form: compare it with the current one, then save again.")
            % {"version": norm.version},
            current=norm,
        )  # fmt: skip
    if data.sunset_on is not None and data.sunset_on != norm.sunset_on:
        _check_new_sunset(norm, data.sunset_on)
    # Dates already in the past are kept as they were; a new one must be from today on.
    today = timezone.localdate()
    _clean(
        NormData(**{**data.__dict__,
                    "review_on": None if data.review_on == norm.review_on else data.review_on,
                    "sunset_on": None if data.sunset_on == norm.sunset_on else data.sunset_on}),
        today=today,
    )  # fmt: skip
    before = (norm.title, norm.text)
    _apply(norm, data)
    if (norm.title, norm.text) != before:
        norm.version += 1
        NormVersion.objects.create(
            norm=norm,
            number=norm.version,
            title=norm.title,
            text=norm.text,
            author=by,
            note=note.strip()[:300],
        )
    norm.updated_at = timezone.now()
    norm.full_clean(exclude=["proposed_by", "origin_event"])
    norm.save()
    norm.services.set(data.services)
    norm.sites.set(data.sites)
    audit_record(actor=by, action="norm.edit", target=norm, changes={"version": norm.version})
    return norm


def norm_status_change(
    *, norm: Norm, to: str, by: Agent | None, reason: str = "", cause: str = ""
) -> None:
    """Every change of status is recorded with who (None: the worker), when and why."""
    if norm.status == to:
        return
    StatusChange.objects.create(
        norm=norm, before=norm.status, after=to, by=by, reason=reason, cause=cause
    )
    audit_record(actor=by, action="norm.status", target=norm,
                 changes={"status": [norm.status, to], "reason": reason, "cause": cause})  # fmt: skip
    norm.status = to
    norm.updated_at = timezone.now()


@transaction.atomic
def norm_put_to_debate(*, norm: Norm, by: Agent) -> Norm:
    """A facilitator puts a norm in force up for debate (the step before a consultation)."""
    if not rules.is_facilitator(by):
        raise PermissionDenied
    norm = Norm.objects.select_for_update().get(pk=norm.pk)
    if norm.status in (NormStatus.WITHDRAWN, NormStatus.EXPIRED, NormStatus.DEBATE):
        raise ValidationError(_("This norm cannot be put up for debate in its current status."))
    norm_status_change(norm=norm, to=NormStatus.DEBATE, by=by)
    norm.save()
    return norm


@transaction.atomic
def norm_link(*, norm: Norm, by: Agent, initiative: Any = None, cooperation: Any = None) -> Norm:
    """Say that an initiative or a cooperation relied on (or needs) this norm."""
    if not by.is_authenticated:
        raise PermissionDenied
    if initiative is not None:
        norm.initiatives.add(initiative)
    if cooperation is not None:
        norm.cooperations.add(cooperation)
    audit_record(actor=by, action="norm.link", target=norm, changes={
        "initiative": getattr(initiative, "pk", None), "cooperation": getattr(cooperation, "pk", None)})  # fmt: skip
    return norm


@transaction.atomic
def testimony_add(*, norm: Norm, by: Agent, made_possible: str, went_wrong: str = "") -> Testimony:
    made_possible, went_wrong = made_possible.strip(), went_wrong.strip()
    if not made_possible:
        raise ValidationError({"made_possible": _("Say what this authorisation made possible.")})
    testimony = Testimony(norm=norm, author=by, made_possible=made_possible, went_wrong=went_wrong)
    testimony.full_clean(exclude=["norm", "author", "hidden_by"])
    testimony.save()
    _follow(by, norm)
    notification_send(
        recipients=followers_of(norm),
        actor=by,
        message=gettext_lazy("%(author)s told how they used “%(norm)s”"),
        params={"author": str(by), "norm": norm.title},
        url=_url(norm),
    )
    return testimony


@transaction.atomic
def argument_add(*, norm: Norm, by: Agent, side: str, title: str, body: str = "") -> Argument:
    title, body = title.strip(), body.strip()
    errors = {}
    if side not in Side.values:
        errors["side"] = _("Say whether this argument is for or against.")
    if not title:
        errors["title"] = _("State the argument in one line.")
    elif len(title) > ARGUMENT_TITLE_MAX:
        errors["title"] = _("The argument's line is limited to 120 characters.")
    if len(body) > ARGUMENT_BODY_MAX:
        errors["body"] = _("The explanation is limited to 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    argument = Argument.objects.create(norm=norm, author=by, side=side, title=title, body=body)
    _follow(by, norm)
    notification_send(
        recipients=followers_of(norm),
        actor=by,
        message=gettext_lazy("New argument on “%(norm)s”: %(title)s"),
        params={"norm": norm.title, "title": title},
        url=_url(norm),
    )
    return argument


@transaction.atomic
def argument_endorse(*, argument: Argument, by: Agent, convinced: bool = True) -> bool:
    """ "Cet argument me convainc", once per agent, or taken back (`convinced=False`). The page
    sends the state wanted, not "toggle": two clicks at once then agree instead of undoing each
    other. Returns whether the agent now endorses it. The count moves with the row. An author
    is not convinced by their own argument: it would count them twice."""
    if argument.author_id == by.pk:
        raise ValidationError(_("Your own argument cannot count your endorsement."))
    if not convinced:
        deleted, _unused = Endorsement.objects.filter(argument=argument, agent=by).delete()
        if deleted:
            Argument.objects.filter(pk=argument.pk).update(
                endorsements_count=F("endorsements_count") - 1
            )
        return False
    try:
        with transaction.atomic():
            Endorsement.objects.create(argument=argument, agent=by)
    except IntegrityError:
        return True  # already endorsed (or the same agent's other click won the race)
    Argument.objects.filter(pk=argument.pk).update(endorsements_count=F("endorsements_count") + 1)
    return True


@dataclass
class ConsultationData:
    question: str
    method: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    electorate: str = Electorate.ALL
    service: Service | None = None
    role: str = ""
    quorum: int = 0
    secret: bool = True


@transaction.atomic
def consultation_open(*, norm: Norm, by: Agent, data: ConsultationData) -> Consultation:
    """A facilitator opens a time-boxed consultation on a norm. Its electorate and the norm's
    followers are told once it opens (announcements.consultations_announce_due)."""
    if not rules.can_open_consultation(by):
        raise PermissionDenied
    norm = Norm.objects.select_for_update().get(pk=norm.pk)
    errors: dict[str, str] = {}
    if not data.question.strip():
        errors["question"] = _("Ask the question the agents will answer.")
    if data.method not in Method.values:
        errors["method"] = _("Choose a method.")
    now = timezone.now()
    # Earlier today is "now" (the form was filled in a while), and so is the last hour (a form
    # filled just before midnight); before that, a typing error.
    if (
        timezone.localtime(data.opens_at).date() < timezone.localdate()
        and data.opens_at < now - OPENING_SLACK
    ):
        errors["opens_at"] = _("The opening cannot be before today.")
    if data.closes_at <= data.opens_at:
        errors["closes_at"] = _("The consultation must close after it opens.")
    elif data.closes_at <= now:
        errors["closes_at"] = _("The closing date is in the past.")
    if data.electorate == Electorate.SERVICE and data.service is None:
        errors["service"] = _("Choose the service whose agents vote.")
    elif data.electorate == Electorate.ROLE and data.role not in Role.values:
        errors["role"] = _("Choose the role whose agents vote.")
    elif data.quorum:
        asked = Consultation(electorate=data.electorate, service=data.service, role=data.role)
        eligible = Agent.objects.filter(is_active=True, **rules.electorate_filter(asked)).count()
        if data.quorum > eligible:
            errors["quorum"] = ngettext(
                "The quorum cannot be more than the %(n)d agent asked.",
                "The quorum cannot be more than the %(n)d agents asked.",
                eligible,
            ) % {"n": eligible}
    if norm.status in (NormStatus.WITHDRAWN, NormStatus.EXPIRED):
        errors["question"] = _("This norm is no longer in force: there is nothing to consult on.")
    elif norm.lapses_on and timezone.localtime(data.closes_at).date() >= norm.lapses_on:
        # Or it would lapse while the votes still run, or the day they end, before a decision
        # could keep it.
        errors["closes_at"] = _(
            "This authorisation lapses on %(date)s: close the consultation the day before at the "
            "latest, so that a decision can keep it."
        ) % {"date": formats.date_format(norm.lapses_on, "DATE_FORMAT")}
    if Consultation.objects.filter(norm=norm, sealed_at__isnull=True).exists():
        errors["question"] = _("A consultation is already running on this norm.")
    elif ballots.undecided(norm.pk).exists():
        # Its results and objections stay on the norm's page until the decision.
        errors["question"] = _(
            "The last consultation awaits its decision: a new one opens after it."
        )
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        norm=norm,
        question=data.question.strip(),
        method=data.method,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        electorate=data.electorate,
        service=data.service if data.electorate == Electorate.SERVICE else None,
        role=data.role if data.electorate == Electorate.ROLE else "",
        quorum=data.quorum,
        secret=data.secret,
        opened_by=by,
    )
    if norm.status != NormStatus.DEBATE:
        norm_status_change(norm=norm, to=NormStatus.DEBATE, by=by, cause=StatusCause.CONSULTATION)
        norm.save()
    audit_record(actor=by, action="norm.consultation.open", target=consultation)
    if consultation.opens_at <= timezone.now():
        # Told now rather than at the worker's next minute.
        transaction.on_commit(consultations_announce_due.enqueue)
    return consultation


@dataclass
class DecisionData:
    outcome: str
    rationale: str
    decided_on: dt.date
    next_review_on: dt.date | None = None
    new_text: str = ""
    consultation: Consultation | None = None


OUTCOME_STATUS = {
    Outcome.KEEP: NormStatus.SUSTAINED,
    Outcome.ADAPT: NormStatus.ADAPTED,
    Outcome.WITHDRAW: NormStatus.WITHDRAWN,
}


def _why_the_decision_waits(norm: Norm, consultation: Consultation | None) -> str:
    """Why a decision on the norm cannot be taken now ("" when it can): a consultation that is
    not this norm's, still open or already decided on; another one still taking votes (they
    would be moot); or objections not answered yet, of the chosen consultation or, when none is
    chosen, of those closed and not decided on (choosing none does not skip them)."""
    now = timezone.now()
    if consultation is not None:
        if consultation.norm_id != norm.pk:
            return _("This consultation is about another norm.")
        if not consultation.has_closed(now):
            return _("Wait for the consultation to close before deciding.")
        if not ballots.undecided(norm.pk).filter(pk=consultation.pk).exists():
            return _("A decision was already recorded after this consultation.")
    running = Consultation.objects.filter(norm=norm, closes_at__gt=now).order_by("closes_at")
    if (first := running.first()) is not None:
        when = formats.date_format(timezone.localtime(first.closes_at), "DATETIME_FORMAT")
        return _("A consultation on this norm closes on %(date)s: decide after its close.") % {
            "date": when
        }
    # Every consultation this decision settles (ballots.undecided), the chosen one among them.
    for pending in ballots.undecided(norm.pk).select_for_update().order_by("closes_at", "pk"):
        if n := ballots.unanswered(pending):
            return ngettext(
                "%(n)d objection of the consultation “%(question)s” is not answered yet: a "
                "facilitator answers it before the decision.",
                "%(n)d objections of the consultation “%(question)s” are not answered yet: a "
                "facilitator answers them before the decision.",
                n,
            ) % {"n": n, "question": pending.question}
    return ""


@transaction.atomic
def decision_record(*, norm: Norm, by: Agent, data: DecisionData) -> Decision:
    """A decision-maker records the outcome: keep, adapt (with the new text) or withdraw, why,
    when, and the next review. The norm's status follows; everyone concerned is notified."""
    if not rules.can_decide(by):
        raise PermissionDenied
    norm = Norm.objects.select_for_update().get(pk=norm.pk)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    rationale, new_text = data.rationale.strip(), data.new_text.strip()
    if data.outcome not in Outcome.values:
        errors["outcome"] = _("Choose the decision.")
    if not rationale:
        errors["rationale"] = _("A decision needs its rationale: say why.")
    if data.decided_on > today:
        errors["decided_on"] = _("A decision cannot be dated in the future.")
    if data.outcome == Outcome.ADAPT and not new_text:
        errors["new_text"] = _("Write the adapted text.")
    if data.outcome != Outcome.WITHDRAW:
        if data.next_review_on is None:
            errors["next_review_on"] = _("Give the date of the next review.")
        elif data.next_review_on <= today:
            errors["next_review_on"] = _("The next review must be a date after today.")
    # Named or not, a decision settles the consultation that waits for it (ballots.undecided):
    # named, its voters hear of the decision and the history links the two.
    consultation = data.consultation or ballots.undecided(norm.pk).order_by("-closes_at").first()
    if consultation is not None:
        # Locked as objection_answer locks it: no answer slips in while the decision is taken.
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if wait := _why_the_decision_waits(norm, consultation):
        errors["consultation"] = wait
    if (
        norm.status in (NormStatus.WITHDRAWN, NormStatus.EXPIRED)
        and data.outcome == Outcome.WITHDRAW
    ):
        errors["outcome"] = _("This norm is no longer in force.")
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        norm=norm,
        consultation=consultation,
        outcome=data.outcome,
        rationale=rationale,
        new_text=new_text if data.outcome == Outcome.ADAPT else "",
        decided_on=data.decided_on,
        next_review_on=data.next_review_on if data.outcome != Outcome.WITHDRAW else None,
        decided_by=by,
    )
    if data.outcome == Outcome.ADAPT and new_text != norm.text:
        norm.version += 1
        norm.text = new_text
        norm.search_key = fold(f"{norm.title} {norm.text}")
        NormVersion.objects.create(
            norm=norm, number=norm.version, title=norm.title, text=new_text, author=by,
            decision=decision,
        )  # fmt: skip
    norm_status_change(
        norm=norm, to=OUTCOME_STATUS[Outcome(data.outcome)], by=by, reason=rationale[:300]
    )
    norm.review_on = decision.next_review_on
    norm.sunset_on = None
    norm.updated_at = timezone.now()
    norm.save()
    audit_record(actor=by, action="norm.decide", target=norm,
                 changes={"outcome": data.outcome, "decision": decision.pk})  # fmt: skip
    # The followers now; the voters and the agents of its scope (everyone, for a norm of no
    # scope in particular) by the worker: thousands of notifications are not this request's.
    notification_send(
        recipients=followers_of(norm),
        actor=by,
        message=DECISION_MESSAGE,
        params={"norm": norm.title, "outcome": Outcome(data.outcome).label},
        url=_url(norm),
    )
    transaction.on_commit(partial(decision_tell_scope.enqueue, decision_id=decision.pk))
    return decision
