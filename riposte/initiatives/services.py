"""Writes on initiatives: submit, edit, move along the stages, support, ask for help, join forces.

Every function checks who may act (rules.py) and raises PermissionDenied otherwise, so the pages
and the API share one set of rules. Multi-row writes run in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riposte.core.audit import audit_record
from riposte.core.follows import followers_of
from riposte.core.models import Follow
from riposte.core.notifications import notification_send
from riposte.directory.models import Agent, Commune, Service, SupportProfile
from riposte.initiatives import rules, similarity
from riposte.initiatives.models import (
    TEXT_MAX,
    Contribution,
    HelpRequest,
    Initiative,
    Stage,
    StageChange,
    Support,
    Theme,
)

TEXT_FIELDS = (
    "title",
    "problem",
    "idea",
    "beneficiaries",
    "tried",
    "needs_partners",
    "authorisation",
)


@dataclass
class InitiativeData:
    """What the form (or the API) says of an initiative. Texts are plain text, never HTML."""

    title: str
    problem: str = ""
    idea: str = ""
    beneficiaries: str = ""
    tried: str = ""
    needs_time: bool = False
    needs_budget: bool = False
    budget_estimate: int | None = None
    needs_partners: str = ""
    needs_authorisation: bool = False
    authorisation: str = ""
    whole_department: bool = False
    coauthors: list[Agent] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    help_profiles: list[str] = field(default_factory=list)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _check_complete(initiative: Initiative, data: InitiativeData) -> None:
    """What a submitted initiative must say; a draft may be saved half-written."""
    errors: dict[str, str] = {}
    if not data.problem.strip():
        errors["problem"] = _("Say what goes wrong today, and for whom.")
    if not data.idea.strip():
        errors["idea"] = _("Say what you propose.")
    if not data.whole_department and not data.communes:
        errors["communes"] = _("Choose the communes concerned, or “the whole département”.")
    if data.needs_authorisation and not data.authorisation.strip():
        errors["authorisation"] = _("Say which authorisation or derogation is needed.")
    if errors:
        raise ValidationError(errors)


def _write(initiative: Initiative, data: InitiativeData, *, visible: bool) -> None:
    """Save the texts and links. `visible`: the initiative is (or is being) published, so its
    vector is computed for the similar-initiatives index; a draft, saved every few seconds while
    its author types, is never suggested and pays no embedding."""
    if any(not a.is_active for a in data.coauthors):
        raise ValidationError({"coauthors": _("A co-author has left: their account is closed.")})
    for name in TEXT_FIELDS:
        setattr(initiative, name, getattr(data, name).strip())
    initiative.needs_time = data.needs_time
    initiative.needs_budget = data.needs_budget
    initiative.budget_estimate = data.budget_estimate if data.needs_budget else None
    initiative.needs_authorisation = data.needs_authorisation
    if not data.needs_authorisation:
        initiative.authorisation = ""
    initiative.whole_department = data.whole_department
    if visible:
        text = similarity.text_for(initiative.title, initiative.problem, initiative.idea)
        initiative.embedding = similarity.to_bytes(similarity.embed([text])[0])
    now = timezone.now()
    initiative.updated_at = now
    initiative.indexed_at = now
    initiative.full_clean(exclude=["author", "embedding"])
    initiative.save()
    coauthors = [a for a in data.coauthors if a.pk != initiative.author_id]
    initiative.coauthors.set(coauthors)
    # Authors hear of comments (sent to followers) without having to follow their own initiative.
    for agent in [initiative.author, *coauthors]:
        Follow.objects.get_or_create(
            agent=agent, content_type_id=_content_type_id(), object_id=initiative.pk
        )
    initiative.services.set(data.services)
    initiative.communes.set([] if data.whole_department else data.communes)
    initiative.themes.set(data.themes)


@transaction.atomic
def initiative_create(*, author: Agent, data: InitiativeData, submit: bool) -> Initiative:
    """A new initiative: a draft its authors alone see, or submitted for all to see."""
    if not author.is_active:
        raise ValidationError(_("This account is closed."))
    if submit:
        _check_complete(Initiative(), data)
    initiative = Initiative(author=author)
    _write(initiative, data, visible=submit)
    if submit:
        _submit(initiative, data, by=author)
    return initiative


@transaction.atomic
def initiative_update(
    *, initiative: Initiative, by: Agent, data: InitiativeData, submit: bool = False
) -> Initiative:
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _require(rules.can_edit(by, initiative))
    if submit or not initiative.is_draft:
        _check_complete(initiative, data)
    _write(initiative, data, visible=submit or not initiative.is_draft)
    if submit and initiative.is_draft:
        _submit(initiative, data, by=by)
    elif not initiative.is_draft:
        audit_record(actor=by, action="initiative.update", target=initiative)
    return initiative


def _submit(initiative: Initiative, data: InitiativeData, *, by: Agent) -> None:
    now = timezone.now()
    initiative.submitted_at = now
    initiative.stage = Stage.SPOTTED
    initiative.stage_changed_at = now
    initiative.indexed_at = now
    initiative.save(update_fields=["submitted_at", "stage", "stage_changed_at", "indexed_at"])
    StageChange.objects.create(
        initiative=initiative, from_stage="", to_stage=Stage.SPOTTED, by=by, at=now,
        reason=_("Submitted by its authors."),
    )  # fmt: skip
    for profile in data.help_profiles:
        _help_request_open(initiative, profile=profile, message="", by=by)
    audit_record(actor=by, action="initiative.submit", target=initiative)


def _content_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Initiative).pk


def _audience(initiative: Initiative) -> list[Agent]:
    """Who hears of what happens to an initiative: its authors and its followers."""
    people = {initiative.author_id: initiative.author}
    people.update({a.pk: a for a in initiative.coauthors.all()})
    people.update({a.pk: a for a in followers_of(initiative)})
    return list(people.values())


@transaction.atomic
def initiative_move(
    *, initiative: Initiative, by: Agent, to_stage: str, reason: str
) -> StageChange:
    """A facilitator moves the initiative to another stage and says why; authors are told."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _require(rules.can_move(by, initiative))
    reason = reason.strip()
    if to_stage not in rules.NEXT_STAGES[initiative.stage]:
        raise ValidationError(
            {"to_stage": _("An initiative cannot go from “%(from)s” to this stage.")
                % {"from": initiative.get_stage_display()}}
        )  # fmt: skip
    if not reason:
        message = (
            _("Say what was learned: it is what stays of an abandoned initiative.")
            if to_stage == Stage.ABANDONED
            else _("Say why, for the authors and the followers.")
        )
        raise ValidationError({"reason": message})
    now = timezone.now()
    change = StageChange(
        initiative=initiative, from_stage=initiative.stage, to_stage=to_stage, by=by,
        reason=reason, at=now,
    )  # fmt: skip
    change.full_clean()
    change.save()
    initiative.stage = to_stage
    initiative.stage_changed_at = now
    initiative.save(update_fields=["stage", "stage_changed_at"])
    audit_record(
        actor=by, action="initiative.move", target=initiative,
        changes={"stage": [change.from_stage, to_stage]},
    )  # fmt: skip
    notification_send(
        recipients=_audience(initiative),
        actor=by,
        message=gettext_lazy("“%(title)s” moved to the stage “%(stage)s”: %(reason)s"),
        params={"title": initiative.title, "stage": Stage(to_stage).label, "reason": reason[:200]},
        url=initiative.get_absolute_url(),
    )
    return change


