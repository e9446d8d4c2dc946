"""Pages of the roadmap: a workshop's milestones by axis and horizon, a milestone's page (edit,
status, what it becomes), and the milestones of all workshops, what is late first.

Thin views: permission first, then the form, the service (milestones.py), and redirect back to
the roadmap at the milestone (`#milestone-<id>`) with a message that says what happened. Moving
works without JavaScript (a select of the horizon, up and down buttons); roadmap.js adds drag
and drop, which fills in and sends the same form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest, HtmxRequest
from riposte.core.pagination import CappedPaginator
from riposte.directory.models import Role
from riposte.initiatives import rules as initiative_rules
from riposte.workshops import board, milestones, roadmap_queries, rules
from riposte.workshops.models import Axis, Horizon, Milestone, Note, Workshop
from riposte.workshops.roadmap_forms import (
    HorizonForm,
    MilestoneAddForm,
    MilestoneForm,
    MilestoneMoveForm,
    NormKindForm,
    RoadmapFiltersForm,
    StatusForm,
    milestone_initial,
)

PAGE_SIZE = 30


def _milestone(pk: int) -> tuple[Milestone, Workshop]:
    milestone = get_object_or_404(
        Milestone.objects.select_related("axis__workshop", *roadmap_queries.RELATED), pk=pk
    )
    return milestone, milestone.axis.workshop


def _at(milestone: Milestone) -> HttpResponseRedirect:
    url = reverse("workshops:roadmap", args=[milestone.axis.workshop_id])
    return redirect(f"{url}#milestone-{milestone.pk}")


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _became(milestone: Milestone, agent: Any) -> list[dict[str, str]]:
    """What the milestone became, as links for this reader (a draft initiative is its authors'
    own: others see that there is one, without its title)."""
    links = []
    if milestone.initiative is not None:
        visible = initiative_rules.can_view(agent, milestone.initiative)
        links.append({
            "kind": _("Became the initiative:"),
            "title": milestone.initiative.title if visible else _("a draft, not submitted yet"),
            "url": milestone.initiative.get_absolute_url() if visible else "",
        })  # fmt: skip
    if milestone.norm is not None:
        links.append({"kind": _("Became the norm to debate:"), "title": milestone.norm.title,
                      "url": milestone.norm.get_absolute_url()})  # fmt: skip
    if milestone.cooperation is not None:
        links.append({"kind": _("Became the cooperation:"), "title": milestone.cooperation.title,
                      "url": milestone.cooperation.get_absolute_url()})  # fmt: skip
    return links


# --- one workshop's roadmap ---------------------------------------------------------------------


@rules.guest_or_login_required
def roadmap(request: HtmxRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=pk)
    viewer = rules.viewer(request, workshop)
    agent = viewer.agent
    can_plan = agent is not None and milestones.can_plan(agent, workshop)
    axes = roadmap_queries.roadmap_of(workshop, with_notes=can_plan)
    today = timezone.localdate()
    for axis in axes:
        for column in axis.columns:
            for m in column.milestones:
                m.late = m.is_late(today)  # type: ignore[attr-defined]
                m.became = _became(m, agent) if agent is not None else []  # type: ignore[attr-defined]
    context = {
        "workshop": workshop,
        "viewer": viewer,
        "axes": axes,
        "horizons": Horizon.choices,
        "can_plan": can_plan,
        "can_track": agent is not None and milestones.can_track(agent, workshop),
        "add_form": MilestoneAddForm(),
    }
    return render(request, "workshops/roadmap.html", context)


@login_required
@require_POST
def milestone_add(request: AgentRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=pk)
    if not rules.facilitates(request.user, workshop):
        raise PermissionDenied
    axis_id = request.POST.get("axis", "")
    if not (axis_id.isascii() and axis_id.isdigit()) or len(axis_id) > 18:
        raise Http404
    axis = get_object_or_404(Axis, pk=int(axis_id), workshop=workshop)
    back = reverse("workshops:roadmap", args=[workshop.pk])
    form = MilestoneAddForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, _("%(field)s: %(error)s") % {"field": form[name].label, "error": error}
                )
        return redirect(f"{back}#axis-{axis.pk}")
    try:
        milestone = milestones.milestone_add(axis=axis, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(f"{back}#axis-{axis.pk}")
    messages.success(request, _("The milestone is on the roadmap."))
    return _at(milestone)


@login_required
@require_POST
def milestone_from_note(request: AgentRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Note.objects.select_related("step__axis__workshop"), pk=pk)
    workshop = note.step.axis.workshop
    if not rules.facilitates(request.user, workshop):
        raise PermissionDenied
    form = HorizonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a horizon."))
        return redirect("workshops:roadmap", workshop.pk)
    try:
        milestone = milestones.milestone_from_note(
            note=note, by=request.user, horizon=form.cleaned_data["horizon"]
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("workshops:roadmap", workshop.pk)
    messages.success(request, _("The note is now a milestone."))
    return _at(milestone)


@login_required
@require_POST
def milestone_move(request: AgentRequest, pk: int) -> HttpResponse:
    milestone, workshop = _milestone(pk)
    if not rules.facilitates(request.user, workshop):
        raise PermissionDenied
    form = MilestoneMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This move is not possible."))
        return _at(milestone)
    d = form.cleaned_data
    try:
        if d["offset"] is not None:
            moved = milestones.milestone_move(milestone=milestone, by=request.user,
                                              offset=d["offset"])  # fmt: skip
        else:
            moved = milestones.milestone_move(milestone=milestone, by=request.user,
                                              horizon=d["horizon"] or None, position=d["position"])  # fmt: skip
    except ValidationError as exc:
        _refused(request, exc)
        return _at(milestone)
    messages.success(
        request,
        _("“%(title)s” is now at position %(n)s of “%(horizon)s”.")
        % {"title": moved.title, "n": moved.position + 1, "horizon": Horizon(moved.horizon).label},
    )
    return _at(moved)


# --- a milestone's page -------------------------------------------------------------------------


@rules.guest_or_login_required
def milestone_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    """The milestone: what it says and where it comes from; its form for the facilitators, its
    status for its owner; what it became, and the buttons that turn it into tracked work."""
    milestone, workshop = _milestone(pk)
    viewer = rules.viewer(request, workshop)
    agent = viewer.agent
    can_track = agent is not None and milestones.can_track(agent, workshop)
    form = None
    conflict = None
    status = 200
    if request.method == "POST":
        if not can_track:
            raise PermissionDenied
        form = MilestoneForm(request.POST, workshop=workshop, current=milestone.owner)
        if form.is_valid():
            try:
                milestones.milestone_edit(milestone=milestone, by=agent, data=form.to_data(),
                                          version=form.cleaned_data["version"])  # fmt: skip
            except milestones.MilestoneConflict as exc:
                # Nothing lost: what was typed stays in the form, which now carries the current
                # version, so that saving again (after comparing) is a deliberate choice.
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = MilestoneForm(data, workshop=workshop, current=exc.current.owner)
                form.is_valid()
                form.add_error(None, exc.messages[0])
                conflict = exc.current
                status = 409
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The milestone is saved."))
                return redirect("workshops:milestone", milestone.pk)
    elif can_track:
        form = MilestoneForm(initial=milestone_initial(milestone), workshop=workshop,
                             current=milestone.owner)  # fmt: skip
    context = {
        "workshop": workshop,
        "milestone": milestone,
        "viewer": viewer,
        "form": form,
        "conflict": conflict,
        "is_late": milestone.is_late(timezone.localdate()),
        # The note as it is now: hidden again since, it shows only to whom the board shows it.
        "source_note": milestone.source_note
        if milestone.source_note is not None and board.may_see(viewer, milestone.source_note)
        else None,
        "became": _became(milestone, agent) if agent is not None else [],
        "can_track": can_track,
        "can_set_status": agent is not None
        and milestones.can_set_status(agent, milestone, workshop),
        "status_form": StatusForm(initial={"status": milestone.status}),
        "kind_form": NormKindForm(),
    }
    return render(request, "workshops/milestone.html", context, status=status)


def _act(request: AgentRequest, pk: int, action: Callable[[Milestone], Any], success: str,
         allowed: Callable[[Any, Milestone, Workshop], bool]) -> HttpResponse:  # fmt: skip
    milestone, workshop = _milestone(pk)
    if not allowed(request.user, milestone, workshop):
        raise PermissionDenied
    try:
        action(milestone)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, success)
    return redirect(_next(request, milestone))


def _next(request: AgentRequest, milestone: Milestone) -> str:
    """Back where the button was: the roadmap across workshops, or the milestone's page."""
    nxt = request.POST.get("next", "")
    if nxt.startswith(reverse("workshops:roadmap-all")) and "//" not in nxt and "\\" not in nxt:
        return f"{nxt.split('#')[0]}#milestone-{milestone.pk}"
    return reverse("workshops:milestone", args=[milestone.pk])


