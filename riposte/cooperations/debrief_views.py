"""Pages of the debriefs: the debrief of a cooperation, the contribution form, the consolidated
text's editor (which refuses a stale save and keeps the sender's text), revisions and their
differences, and the list of debriefs. Thin views: permission, form, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.cooperations import debrief_rules as rules
from riposte.cooperations import debriefs as services
from riposte.cooperations.debrief_forms import (
    ConsolidatedForm,
    DebriefForm,
    InviteForm,
    RemarkForm,
    StatusForm,
)
from riposte.cooperations.models import (
    DEBRIEF_FIELDS,
    FIELD_NAMES,
    Cooperation,
    CooperationStatus,
    Debrief,
    DebriefContribution,
    DebriefRevision,
    DebriefStatus,
)
from riposte.core.comments import comment_create, comments_for
from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest
from riposte.core.pagination import CappedPaginator
from riposte.initiatives.models import Theme

PAGE_SIZE = 20


def _get_cooperation(pk: int) -> Cooperation:
    return get_object_or_404(Cooperation.objects.select_related("event", "created_by"), pk=pk)


def _get_debrief_for_view(request: AgentRequest, pk: int) -> Debrief:
    """The debrief of cooperation `pk`, if the agent may read it; a draft is nobody else's
    business (404)."""
    debrief = (
        Debrief.objects.select_related("cooperation__event", "cooperation__created_by")
        .filter(cooperation_id=pk)
        .first()
    )
    if debrief is None or not rules.can_view(request.user, debrief):
        raise Http404
    return debrief


def _get_debrief_for_work(request: AgentRequest, pk: int) -> Debrief:
    """For the pages of the people at work on it (contributions, revisions)."""
    debrief = _get_debrief_for_view(request, pk)
    if not rules.can_see_draft(request.user, debrief):
        raise Http404
    return debrief


def _errors(request: AgentRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def debrief_list(request: AgentRequest) -> HttpResponse:
    agent = request.user
    published = (
        Debrief.objects.filter(status=DebriefStatus.PUBLISHED)
        .select_related("cooperation__event")
        .order_by("-published_at", "-id")
    )
    page = CappedPaginator(published, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = (
        Debrief.objects.filter(invitations__agent=agent)
        .exclude(status=DebriefStatus.PUBLISHED)
        .select_related("cooperation")
        .order_by("-opened_at")
    )
    context: dict[str, object] = {
        "page": page,
        "waiting": waiting[:50],
        "contributed": set(
            DebriefContribution.objects.filter(author=agent).values_list("debrief_id", flat=True)
        ),
        "is_facilitator": rules.is_facilitator(agent),
    }
    if rules.is_facilitator(agent):
        context["in_progress"] = (
            Debrief.objects.exclude(status=DebriefStatus.PUBLISHED)
            .select_related("cooperation")
            .order_by("-updated_at")[:50]
        )
        context["without"] = Cooperation.objects.filter(
            status=CooperationStatus.CONFIRMED, debrief__isnull=True
        ).order_by("-started_on")[:20]
    return render(request, "cooperations/debrief_list.html", context)


@login_required
def debrief_detail(request: AgentRequest, pk: int) -> HttpResponse:
    cooperation = _get_cooperation(pk)
    agent = request.user
    debrief = Debrief.objects.filter(cooperation=cooperation).first()
    if debrief is None or not rules.can_view(agent, debrief):
        # No debrief yet, or one at work that this agent is not part of: say so, show nothing.
        empty = {
            "cooperation": cooperation,
            "debrief": debrief,
            "can_open": debrief is None and rules.can_open(agent, cooperation),
        }
        return render(request, "cooperations/debrief_none.html", empty)
    at_work = rules.can_see_draft(agent, debrief)
    context: dict[str, object] = {
        "cooperation": cooperation,
        "debrief": debrief,
        "themes": debrief.themes.all(),
        "sections": debrief.sections(),
        "at_work": at_work,
        "is_facilitator": rules.is_facilitator(agent),
        "can_contribute": rules.can_contribute(agent, debrief),
        "can_edit": rules.can_edit(agent, debrief),
        "can_invite": rules.can_invite(agent, debrief),
        "can_remark": rules.can_remark(agent, debrief),
        "my_contribution": debrief.contributions.filter(author=agent).first(),
    }
    if at_work:
        context.update(
            {
                "contributions": debrief.contributions.select_related("author").prefetch_related(
                    "themes"
                ),
                "invitations": debrief.invitations.select_related("agent"),
                "revisions": debrief.revisions.select_related("by").order_by("-number"),
                "history": services.debrief_history(debrief),
                "comments": comments_for(debrief),
                "remark_form": RemarkForm(),
            }
        )
    if context["can_invite"]:
        context["invite_form"] = InviteForm(suggestions=services.invite_suggestions(debrief))
    return render(request, "cooperations/debrief.html", context)


@login_required
@require_POST
def debrief_open(request: AgentRequest, pk: int) -> HttpResponse:
    cooperation = _get_cooperation(pk)
    if not rules.is_facilitator(request.user):
        raise PermissionDenied
    try:
        services.debrief_open(cooperation=cooperation, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("The debrief is open. Invite the people involved to contribute.")
        )
    return redirect("cooperations:debrief", cooperation.pk)


@login_required
@require_POST
def debrief_invite(request: AgentRequest, pk: int) -> HttpResponse:
    debrief = _get_debrief_for_view(request, pk)
    if not rules.is_facilitator(request.user):
        raise PermissionDenied
    form = InviteForm(request.POST, suggestions=services.invite_suggestions(debrief))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(debrief)
    try:
        created = services.debrief_invite(debrief=debrief, agents=form.agents(), by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if created:
            messages.success(
                request,
                _("Invitation sent to: %(names)s.")
                % {"names": ", ".join(str(i.agent) for i in created)},
            )
        else:
            messages.info(request, _("These people were already invited."))
    return redirect(debrief)


@login_required
def debrief_contribute(request: AgentRequest, pk: int) -> HttpResponse:
    debrief = _get_debrief_for_view(request, pk)
    if debrief.status == DebriefStatus.PUBLISHED:
        messages.error(request, _("This debrief is published: contributions are closed."))
        return redirect(debrief)
    if not rules.can_contribute(request.user, debrief):
        raise PermissionDenied
    mine = debrief.contributions.filter(author=request.user).first()
    initial: dict[str, object] = (
        {**mine.content(), "themes": list(mine.themes.all())}
        if mine
        else {"themes": list(debrief.themes.all())}
    )
    form = DebriefForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.debrief_contribute(debrief=debrief, author=request.user, data=form.to_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you: your contribution is saved. You can rework it until the debrief is "
                  "published."),
            )  # fmt: skip
            return redirect(debrief)
    context = {"debrief": debrief, "cooperation": debrief.cooperation, "form": form, "mine": mine}
    return render(request, "cooperations/debrief_contribute.html", context)


def _from_contributions(debrief: Debrief) -> dict[str, object]:
    """A first consolidated text: every contribution's answer, under its author's name, for the
    facilitator to rework. Only while nothing has been written."""
    contributions = list(debrief.contributions.select_related("author").prefetch_related("themes"))
    initial: dict[str, object] = {
        name: "\n\n".join(
            f"— {c.author}: {getattr(c, name)}" for c in contributions if getattr(c, name)
        )
        for name in FIELD_NAMES
    }
    themes = {t.pk: t for t in debrief.themes.all()}
    for contribution in contributions:
        themes.update({t.pk: t for t in contribution.themes.all()})
    initial["themes"] = list(themes.values())
    return initial


@login_required
def debrief_edit(request: AgentRequest, pk: int) -> HttpResponse:
    debrief = _get_debrief_for_view(request, pk)
    if not rules.is_facilitator(request.user):
        raise PermissionDenied
    if debrief.status == DebriefStatus.PUBLISHED:
        messages.error(request, _("This debrief is published: put it back to draft to edit it."))
        return redirect(debrief)
    if debrief.version:
        initial: dict[str, object] = {**debrief.content(), "themes": list(debrief.themes.all())}
    else:
        initial = _from_contributions(debrief)
    initial["version"] = debrief.version
    form = ConsolidatedForm(request.POST or None, initial=initial)
    context: dict[str, object] = {"debrief": debrief, "cooperation": debrief.cooperation}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.debrief_edit(
                debrief=debrief,
                by=request.user,
                data=form.to_data(),
                version=form.cleaned_data["version"],
            )
        except services.DebriefConflict as exc:
            # Nothing lost: the sender's text stays in the form, which now carries the current
            # version, so that saving again (after comparing) is a deliberate choice.
            data = request.POST.copy()
            data["version"] = str(exc.current.version)
            form = ConsolidatedForm(data, initial=initial)
            form.is_valid()
            form.add_error(None, exc.messages[0])
            context["conflict"] = _conflict_view(exc.current, form)
            status = 409
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The consolidated text is saved."))
            return redirect(debrief)
    contributions = debrief.contributions.select_related("author")
    context.update({"form": form, "contributions": contributions})
    return render(request, "cooperations/debrief_edit.html", context, status=status)


def _conflict_view(current: Debrief, form: ConsolidatedForm) -> dict[str, object]:
    """What the colleague saved, and how it differs from the sender's text, field by field."""
    mine = {name: (form.data.get(name) or "").replace("\r\n", "\n").strip() for name in FIELD_NAMES}
    saved = current.content()
    fields = [
        services.FieldDiff(
            name=name, label=str(label), pieces=services.word_diff(mine[name], saved[name])
        )
        for name, label, _question in DEBRIEF_FIELDS
        if mine[name] or saved[name]
    ]
    last = current.revisions.select_related("by").order_by("-number").first()
    return {
        "version": current.version,
        "by": last.by if last else None,
        "at": last.at if last else None,
        "fields": [f for f in fields if f.changed],
        "themes": list(current.themes.all()),
    }