def support_toggle(*, initiative: Initiative, agent: Agent) -> bool:
    """ "Je soutiens", or take it back. Returns whether the agent now supports the initiative."""
    with transaction.atomic():
        # Locked: a merge moving the supports at the same moment waits, or goes first.
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        _require(rules.can_view(agent, initiative) and not initiative.is_draft)
        if initiative.merged_into_id is not None:
            raise ValidationError(
                _("This initiative joined another one: support that one instead.")
            )
        deleted, _ignored = Support.objects.filter(initiative=initiative, agent=agent).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Support.objects.create(initiative=initiative, agent=agent)
        except IntegrityError:  # a double click: the constraint keeps one support
            pass
        return True


@transaction.atomic
def contribution_offer(
    *, initiative: Initiative, agent: Agent, skill: str, message: str = ""
) -> Contribution:
    """ "Je veux contribuer": one offer per agent, which they may reword."""
    _require(rules.can_view(agent, initiative) and not initiative.is_draft)
    if initiative.merged_into_id is not None:
        raise ValidationError(_("This initiative joined another one: offer your help there."))
    skill = skill.strip()
    if not skill:
        raise ValidationError({"skill": _("Say what you can bring, e.g. “graphic design”.")})
    contribution, created = Contribution.objects.update_or_create(
        initiative=initiative,
        agent=agent,
        defaults={"skill": skill[:200], "message": message.strip()},
    )
    if created:
        notification_send(
            recipients=[initiative.author, *initiative.coauthors.all()],
            actor=agent,
            message=gettext_lazy("%(name)s wants to contribute to “%(title)s”: %(skill)s"),
            params={"name": agent.full_name, "title": initiative.title, "skill": skill},
            url=initiative.get_absolute_url(),
        )
    return contribution