@login_required
@require_POST
def milestone_status(request: AgentRequest, pk: int) -> HttpResponse:
    form = StatusForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda m: milestones.milestone_set_status(milestone=m, by=request.user, status=status),
        _("The status is saved."),
        milestones.can_set_status,
    )


@login_required
@require_POST
def milestone_to_initiative(request: AgentRequest, pk: int) -> HttpResponse:
    milestone, workshop = _milestone(pk)
    if not milestones.can_track(request.user, workshop):
        raise PermissionDenied
    had = milestone.initiative_id
    initiative = milestones.milestone_to_initiative(milestone=milestone, by=request.user)
    if had:
        messages.info(request, _("This milestone already became this initiative."))
    else:
        messages.success(
            request,
            _("A draft initiative is written from the milestone: complete it, then submit it."),
        )
    return redirect(initiative)


@login_required
@require_POST
def milestone_to_norm(request: AgentRequest, pk: int) -> HttpResponse:
    milestone, workshop = _milestone(pk)
    if not milestones.can_track(request.user, workshop):
        raise PermissionDenied
    form = NormKindForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    had = milestone.norm_id
    try:
        norm = milestones.milestone_to_norm(milestone=milestone, by=request.user, kind=kind)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("workshops:milestone", milestone.pk)
    if had:
        messages.info(request, _("This milestone already became this norm."))
    else:
        messages.success(request, _("The norm is in the register, proposed for debate."))
    return redirect(norm)


