"""Pages of the workshops: the list (the module's home), creating and editing a workshop, its
page, opening and closing it, its structure (axes and steps), who takes part, and the guests'
secret links. The board, the roadmap and the report have views of their own (board_views.py,
roadmap_views.py, report_views.py).

Thin views: permission first, then the form, the service, and render or redirect. A guest, who
has no account, reaches the pages of their own workshop only (`rules.guest_or_login_required`, then
rules.viewer, which answers 404 for any other workshop).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest, HtmxRequest
from riposte.core.markdown import render_markdown
from riposte.core.pagination import CappedPaginator
from riposte.workshops import queries, rules, services
from riposte.workshops.forms import (
    GuestForm,
    MoveForm,
    TitleForm,
    WorkshopFiltersForm,
    WorkshopForm,
)
from riposte.workshops.models import Axis, Participant, Step, Workshop, WorkshopStatus
from riposte.workshops.models.workshop import PITCH_MAX

PAGE_SIZE = 20
# A guest's key is 32 characters (secrets.token_urlsafe(24)); anything much longer is not one.
GUEST_KEY_MAX = 100


def board_url(workshop_id: int) -> str:
    return reverse("workshops:board", args=[workshop_id])


def _workshop(pk: int) -> Workshop:
    return get_object_or_404(Workshop, pk=pk)


def _workshop_to_run(request: AgentRequest, pk: int) -> Workshop:
    """The workshop, for one of its facilitators (or an administrator) only."""
    workshop = _workshop(pk)
    if not rules.facilitates(request.user, workshop):
        raise PermissionDenied
    return workshop


def _structure(workshop: Workshop) -> list[Axis]:
    return list(
        workshop.axes.prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("position", "id"))
        )
    )


# --- the list ----------------------------------------------------------------------------------


@login_required
def workshop_list(request: AgentRequest) -> HttpResponse:
    """Live workshops first, then those coming up (soonest first), then the past ones (latest
    first, by pages: they pile up over the years; the others are a handful at a time)."""
    form = WorkshopFiltersForm(request.GET or None)
    q, status = form.filters()
    found = queries.workshops_list(q=q, status=status).prefetch_related("facilitators")
    shown = [status] if status else list(WorkshopStatus.values)
    live = (
        list(found.filter(status=WorkshopStatus.LIVE).order_by("held_on", "id"))
        if WorkshopStatus.LIVE in shown
        else []
    )
    upcoming = (
        list(found.filter(status=WorkshopStatus.PREPARING).order_by("held_on", "id"))
        if WorkshopStatus.PREPARING in shown
        else []
    )
    past = None
    if WorkshopStatus.CLOSED in shown:
        closed = found.filter(status=WorkshopStatus.CLOSED).order_by("-held_on", "-id")
        past = CappedPaginator(closed, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "live": live,
        "upcoming": upcoming,
        "past": past,
        "filtered": bool(q or status),
        "query_string": query_string.urlencode(),
        "can_create": rules.can_create(request.user),
    }
    if request.htmx:
        return render(request, "workshops/list.html#results", context)
    return render(request, "workshops/list.html", context)


# --- creating and editing ----------------------------------------------------------------------


def _typed(post: QueryDict) -> dict[str, Any]:
    """What was typed in the form, as the initial values of an unbound one: a preview shows the
    form again without the errors of fields not filled in yet."""
    initial: dict[str, Any] = {
        name: post.get(name) for name in post if name != "csrfmiddlewaretoken"
    }
    initial["facilitators"] = post.getlist("facilitators")
    initial["template"] = "template" in post
    return initial


def _form_page(
    request: AgentRequest, workshop: Workshop | None, initial: dict[str, Any]
) -> tuple[WorkshopForm, dict[str, Any]]:
    """The form, bound unless the pitch is being previewed, and the page's context."""
    previewing = request.method == "POST" and "preview" in request.POST
    creating = workshop is None
    if previewing:
        form = WorkshopForm(initial=_typed(request.POST), creating=creating, by=request.user)
    else:
        form = WorkshopForm(
            request.POST or None, initial=initial, creating=creating, by=request.user
        )
    pitch = request.POST.get("pitch", "")[:PITCH_MAX] if previewing else ""
    context = {
        "form": form,
        "workshop": workshop,
        "previewing": previewing,
        "preview": render_markdown(pitch) if previewing else "",
    }
    return form, context