def _help_request_open(
    initiative: Initiative, *, profile: str, message: str, by: Agent
) -> HelpRequest:
    if profile not in SupportProfile.values:
        raise ValidationError({"profile": _("Choose a support-team profile from the list.")})
    if initiative.help_requests.filter(profile=profile, status__in=["open", "assigned"]).exists():
        raise ValidationError(
            {"profile": _("Help of this kind is already asked for; the support team has it.")}
        )
    return HelpRequest.objects.create(
        initiative=initiative, profile=profile, message=message.strip(), requested_by=by
    )


@transaction.atomic
def help_request_open(
    *, initiative: Initiative, by: Agent, profile: str, message: str = ""
) -> HelpRequest:
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _require(rules.can_ask_help(by, initiative))
    request = _help_request_open(initiative, profile=profile, message=message, by=by)
    audit_record(
        actor=by, action="help_request.open", target=initiative, changes={"profile": profile}
    )
    return request


@transaction.atomic
def help_request_assign(*, request: HelpRequest, by: Agent, assignee: Agent) -> HelpRequest:
    """A facilitator takes a request, or hands it to a colleague of the support team."""
    request = (
        HelpRequest.objects.select_for_update().select_related("initiative").get(pk=request.pk)
    )
    _require(rules.is_facilitator(by))
    if request.status not in (HelpRequest.Status.OPEN, HelpRequest.Status.ASSIGNED):
        raise ValidationError(_("This request is closed."))
    if not (assignee.is_active and (assignee.is_facilitator or assignee.support_profiles.exists())):
        raise ValidationError({"assignee": _("Only a member of the support team can take it.")})
    request.status = HelpRequest.Status.ASSIGNED
    request.assignee = assignee
    request.assigned_at = timezone.now()
    request.save(update_fields=["status", "assignee", "assigned_at"])
    initiative = request.initiative
    audit_record(
        actor=by, action="help_request.assign", target=initiative,
        changes={"profile": request.profile, "assignee": assignee.pk},
    )  # fmt: skip
    notification_send(
        recipients=[initiative.author, *initiative.coauthors.all(), assignee],
        actor=by,
        message=gettext_lazy(
            "%(name)s of the support team takes the %(profile)s help for “%(title)s”."
        ),
        params={
            "name": assignee.full_name,
            "profile": SupportProfile(request.profile).label,
            "title": initiative.title,
        },
        url=initiative.get_absolute_url(),
    )
    return request