@login_required
@require_POST
def debrief_status(request: AgentRequest, pk: int) -> HttpResponse:
    debrief = _get_debrief_for_view(request, pk)
    if not rules.can_change_status(request.user, debrief):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the debrief."))
        return redirect(debrief)
    action = form.cleaned_data["action"]
    steps = {
        "review": (services.debrief_submit_for_review, _("Submitted for review: the people involved are asked to read it.")),
        "publish": (services.debrief_publish, _("The debrief is published: every agent can read it.")),
        "draft": (services.debrief_back_to_draft, _("The debrief is back to draft.")),
    }  # fmt: skip
    service, success = steps[action]
    try:
        service(debrief=debrief, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, success)
    return redirect(debrief)


@login_required
@require_POST
def debrief_remark(request: AgentRequest, pk: int) -> HttpResponse:
    debrief = _get_debrief_for_work(request, pk)
    if not rules.can_remark(request.user, debrief):
        raise PermissionDenied
    form = RemarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A remark cannot be empty."))
        return redirect(debrief)
    try:
        comment_create(
            author=request.user, target=debrief, body=form.cleaned_data["body"],
            url=debrief.get_absolute_url(),
        )  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your remark is sent to the people at work on the debrief."))
    return redirect(debrief)


@login_required
def debrief_revision(request: AgentRequest, pk: int, number: int) -> HttpResponse:
    debrief = _get_debrief_for_work(request, pk)
    revision = get_object_or_404(
        DebriefRevision.objects.select_related("by"), debrief=debrief, number=number
    )
    compare = request.GET.get("from", "")
    base_number = int(compare) if compare.isdigit() else number - 1
    before = (
        DebriefRevision.objects.filter(debrief=debrief, number=base_number).first()
        if base_number != number
        else None
    )
    fields, themes_added, themes_removed = services.revisions_diff(before, revision)
    names = {t.slug: str(t) for t in Theme.objects.filter(slug__in=themes_added + themes_removed)}
    context = {
        "debrief": debrief,
        "cooperation": debrief.cooperation,
        "revision": revision,
        "before": before,
        "fields": fields,
        "themes_added": [names.get(s, s) for s in themes_added],
        "themes_removed": [names.get(s, s) for s in themes_removed],
        "revisions": debrief.revisions.select_related("by").order_by("-number"),
    }
    return render(request, "cooperations/debrief_revision.html", context)