@login_required
def milestone_to_cooperation(request: AgentRequest, pk: int) -> HttpResponse:
    """A cooperation needs its actors and dates: the cooperation form opens with the milestone's
    title, and links the two when it is saved (riposte/cooperations/hooks.py). A milestone
    already mapped leads to its cooperation."""
    milestone, workshop = _milestone(pk)
    if not milestones.can_track(request.user, workshop):
        raise PermissionDenied
    if milestone.cooperation is not None:
        messages.info(request, _("This milestone already became this cooperation."))
        return redirect(milestone.cooperation)
    query = urlencode({"from": f"milestone:{milestone.pk}"})
    return redirect(f"{reverse('cooperations:new')}?{query}")


# --- the roadmap across workshops ---------------------------------------------------------------


@login_required
def roadmap_all(request: AgentRequest) -> HttpResponse:
    today = timezone.localdate()
    form = RoadmapFiltersForm(request.GET or None)
    filters = form.filters(request.user)
    rows = roadmap_queries.milestones_across(filters, today=today)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # The status buttons, for the milestones this agent carries or whose workshop they run.
    facilitated = set(request.user.workshops_facilitated.values_list("pk", flat=True))
    is_admin = request.user.role == Role.ADMIN
    for m in page.object_list:
        m.can_set_status = (  # type: ignore[attr-defined]
            m.owner_id == request.user.pk or is_admin or m.axis.workshop_id in facilitated
        )
        m.became = _became(m, request.user)  # type: ignore[attr-defined]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "today": today,
        "query_string": query_string.urlencode(),
        "here": request.get_full_path(),
        "status_form": StatusForm(),
        "my_late": roadmap_queries.late_count(request.user, today=today),
    }
    return render(request, "workshops/roadmap_all.html", context)