@transaction.atomic
def help_request_close(
    *, request: HelpRequest, by: Agent, help_given: str, cancelled: bool = False
) -> HelpRequest:
    """Record the help given (or cancel the request); the authors hear of it."""
    request = (
        HelpRequest.objects.select_for_update().select_related("initiative").get(pk=request.pk)
    )
    initiative = request.initiative
    _require(
        rules.is_facilitator(by)
        or request.assignee_id == by.pk
        or (cancelled and rules.can_edit(by, initiative))
    )
    if request.status not in (HelpRequest.Status.OPEN, HelpRequest.Status.ASSIGNED):
        raise ValidationError(_("This request is closed."))
    help_given = help_given.strip()
    if not cancelled and not help_given:
        raise ValidationError({"help_given": _("Say what help was given.")})
    if len(help_given) > TEXT_MAX:
        raise ValidationError(
            {"help_given": _("Say it in %(max)s characters at most.") % {"max": TEXT_MAX}}
        )
    request.status = HelpRequest.Status.CANCELLED if cancelled else HelpRequest.Status.DONE
    request.help_given = help_given
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "help_given", "closed_at"])
    audit_record(
        actor=by, action="help_request.close", target=initiative,
        changes={"profile": request.profile, "status": request.status},
    )  # fmt: skip
    if not cancelled:
        notification_send(
            recipients=_audience(initiative),
            actor=by,
            message=gettext_lazy("Help from the support team on “%(title)s”: %(help)s"),
            params={"title": initiative.title, "help": help_given[:200]},
            url=initiative.get_absolute_url(),
        )
    return request


@transaction.atomic
def initiative_merge(*, source: Initiative, target: Initiative, by: Agent) -> Initiative:
    """Join forces: `source` joins `target`. Its supports, contributions, followers and open help
    requests move over, and its page stays, pointing to the target. Nothing is deleted.

    The source's authors become co-authors of the target when the target's side agrees: the
    merge is made by a facilitator or by one of the target's authors. Otherwise (an agent joins
    their duplicate to a colleague's initiative) they follow it and the target's authors are
    told, and may add them as co-authors: joining forces never gives the right to edit someone
    else's initiative."""
    if source.pk == target.pk:
        raise ValidationError(_("An initiative cannot join itself."))
    # Lock both rows in id order, so two opposite merges cannot deadlock or cross.
    locked = {i.pk: i for i in Initiative.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}  # fmt: skip
    source, target = locked[source.pk], locked[target.pk]
    _require(rules.can_merge(by, source))
    if target.is_draft or target.merged_into_id is not None:
        raise ValidationError(
            _("“%(title)s” has itself joined another initiative or is a draft: choose an open one.")
            % {"title": target.title}
        )
    authors = [source.author, *source.coauthors.all()]
    if rules.is_facilitator(by) or target.is_author(by):
        target.coauthors.add(*[a for a in authors if a.pk != target.author_id])
    for support in source.supports.exclude(agent__supports__initiative=target):
        Support.objects.create(
            initiative=target, agent=support.agent, created_at=support.created_at
        )
    for contribution in source.contributions.exclude(agent__contributions__initiative=target):
        contribution.pk = None
        contribution.initiative = target
        contribution.save()
    content_type_id = _content_type_id()
    for agent_id in Follow.objects.filter(
        content_type_id=content_type_id, object_id=source.pk
    ).values_list("agent_id", flat=True):
        Follow.objects.get_or_create(
            agent_id=agent_id, content_type_id=content_type_id, object_id=target.pk
        )
    for request in source.help_requests.filter(status__in=["open", "assigned"]):
        if target.help_requests.filter(
            profile=request.profile, status__in=["open", "assigned"]
        ).exists():
            request.status = HelpRequest.Status.CANCELLED
            request.help_given = _("Already asked for on the initiative it joined.")
            request.closed_at = timezone.now()
            request.save(update_fields=["status", "help_given", "closed_at"])
        else:
            request.initiative = target
            request.save(update_fields=["initiative"])
    target.services.add(*source.services.all())
    target.communes.add(*source.communes.all())
    target.themes.add(*source.themes.all())
    now = timezone.now()
    source.merged_into = target
    source.merged_at = now
    source.indexed_at = now  # leaves the similarity index
    source.save(update_fields=["merged_into", "merged_at", "indexed_at"])
    target.updated_at = now
    target.save(update_fields=["updated_at"])
    audit_record(actor=by, action="initiative.merge", target=source, changes={"into": target.pk})
    notification_send(
        recipients=_audience(target) + _audience(source),
        actor=by,
        message=gettext_lazy("“%(source)s” joins forces with “%(target)s”."),
        params={"source": source.title, "target": target.title},
        url=target.get_absolute_url(),
    )
    return target
