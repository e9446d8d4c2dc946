"""Pages of the cooperations module: the list (the module's home), a cooperation, its form,
the emergencies and the facilitators' queue. Actors have theirs in actor_views.py.

Thin views: permission first, then the form, the service, and render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from riposte.cooperations import hooks, queries, rules, services
from riposte.cooperations.forms import (
    CooperationFiltersForm,
    CooperationForm,
    EventForm,
    QuickActorForm,
    roles_from,
)
from riposte.cooperations.models import Cooperation, CooperationStatus, Event
from riposte.core.comments import comment_create, comments_for
from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest
from riposte.core.pagination import CappedPaginator
from riposte.core.permissions import role_required
from riposte.directory.models import Role
from riposte.initiatives.forms import CommentForm

PAGE_SIZE = 20


def _get_cooperation(request: AgentRequest, pk: int) -> Cooperation:
    cooperation = get_object_or_404(
        Cooperation.objects.select_related("event", "created_by", "suggested_from"), pk=pk
    )
    if not rules.can_see_cooperation(request.user, cooperation):
        raise Http404  # a suggestion is the facilitators' work item until confirmed
    return cooperation


def _get_cooperation_for_edit(request: AgentRequest, pk: int) -> Cooperation:
    cooperation = _get_cooperation(request, pk)
    if not rules.can_edit_cooperation(request.user, cooperation):
        raise PermissionDenied
    return cooperation


@login_required
def cooperation_list(request: AgentRequest) -> HttpResponse:
    form = CooperationFiltersForm(request.GET or None)
    listed = queries.cooperations_list(form.to_filters())
    page = CappedPaginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    queries.with_actors(page.object_list)  # type: ignore[arg-type]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query_string.urlencode(),
        "is_facilitator": request.user.is_facilitator,
    }
    if request.htmx:
        return render(request, "cooperations/list.html#results", context)
    return render(request, "cooperations/list.html", context)


@login_required
def cooperation_detail(request: AgentRequest, pk: int) -> HttpResponse:
    cooperation = _get_cooperation(request, pk)
    agent = request.user
    participations = cooperation.participations.select_related("actor", "actor__commune")
    context = {
        "cooperation": cooperation,
        "participations": participations,
        "new_pairs": services.new_pairs(cooperation) if cooperation.is_unprecedented else [],
        "themes": cooperation.themes.all(),
        "initiatives": cooperation.initiatives.filter(submitted_at__isnull=False),
        "comments": comments_for(cooperation),
        "comment_form": CommentForm(),
        "can_edit": rules.can_edit_cooperation(agent, cooperation),
        "can_confirm": rules.can_confirm_cooperation(agent)
        and cooperation.status == CooperationStatus.SUGGESTED,
        "can_delete": rules.can_delete_cooperation(agent)
        and cooperation.status != CooperationStatus.DECLINED,
        "declined": queries.declined_entry(cooperation),
    }
    return render(request, "cooperations/detail.html", context)


@login_required
def cooperation_new(request: AgentRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
def cooperation_edit(request: AgentRequest, pk: int) -> HttpResponse:
    return _edit(request, _get_cooperation_for_edit(request, pk))


def _initial(cooperation: Cooperation) -> dict[str, Any]:
    return {
        "title": cooperation.title,
        "description": cooperation.description,
        "started_on": cooperation.started_on,
        "ended_on": cooperation.ended_on,
        "event": cooperation.event,
        "actors": [p.actor_id for p in cooperation.participations.all()],
        "themes": list(cooperation.themes.all()),
        "initiatives": list(cooperation.initiatives.all()),
    }


def _as_initial(post: QueryDict) -> dict[str, Any]:
    """What was typed, to show it again in a form that is not checked yet."""
    multiple = {"actors", "themes", "initiatives"}
    return {k: post.getlist(k) if k in multiple else post.get(k) for k in post}


def _origin(request: AgentRequest, cooperation: Cooperation | None) -> hooks.Origin | None:
    """What a new cooperation is started from (a workshop's milestone), if anything: hooks.py."""
    if cooperation is not None:
        return None
    return hooks.origin_for(request.POST.get("from") or request.GET.get("from"), request.user)


def _edit(request: AgentRequest, cooperation: Cooperation | None) -> HttpResponse:
    roles: dict[int, str] = {}
    if request.method == "POST":
        roles = roles_from(request.POST)
    elif cooperation is not None:
        roles = {p.actor_id: p.role for p in cooperation.participations.all()}
    # A name typed in "propose it" is proposed first, whichever button was pressed (Enter in a
    # text box presses the first one): the form comes back with the actor chosen, to save then.
    if request.method == "POST" and request.POST.get("new_actor_name", "").strip():
        return _propose_actor(request, cooperation, roles)
    origin = _origin(request, cooperation)
    initial = _initial(cooperation) if cooperation else {"title": origin.title} if origin else {}
    form = CooperationForm(request.POST or None, initial=initial, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            if cooperation is None:
                # The cooperation and its origin's link are one write: neither without the other.
                with transaction.atomic():
                    created = services.cooperation_create(by=request.user, data=form.to_data())
                    if origin is not None:
                        origin.link(created, request.user)
                cooperation = created
                messages.success(request, _("The cooperation is recorded. Thank you!"))
            else:
                cooperation = services.cooperation_update(
                    cooperation=cooperation, by=request.user, data=form.to_data()
                )
                messages.success(request, _("The cooperation is saved."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(cooperation)
    return _render_form(request, cooperation, form, QuickActorForm(prefix=None), roles, origin)


def _propose_actor(
    request: AgentRequest, cooperation: Cooperation | None, roles: dict[int, str]
) -> HttpResponse:
    """ "This actor is not in the list: propose it", without losing the rest of the form: the
    actor is proposed (or the existing one of that name is found) and added to the choice."""
    quick = QuickActorForm(request.POST)
    initial = _as_initial(request.POST)
    if quick.is_valid():
        data = quick.to_data()
        known = services.actor_duplicates(name=data.name)
        try:
            with transaction.atomic():
                actor = known[0] if known else services.actor_propose(by=request.user, data=data)
        except ValidationError as exc:
            add_errors(quick, exc)
        else:
            initial["actors"] = [*initial.get("actors", []), str(actor.pk)]
            if known:
                message = _("“%(name)s” was already known: it is now among the chosen actors.")
            else:
                message = _(
                    "“%(name)s” is proposed (a facilitator will check it) and among the chosen "
                    "actors."
                )
            messages.success(request, message % {"name": actor.name})
            quick = QuickActorForm()
    for name in ("new_actor_name", "new_actor_kind", "new_actor_commune", "from"):
        initial.pop(name, None)
    form = CooperationForm(initial=initial, roles=roles)
    return _render_form(request, cooperation, form, quick, roles, _origin(request, cooperation))


def _render_form(
    request: AgentRequest,
    cooperation: Cooperation | None,
    form: CooperationForm,
    quick: QuickActorForm,
    roles: dict[int, str],
    origin: hooks.Origin | None = None,
) -> HttpResponse:
    chosen = [str(v) for v in (form["actors"].value() or []) if str(v).isdigit()]
    chosen_actors = {str(a.pk): a for a in queries.actor_choices().filter(pk__in=chosen)}
    context = {
        "cooperation": cooperation,
        "form": form,
        "quick": quick,
        "origin": origin,
        # The role inputs of the chosen actors (the picker adds them as actors are chosen).
        "role_rows": [
            (chosen_actors[pk], roles.get(int(pk), "")) for pk in chosen if pk in chosen_actors
        ],
    }
    return render(request, "cooperations/form.html", context)


def _act(request: AgentRequest, action: Any, success: str) -> bool:
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@role_required(Role.FACILITATOR)
@require_POST
def cooperation_confirm(request: AgentRequest, pk: int) -> HttpResponse:
    cooperation = _get_cooperation(request, pk)
    _act(
        request,
        lambda: services.cooperation_confirm(cooperation=cooperation, by=request.user),
        _("The cooperation is confirmed: it now counts on the map and in the graph."),
    )
    if request.POST.get("from") == "queue":
        return redirect("cooperations:queue")
    return redirect(cooperation)


@role_required(Role.FACILITATOR)
@require_POST
def cooperation_decline(request: AgentRequest, pk: int) -> HttpResponse:
    """Turn a suggestion down: it leaves the queue and is never suggested again."""
    cooperation = _get_cooperation(request, pk)
    _act(
        request,
        lambda: services.cooperation_decline(cooperation=cooperation, by=request.user),
        _("The suggestion is turned down; it will not come back."),
    )
    if request.POST.get("from") == "queue":
        return redirect("cooperations:queue")
    return redirect(cooperation)


@role_required(Role.FACILITATOR)
def cooperation_delete(request: AgentRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (a suggestion is turned down, not deleted)."""
    cooperation = _get_cooperation(request, pk)
    if cooperation.status == CooperationStatus.DECLINED:
        messages.error(
            request,
            _("This suggestion was turned down: it is kept so that it is not suggested again."),
        )
        return redirect(cooperation)
    if request.method != "POST":
        return render(request, "cooperations/delete.html", {"cooperation": cooperation})
    suggested = cooperation.status == CooperationStatus.SUGGESTED
    try:
        services.cooperation_delete(cooperation=cooperation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(cooperation)
    if suggested:
        messages.success(request, _("The suggestion is turned down; it will not come back."))
    else:
        messages.success(request, _("The cooperation is deleted."))
    if request.POST.get("from") == "queue":
        return redirect("cooperations:queue")
    return redirect("cooperations:list")


@login_required
@require_POST
def cooperation_comment(request: AgentRequest, pk: int) -> HttpResponse:
    cooperation = _get_cooperation(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A comment cannot be empty."))
        return redirect(cooperation)
    _act(
        request,
        lambda: comment_create(
            author=request.user, target=cooperation, body=form.cleaned_data["body"],
            url=cooperation.get_absolute_url(),
        ),
        _("Your comment is published."),
    )  # fmt: skip
    return redirect(cooperation)


# --- emergencies -------------------------------------------------------------------------------


@login_required
def event_list(request: AgentRequest) -> HttpResponse:
    events = Event.objects.all()
    counts = dict(
        Cooperation.objects.filter(status=CooperationStatus.CONFIRMED, event__isnull=False)
        .values_list("event_id")
        .annotate(n=Count("id"))
        .values_list("event_id", "n")
    )
    rows = [(e, counts.get(e.pk, 0)) for e in events]
    context = {"rows": rows, "can_manage": rules.can_manage_events(request.user)}
    return render(request, "cooperations/events.html", context)


@role_required(Role.FACILITATOR)
def event_new(request: AgentRequest) -> HttpResponse:
    return _event_form(request, None)


@role_required(Role.FACILITATOR)
def event_edit(request: AgentRequest, pk: int) -> HttpResponse:
    return _event_form(request, get_object_or_404(Event, pk=pk))


def _event_form(request: AgentRequest, event: Event | None) -> HttpResponse:
    initial = (
        {
            "name": event.name,
            "kind": event.kind,
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "description": event.description,
        }
        if event
        else {}
    )
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if event is None:
                event = services.event_create(by=request.user, data=form.to_data())
            else:
                event = services.event_update(event=event, by=request.user, data=form.to_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("The emergency “%(name)s” is saved.") % {"name": event.name}
            )
            return redirect("cooperations:events")
    return render(request, "cooperations/event_form.html", {"form": form, "event": event})


# --- the facilitators' queue -------------------------------------------------------------------


@role_required(Role.FACILITATOR)
def queue(request: AgentRequest) -> HttpResponse:
    suggestions = list(queries.suggested_cooperations()[:100])
    queries.with_actors(suggestions)
    context = {
        "proposed": queries.proposed_actors()[:100],
        "duplicates": queries.probable_duplicates(),
        "suggestions": suggestions,
    }
    return render(request, "cooperations/queue.html", context)


@role_required(Role.FACILITATOR)
@require_POST
def suggest_now(request: AgentRequest) -> HttpResponse:
    created = services.cooperations_suggest()
    if created:
        messages.success(
            request,
            ngettext(
                "%(n)d new suggestion, from an initiative whose authors come from several services.",
                "%(n)d new suggestions, from initiatives whose authors come from several services.",
                len(created),
            )
            % {"n": len(created)},
        )
    else:
        messages.success(request, _("No new suggestion: every initiative was already looked at."))
    return redirect("cooperations:queue")
