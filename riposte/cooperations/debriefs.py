"""Writes on debriefs: open, invite, contribute, consolidate (versioned), review, publish.

Every function checks who may act (debrief_rules.py) and raises PermissionDenied otherwise, and
ValidationError with a message an agent can act on when the input or the state is wrong. Nothing
is half-written: each function is one transaction.

The consolidated text is edited with optimistic concurrency: the form carries the version it
started from, and a save from a stale version is refused (DebriefConflict) instead of silently
overwriting what a colleague saved meanwhile. Every save is kept as a numbered revision.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riposte.cooperations import debrief_rules as rules
from riposte.cooperations.models import (
    DEBRIEF_FIELDS,
    FIELD_NAMES,
    Cooperation,
    CooperationStatus,
    Debrief,
    DebriefContribution,
    DebriefInvitation,
    DebriefRevision,
    DebriefStatus,
)
from riposte.cooperations.models.debriefs import FIELD_MAX
from riposte.core.audit import audit_record
from riposte.core.models import Follow
from riposte.core.notifications import notification_send
from riposte.directory.models import Agent
from riposte.initiatives.models import Theme


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


@dataclass
class DebriefData:
    """The structured form, as the page (or a script) gives it. Plain text, never HTML."""

    context: str = ""
    what_worked: str = ""
    what_blocked: str = ""
    levers: str = ""
    do_again: str = ""
    avoid: str = ""
    advice: str = ""
    themes: list[Theme] = field(default_factory=list)

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELD_NAMES}


class DebriefConflict(ValidationError):
    """The consolidated text was saved by someone else since the form was opened."""

    def __init__(self, message: str, *, current: Debrief, saved_by: Agent | None) -> None:
        super().__init__(message, code="stale")
        self.current = current
        self.saved_by = saved_by


def _clean_texts(data: DebriefData) -> dict[str, str]:
    """Stripped texts; line endings made one kind, so that a diff shows words, not \\r."""
    texts = {
        name: re.sub(r"\r\n?", "\n", str(value)).strip() for name, value in data.texts().items()
    }
    errors = {
        name: _("Say it in %(max)s characters at most (this text has %(length)s).")
        % {"max": FIELD_MAX, "length": len(text)}
        for name, text in texts.items()
        if len(text) > FIELD_MAX
    }
    if errors:
        raise ValidationError(errors)
    return texts


def _debrief_url(debrief: Debrief) -> str:
    return debrief.get_absolute_url()


def _follow(agent: Agent, debrief: Debrief) -> None:
    """Those at work on a debrief hear of its review remarks (core comments notify followers)."""
    Follow.objects.get_or_create(
        agent=agent,
        content_type=ContentType.objects.get_for_model(Debrief),
        object_id=debrief.pk,
    )


@transaction.atomic
def debrief_open(*, cooperation: Cooperation, by: Agent) -> Debrief:
    """A facilitator opens the debrief of a confirmed cooperation; one per cooperation."""
    _require(rules.is_facilitator(by))
    cooperation = Cooperation.objects.select_for_update().get(pk=cooperation.pk)
    if cooperation.status != CooperationStatus.CONFIRMED:
        raise ValidationError(_("Confirm this cooperation before debriefing it."))
    if Debrief.objects.filter(cooperation=cooperation).exists():
        raise ValidationError(_("This cooperation already has a debrief."))
    debrief = Debrief(cooperation=cooperation, opened_by=by)
    try:
        with transaction.atomic():  # the one-to-one key answers a double click
            debrief.save()
    except IntegrityError as exc:
        raise ValidationError(_("This cooperation already has a debrief.")) from exc
    # The cooperation's themes are where the consolidated text starts from.
    debrief.themes.set(cooperation.themes.all())
    _follow(by, debrief)
    audit_record(actor=by, action="debrief.open", target=debrief)
    return debrief


@transaction.atomic
def debrief_invite(
    *, debrief: Debrief, agents: Iterable[Agent], by: Agent
) -> list[DebriefInvitation]:
    """Invite people to contribute; each new invitee is notified. Inviting twice adds nothing."""
    debrief = Debrief.objects.select_for_update().select_related("cooperation").get(pk=debrief.pk)
    _require(rules.is_facilitator(by))
    if not rules.can_invite(by, debrief):
        raise ValidationError(_("This debrief is published: put it back to draft to invite."))
    people = {a.pk: a for a in agents}
    if not people:
        raise ValidationError({"agents": _("Choose at least one person to invite.")})
    closed = [a for a in people.values() if not a.is_active]
    if closed:
        raise ValidationError(
            {"agents": _("These colleagues have left: %(names)s")
                % {"names": ", ".join(str(a) for a in closed)}}
        )  # fmt: skip
    already = set(debrief.invitations.values_list("agent_id", flat=True))
    created = [
        DebriefInvitation.objects.create(debrief=debrief, agent=agent, invited_by=by)
        for pk, agent in people.items()
        if pk not in already
    ]
    for invitation in created:
        _follow(invitation.agent, debrief)
    if created:
        audit_record(
            actor=by, action="debrief.invite", target=debrief,
            changes={"agents": [i.agent_id for i in created]},
        )  # fmt: skip
        notification_send(
            recipients=[i.agent for i in created],
            actor=by,
            message=gettext_lazy(
                "%(name)s invites you to the debrief of “%(title)s”: tell what you learned."
            ),
            params={"name": by.full_name or str(by), "title": debrief.cooperation.title},
            url=_debrief_url(debrief),
        )
    return created


@transaction.atomic
def debrief_contribute(
    *, debrief: Debrief, author: Agent, data: DebriefData
) -> DebriefContribution:
    """An invited person (or a facilitator) answers the structured form: one contribution per
    person, which they may rework until the debrief is published."""
    debrief = Debrief.objects.select_for_update().select_related("cooperation").get(pk=debrief.pk)
    if debrief.status == DebriefStatus.PUBLISHED:
        _require(rules.can_view(author, debrief))
        raise ValidationError(_("This debrief is published: contributions are closed."))
    _require(rules.can_contribute(author, debrief))
    texts = _clean_texts(data)
    if not any(texts.values()):
        raise ValidationError(
            _("Answer at least one question: an empty contribution says nothing.")
        )
    now = timezone.now()
    contribution, created = DebriefContribution.objects.update_or_create(
        debrief=debrief,
        author=author,
        defaults={**texts, "updated_at": now},
        create_defaults={**texts, "created_at": now, "updated_at": now},
    )
    contribution.themes.set(data.themes)
    _follow(author, debrief)
    audit_record(
        actor=author,
        action="debrief.contribute" if created else "debrief.contribution_update",
        target=debrief,
    )
    if created:
        notification_send(
            recipients=[debrief.opened_by],
            actor=author,
            message=gettext_lazy("%(name)s contributed to the debrief of “%(title)s”."),
            params={"name": author.full_name or str(author), "title": debrief.cooperation.title},
            url=_debrief_url(debrief),
        )
    return contribution


def _theme_slugs(themes: Iterable[Theme]) -> list[str]:
    return sorted(t.slug for t in themes)


@transaction.atomic
def debrief_edit(*, debrief: Debrief, by: Agent, data: DebriefData, version: int) -> Debrief:
    """A facilitator saves the consolidated text, from the version their form started from.

    A stale version (someone saved since) raises DebriefConflict: the caller keeps the sender's
    text and shows what the other person saved. Saving what is already there makes no revision.
    """
    _require(rules.is_facilitator(by))
    debrief = Debrief.objects.select_for_update().select_related("cooperation").get(pk=debrief.pk)
    if debrief.status == DebriefStatus.PUBLISHED:
        raise ValidationError(_("This debrief is published: put it back to draft to edit it."))
    texts = _clean_texts(data)
    if debrief.version != version:
        raise _conflict(debrief)
    themes = _theme_slugs(data.themes)
    if texts == debrief.content() and themes == _theme_slugs(debrief.themes.all()):
        return debrief
    now = timezone.now()
    number = version + 1
    # The version in the WHERE clause is the guard that holds even where the row lock above is
    # not one (SQLite); the revision's unique number is the last one.
    updated = Debrief.objects.filter(pk=debrief.pk, version=version).update(
        **texts, version=number, updated_at=now
    )
    if not updated:
        raise _conflict(Debrief.objects.get(pk=debrief.pk))
    try:
        with transaction.atomic():
            DebriefRevision.objects.create(
                debrief=debrief,
                number=number,
                content={"fields": texts, "themes": themes},
                by=by,
                at=now,
            )
    except IntegrityError as exc:
        raise _conflict(Debrief.objects.get(pk=debrief.pk)) from exc
    debrief.refresh_from_db()
    debrief.themes.set(data.themes)
    audit_record(actor=by, action="debrief.edit", target=debrief, changes={"revision": number})
    return debrief


def _conflict(current: Debrief) -> DebriefConflict:
    last = current.revisions.select_related("by").order_by("-number").first()
    saved_by = last.by if last else None
    return DebriefConflict(
        _("%(name)s saved this debrief while you were writing (version %(version)s). Your text "
          "is kept in the form below: compare it with theirs, then save again.")
        % {"name": str(saved_by) if saved_by else _("A colleague"), "version": current.version},
        current=current,
        saved_by=saved_by,
    )  # fmt: skip


def _audience(debrief: Debrief) -> list[Agent]:
    """Who hears of a debrief's progress: the people invited, those who contributed, and
    whoever recorded the cooperation."""
    people: dict[int, Agent] = {}
    for invitation in debrief.invitations.select_related("agent"):
        people[invitation.agent_id] = invitation.agent
    for contribution in debrief.contributions.select_related("author"):
        people[contribution.author_id] = contribution.author
    creator = debrief.cooperation.created_by
    if creator is not None:
        people[creator.pk] = creator
    return list(people.values())


def _move(debrief: Debrief, *, by: Agent, to: str, action: str) -> Debrief:
    before = debrief.status
    debrief.status = to
    debrief.updated_at = timezone.now()
    debrief.save()
    audit_record(actor=by, action=action, target=debrief, changes={"status": [before, to]})
    return debrief


@transaction.atomic
def debrief_submit_for_review(*, debrief: Debrief, by: Agent) -> Debrief:
    """The consolidated text is ready: the people involved are asked to read it."""
    debrief = Debrief.objects.select_for_update().select_related("cooperation").get(pk=debrief.pk)
    _require(rules.can_change_status(by, debrief))
    if debrief.status != DebriefStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    if debrief.version == 0:
        raise ValidationError(_("Write the consolidated text before submitting it for review."))
    debrief.submitted_by, debrief.submitted_at = by, timezone.now()
    _move(debrief, by=by, to=DebriefStatus.REVIEW, action="debrief.submit")
    notification_send(
        recipients=_audience(debrief),
        actor=by,
        message=gettext_lazy(
            "The debrief of “%(title)s” is ready for review: read it and say what to change."
        ),
        params={"title": debrief.cooperation.title},
        url=_debrief_url(debrief),
    )
    return debrief


@transaction.atomic
def debrief_publish(*, debrief: Debrief, by: Agent) -> Debrief:
    """Publish the reviewed text: every agent may read it, and the guide may quote it."""
    debrief = Debrief.objects.select_for_update().select_related("cooperation").get(pk=debrief.pk)
    _require(rules.can_change_status(by, debrief))
    if debrief.status == DebriefStatus.PUBLISHED:
        raise ValidationError(_("This debrief is already published."))
    if debrief.status != DebriefStatus.REVIEW:
        raise ValidationError(_("Submit the debrief for review before publishing it."))
    if not any(debrief.content().values()):
        raise ValidationError(_("The consolidated text is empty: write it before publishing."))
    if not debrief.themes.exists():
        raise ValidationError(
            _("Choose at least one theme: the guide files each piece of advice under its themes.")
        )
    debrief.published_by, debrief.published_at = by, timezone.now()
    debrief.published_revision = debrief.revisions.get(number=debrief.version)
    _move(debrief, by=by, to=DebriefStatus.PUBLISHED, action="debrief.publish")
    notification_send(
        recipients=_audience(debrief),
        actor=by,
        message=gettext_lazy("The debrief of “%(title)s” is published. Thank you!"),
        params={"title": debrief.cooperation.title},
        url=_debrief_url(debrief),
    )
    return debrief


@transaction.atomic
def debrief_back_to_draft(*, debrief: Debrief, by: Agent) -> Debrief:
    """Back to work: from review, or out of publication. The guide's published editions keep
    the text they quoted; the next edition leaves it out until it is published again."""
    debrief = Debrief.objects.select_for_update().select_related("cooperation").get(pk=debrief.pk)
    _require(rules.can_change_status(by, debrief))
    if debrief.status == DebriefStatus.DRAFT:
        raise ValidationError(_("This debrief is already a draft."))
    return _move(debrief, by=by, to=DebriefStatus.DRAFT, action="debrief.back_to_draft")


# --- reading the history --------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldDiff:
    """One field of two revisions, as (operation, text) pieces: "equal", "insert", "delete"."""

    name: str
    label: str
    pieces: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        return any(op != "equal" for op, _text in self.pieces)


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word by word: prose edits are words, and a line diff would show a whole paragraph."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(old[a1:a2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(old[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(new[b1:b2])))
    return pieces


def revisions_diff(
    before: DebriefRevision | None, after: DebriefRevision
) -> tuple[list[FieldDiff], list[str], list[str]]:
    """What changed from one revision to another: the fields, word by word, then the theme
    slugs added and removed."""
    old = before.fields if before else dict.fromkeys(FIELD_NAMES, "")
    new = after.fields
    fields = [
        FieldDiff(name=name, label=str(label), pieces=word_diff(old[name], new[name]))
        for name, label, _question in DEBRIEF_FIELDS
        if old[name] or new[name]
    ]
    old_themes = set(before.content.get("themes", [])) if before else set()
    new_themes = set(after.content.get("themes", []))
    return fields, sorted(new_themes - old_themes), sorted(old_themes - new_themes)


def debrief_history(debrief: Debrief) -> list[dict[str, object]]:
    """The moves of the debrief (opened, submitted, published...), who made them and when, from
    the audit log the services write."""
    from riposte.core.models import AuditEntry

    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Debrief),
        object_id=str(debrief.pk),
        action__in=[
            "debrief.open",
            "debrief.submit",
            "debrief.publish",
            "debrief.back_to_draft",
        ],
    ).select_related("actor")
    labels = {
        "debrief.open": _("Debrief opened"),
        "debrief.submit": _("Submitted for review"),
        "debrief.publish": _("Published"),
        "debrief.back_to_draft": _("Back to draft"),
    }
    return [
        {"label": labels[e.action], "by": e.actor, "at": e.at} for e in entries.order_by("at", "id")
    ]


def invite_suggestions(debrief: Debrief, *, limit: int = 30) -> list[Agent]:
    """People probably involved, not invited yet: whoever recorded the cooperation, the authors
    of its initiatives, and agents of the internal services that took part in it."""
    cooperation = debrief.cooperation
    invited = set(debrief.invitations.values_list("agent_id", flat=True))
    found: dict[int, Agent] = {}

    def add(agents: Iterable[Agent]) -> None:
        for agent in agents:
            if agent.is_active and agent.pk not in invited and len(found) < limit:
                found.setdefault(agent.pk, agent)

    if cooperation.created_by is not None:
        add([cooperation.created_by])
    for initiative in cooperation.initiatives.select_related("author").prefetch_related(
        "coauthors"
    ):
        add([initiative.author, *initiative.coauthors.all()])
    service_ids = cooperation.actors.filter(service__isnull=False).values("service_id")
    add(
        Agent.objects.filter(service_id__in=service_ids, is_active=True)
        .select_related("service")
        .order_by("last_name", "first_name")[:limit]
    )
    return list(found.values())