def _form_response(request: AgentRequest, context: dict[str, Any]) -> HttpResponse:
    if request.htmx and context["previewing"]:
        return render(request, "workshops/form.html#preview", context)
    return render(request, "workshops/form.html", context)


@login_required
def workshop_new(request: AgentRequest) -> HttpResponse:
    if not rules.can_create(request.user):
        raise PermissionDenied
    form, context = _form_page(request, None, {"held_on": timezone.localdate()})
    if request.method == "POST" and not context["previewing"] and form.is_valid():
        try:
            workshop = services.workshop_create(
                by=request.user,
                data=form.to_data(),
                axes=form.cleaned_data["axes"],
                template=form.cleaned_data["template"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The workshop is created. Check its structure, invite the participants, then open the board on the day."
                ),
            )
            return redirect(workshop)
    return _form_response(request, context)


def _initial(workshop: Workshop) -> dict[str, Any]:
    return {
        "title": workshop.title,
        "group_name": workshop.group_name,
        "held_on": workshop.held_on,
        "place": workshop.place,
        "video_url": workshop.video_url,
        "pitch": workshop.pitch,
        "dots_per_participant": workshop.dots_per_participant,
        "facilitators": list(workshop.facilitators.values_list("pk", flat=True)),
    }


@login_required
def workshop_edit(request: AgentRequest, pk: int) -> HttpResponse:
    workshop = _workshop_to_run(request, pk)
    if workshop.is_closed:
        messages.error(request, _("This workshop is closed: nothing can be changed in it."))
        return redirect(workshop)
    form, context = _form_page(request, workshop, _initial(workshop))
    if request.method == "POST" and not context["previewing"] and form.is_valid():
        try:
            services.workshop_update(workshop=workshop, by=request.user, data=form.to_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The workshop is saved."))
            return redirect(workshop)
    return _form_response(request, context)


# --- the workshop's page -----------------------------------------------------------------------


@rules.guest_or_login_required
def workshop_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    viewer = rules.viewer(request, workshop)
    participants = list(workshop.participants.select_related("agent"))
    facilitators = list(workshop.facilitators.order_by("last_name", "first_name"))
    context = {
        "workshop": workshop,
        "viewer": viewer,
        "axes": _structure(workshop),
        "facilitators": facilitators,
        "facilitator_ids": {a.pk for a in facilitators},
        "participants": participants,
        "can_join": rules.can_join(viewer, workshop),
        "can_run": rules.can_facilitate(viewer, workshop),
        "board_url": board_url(workshop.pk),
        "roadmap_url": reverse("workshops:roadmap", args=[workshop.pk]),
        "report_url": reverse("workshops:report", args=[workshop.pk]),
    }
    return render(request, "workshops/detail.html", context)


@login_required
@require_POST
def workshop_status(request: AgentRequest, pk: int) -> HttpResponse:
    """Open the board (live) or close the workshop; a closed one does not reopen."""
    workshop = _workshop_to_run(request, pk)
    status = request.POST.get("status", "")
    if status not in (WorkshopStatus.LIVE, WorkshopStatus.CLOSED):
        messages.error(request, _("Unknown status."))
        return redirect(workshop)
    try:
        services.workshop_set_status(workshop=workshop, by=request.user, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if status == WorkshopStatus.LIVE:
            messages.success(request, _("The board is open: participants can post notes and vote."))
        else:
            messages.success(request, _("The workshop is closed: it is now read only."))
    return redirect(workshop)


# --- the structure: axes and steps -------------------------------------------------------------


@login_required
def structure(request: AgentRequest, pk: int) -> HttpResponse:
    workshop = _workshop_to_run(request, pk)
    if workshop.is_closed:
        messages.error(request, _("This workshop is closed: nothing can be changed in it."))
        return redirect(workshop)
    axes = _structure(workshop)
    notes = set(
        Step.objects.filter(axis__workshop=workshop, notes__isnull=False).values_list(
            "pk", flat=True
        )
    )
    milestones = set(
        Axis.objects.filter(workshop=workshop, milestones__isnull=False).values_list(
            "pk", flat=True
        )
    )
    context = {
        "workshop": workshop,
        "axes": axes,
        "steps_with_notes": notes,
        "axes_kept": {
            a.pk for a in axes if a.pk in milestones or any(s.pk in notes for s in a.steps.all())
        },
        "board_url": board_url(workshop.pk),
    }
    return render(request, "workshops/structure.html", context)


def _back_to(workshop: Workshop, anchor: str = "") -> HttpResponse:
    return redirect(reverse("workshops:structure", args=[workshop.pk]) + anchor)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _axis_to_run(request: AgentRequest, pk: int) -> Axis:
    axis = get_object_or_404(Axis.objects.select_related("workshop"), pk=pk)
    if not rules.facilitates(request.user, axis.workshop):
        raise PermissionDenied
    return axis


def _step_to_run(request: AgentRequest, pk: int) -> Step:
    step = get_object_or_404(Step.objects.select_related("axis__workshop"), pk=pk)
    if not rules.facilitates(request.user, step.axis.workshop):
        raise PermissionDenied
    return step


def _title(request: AgentRequest) -> str | None:
    """The title posted, or None after saying what is wrong with it."""
    form = TitleForm(request.POST)
    if form.is_valid():
        return str(form.cleaned_data["title"])
    messages.error(request, " ".join(str(e) for e in form.errors["title"]))
    return None


@login_required
@require_POST
def axis_add(request: AgentRequest, pk: int) -> HttpResponse:
    workshop = _workshop_to_run(request, pk)
    title = _title(request)
    if title is None:
        return _back_to(workshop, "#axis-add")
    try:
        axis = services.axis_add(workshop=workshop, by=request.user, title=title)
    except ValidationError as exc:
        _refused(request, exc)
        return _back_to(workshop, "#axis-add")
    messages.success(
        request, _("The axis “%(title)s” is added, with the three steps.") % {"title": axis.title}
    )
    return _back_to(workshop, f"#axis-{axis.pk}")


@login_required
@require_POST
def axis_rename(request: AgentRequest, pk: int) -> HttpResponse:
    axis = _axis_to_run(request, pk)
    title = _title(request)
    if title is not None:
        try:
            services.axis_rename(axis=axis, by=request.user, title=title)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The axis is renamed."))
    return _back_to(axis.workshop, f"#axis-{axis.pk}")


@login_required
@require_POST
def axis_move(request: AgentRequest, pk: int) -> HttpResponse:
    axis = _axis_to_run(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.axis_move(axis=axis, by=request.user, offset=form.offset)
        except ValidationError as exc:
            _refused(request, exc)
    return _back_to(axis.workshop, f"#axis-{axis.pk}")


@login_required
@require_POST
def axis_delete(request: AgentRequest, pk: int) -> HttpResponse:
    axis = _axis_to_run(request, pk)
    try:
        services.axis_delete(axis=axis, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return _back_to(axis.workshop, f"#axis-{axis.pk}")
    messages.success(request, _("The axis “%(title)s” is deleted.") % {"title": axis.title})
    return _back_to(axis.workshop)


@login_required
@require_POST
def step_add(request: AgentRequest, pk: int) -> HttpResponse:
    axis = _axis_to_run(request, pk)
    title = _title(request)
    if title is not None:
        try:
            step = services.step_add(axis=axis, by=request.user, title=title)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The step “%(title)s” is added.") % {"title": step.title})
            return _back_to(axis.workshop, f"#step-{step.pk}")
    return _back_to(axis.workshop, f"#axis-{axis.pk}")


@login_required
@require_POST
def step_rename(request: AgentRequest, pk: int) -> HttpResponse:
    step = _step_to_run(request, pk)
    title = _title(request)
    if title is not None:
        try:
            services.step_rename(step=step, by=request.user, title=title)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The step is renamed."))
    return _back_to(step.axis.workshop, f"#step-{step.pk}")


@login_required
@require_POST
def step_move(request: AgentRequest, pk: int) -> HttpResponse:
    step = _step_to_run(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.step_move(step=step, by=request.user, offset=form.offset)
        except ValidationError as exc:
            _refused(request, exc)
    return _back_to(step.axis.workshop, f"#step-{step.pk}")


@login_required
@require_POST
def step_delete(request: AgentRequest, pk: int) -> HttpResponse:
    step = _step_to_run(request, pk)
    try:
        services.step_delete(step=step, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return _back_to(step.axis.workshop, f"#step-{step.pk}")
    messages.success(request, _("The step “%(title)s” is deleted.") % {"title": step.title})
    return _back_to(step.axis.workshop, f"#axis-{step.axis_id}")


# --- who takes part ----------------------------------------------------------------------------


# The secret link just made, kept in the (server-side) session between the POST and the page
# that shows it: the page shows it once, and reloading it neither shows it again nor invites
# the guest a second time.
NEW_LINK_SESSION_KEY = "workshop_new_guest_link"


def _participants_page(
    request: AgentRequest, workshop: Workshop, *, form: GuestForm | None = None
) -> HttpResponse:
    viewer = rules.viewer(request, workshop)
    link = request.session.pop(NEW_LINK_SESSION_KEY, None)
    if link is not None and link.get("workshop") != workshop.pk:
        link = None
    context = {
        "workshop": workshop,
        "viewer": viewer,
        "participants": list(workshop.participants.select_related("agent")),
        "facilitator_ids": set(workshop.facilitators.values_list("pk", flat=True)),
        "can_join": rules.can_join(viewer, workshop),
        "can_run": rules.can_facilitate(viewer, workshop),
        "form": form or GuestForm(),
        "link": link,
        "board_url": board_url(workshop.pk),
    }
    response = render(request, "workshops/participants.html", context)
    if link is not None:
        # No copy of the page with the link in a cache.
        add_never_cache_headers(response)
    return response


@login_required
def participants(request: AgentRequest, pk: int) -> HttpResponse:
    return _participants_page(request, _workshop(pk))


@login_required
@require_POST
def join(request: AgentRequest, pk: int) -> HttpResponse:
    """An agent joins by themselves (joining twice changes nothing)."""
    workshop = _workshop(pk)
    try:
        services.participant_join(workshop=workshop, agent=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("You take part in this workshop."))
    return redirect(workshop)


def _show_link_once(request: HttpRequest, participant: Participant, key: str) -> HttpResponse:
    request.session[NEW_LINK_SESSION_KEY] = {
        "workshop": participant.workshop_id,
        "name": participant.guest_name,
        "url": request.build_absolute_uri(reverse("workshops:guest", args=[key])),
    }
    return redirect(
        reverse("workshops:participants", args=[participant.workshop_id]) + "#guest-link"
    )


@login_required
@require_POST
def guest_invite(request: AgentRequest, pk: int) -> HttpResponse:
    """A facilitator invites a guest by name; the participants' page shows their secret link,
    this once."""
    workshop = _workshop_to_run(request, pk)
    form = GuestForm(request.POST)
    if not form.is_valid():
        return _participants_page(request, workshop, form=form)
    try:
        participant, key = services.guest_invite(
            workshop=workshop, by=request.user, name=form.cleaned_data["name"]
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return _participants_page(request, workshop, form=form)
    return _show_link_once(request, participant, key)


@login_required
@require_POST
def guest_renew(request: AgentRequest, pk: int) -> HttpResponse:
    """A new link for a guest who lost theirs (or whose link went astray): the old one stops
    opening the workshop at once."""
    participant = get_object_or_404(
        Participant.objects.select_related("workshop"), pk=pk, agent__isnull=True
    )
    workshop = participant.workshop
    if not rules.facilitates(request.user, workshop):
        raise PermissionDenied
    try:
        key = services.guest_key_renew(participant=participant, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("workshops:participants", workshop.pk)
    return _show_link_once(request, participant, key)


def guest_entry(request: HttpRequest, key: str) -> HttpResponse:
    """The guest's secret link: it opens their workshop's board in this browser, and nothing
    else. An unknown (or renewed) key says so, without telling which workshops exist."""
    participant = services.guest_for_key(key) if len(key) <= GUEST_KEY_MAX else None
    if participant is None:
        response = render(request, "workshops/guest_unknown.html", status=404)
        add_never_cache_headers(response)
        return response
    workshop = participant.workshop
    if request.user.is_authenticated:
        # An agent takes part as themselves: the link is someone else's seat.
        messages.info(
            request,
            _("You are logged in: you take part as yourself. This link is the guest %(name)s's.")
            % {"name": participant.guest_name},
        )
        return redirect(board_url(workshop.pk))
    guests = dict(request.session.get(rules.GUEST_SESSION_KEY) or {})
    guests[str(workshop.pk)] = rules.guest_seat(participant)
    # A new session key as the browser gains a seat: a key planted before cannot ride on it.
    request.session.cycle_key()
    request.session[rules.GUEST_SESSION_KEY] = guests
    return redirect(board_url(workshop.pk))
