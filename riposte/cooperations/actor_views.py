"""Pages of the actors: the list, an actor, propose or edit one (duplicates shown before saving),
validate, merge two records of one organisation, or say that two are two ("not a duplicate")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.cooperations import duplicates, queries, rules, services
from riposte.cooperations.forms import ActorFiltersForm, ActorForm, MergeForm, actor_initial
from riposte.cooperations.models import Actor, Cooperation, CooperationStatus
from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest
from riposte.core.pagination import CappedPaginator
from riposte.core.permissions import role_required
from riposte.directory.models import Role

PAGE_SIZE = 30
SIMILAR_MIN_LENGTH = 3


def _get_actor(pk: int) -> Actor:
    return get_object_or_404(
        Actor.objects.select_related("commune", "service", "proposed_by", "merged_into"), pk=pk
    )


def _get_live_actor(request: AgentRequest, pk: int) -> Actor:
    actor = _get_actor(pk)
    if actor.merged_into_id is not None:
        raise PermissionDenied  # a merged record changes no more: its target does
    return actor


@login_required
def actor_list(request: AgentRequest) -> HttpResponse:
    form = ActorFiltersForm(request.GET or None)
    page = CappedPaginator(queries.actors_list(form.to_filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {"form": form, "page": page, "query_string": query_string.urlencode()}
    if request.htmx:
        return render(request, "cooperations/actors.html#results", context)
    return render(request, "cooperations/actors.html", context)


@login_required
def actor_detail(request: AgentRequest, pk: int) -> HttpResponse:
    actor = _get_actor(pk)
    if actor.merged_into_id is not None:
        target = queries.actor_target(actor)
        messages.info(
            request,
            _("“%(old)s” was a second record of “%(new)s”: they are merged, here it is.")
            % {"old": actor.name, "new": target.name},
        )
        return redirect(target)
    agent = request.user
    statuses = [CooperationStatus.CONFIRMED]
    if agent.is_facilitator:
        statuses.append(CooperationStatus.SUGGESTED)
    cooperations = list(
        Cooperation.objects.filter(participations__actor=actor, status__in=statuses)
        .select_related("event")
        .order_by("-started_on", "-id")[:100]
    )
    roles = dict(actor.participations.values_list("cooperation_id", "role"))
    context = {
        "actor": actor,
        "cooperations": [(c, roles.get(c.pk, "")) for c in cooperations],
        "partners": queries.actor_partners(actor),
        "merged": actor.merged.all(),
        "can_see_contact": rules.can_see_contact(agent, actor),
        "can_edit": rules.can_edit_actor(agent, actor),
        "can_validate": rules.can_validate_actor(agent) and actor.status == "proposed",
        "can_merge": rules.can_merge_actors(agent),
    }
    return render(request, "cooperations/actor.html", context)


@login_required
def actor_new(request: AgentRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
def actor_edit(request: AgentRequest, pk: int) -> HttpResponse:
    actor = _get_live_actor(request, pk)
    if not rules.can_edit_actor(request.user, actor):
        raise PermissionDenied
    return _edit(request, actor)


def _edit(request: AgentRequest, actor: Actor | None) -> HttpResponse:
    form = ActorForm(request.POST or None, initial=actor_initial(actor) if actor else {})
    if request.method == "POST" and form.is_valid():
        allow = form.cleaned_data["same_name_ok"]
        try:
            if actor is None:
                actor = services.actor_propose(
                    by=request.user, data=form.to_data(), allow_same_name=allow
                )
                if actor.status == "proposed":
                    messages.success(
                        request, _("Thank you: the actor is proposed, a facilitator will check it.")
                    )
                else:
                    messages.success(request, _("The actor is added."))
            else:
                actor = services.actor_update(
                    actor=actor, by=request.user, data=form.to_data(), allow_same_name=allow
                )
                messages.success(request, _("The actor is saved."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(actor)
    same: list[Actor] = []
    if form.is_bound:
        same = services.actor_duplicates(
            name=form.data.get("name", ""), siret=form.data.get("siret", ""), exclude=actor
        )
    context = {"form": form, "actor": actor, "duplicates": same, "similar": []}
    return render(request, "cooperations/actor_form.html", context)


@login_required
def actor_duplicates(request: AgentRequest) -> HttpResponse:
    """The known actors like the one being typed (HTMX, as the name or the SIRET changes)."""
    name = request.GET.get("name", "")[:200].replace("\x00", "")
    siret = request.GET.get("siret", "")[:20].replace("\x00", "")
    exclude = None
    if request.GET.get("actor", "").isdigit():
        exclude = Actor.objects.filter(pk=int(request.GET["actor"])).first()
    same = services.actor_duplicates(name=name, siret=siret, exclude=exclude)
    similar: list[Actor] = []
    if len(services.name_key(name)) >= SIMILAR_MIN_LENGTH:
        found = queries.actors_list(queries.ActorFilters(q=name))
        if exclude is not None:
            # Nor those a facilitator said are other organisations than the one being edited.
            found = found.exclude(pk__in=[exclude.pk, *duplicates.distinct_from(exclude.pk)])
        similar = [a for a in found[:6] if a not in same][:5]
    context = {"duplicates": same, "similar": similar, "typing": True}
    return render(request, "cooperations/_actor_duplicates.html", context)


@role_required(Role.FACILITATOR)
@require_POST
def actor_validate(request: AgentRequest, pk: int) -> HttpResponse:
    actor = _get_actor(pk)
    try:
        services.actor_validate(actor=actor, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” is validated.") % {"name": actor.name})
    if request.POST.get("from") == "queue":
        return redirect("cooperations:queue")
    return redirect(actor)


@role_required(Role.FACILITATOR)
def actor_merge(request: AgentRequest, pk: int) -> HttpResponse:
    """Choose the record to keep (GET ?target=), see what moves, confirm (POST)."""
    source = _get_live_actor(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = MergeForm(data if "target" in data else None, source=source)
    target = form.cleaned_data["target"] if form.is_bound and form.is_valid() else None
    if request.method == "POST" and target is not None:
        try:
            services.actor_merge(source=source, target=target, by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("“%(old)s” is merged into “%(new)s”: its cooperations are here now.")
                % {"old": source.name, "new": target.name},
            )
            return redirect(target)
    context = {
        "source": source,
        "target": target,
        "form": form,
        "preview": queries.merge_preview(source),
        # Said to be two organisations: the merge stays possible (it may have been a mistake),
        # with the warning.
        "distinct": duplicates.distinct_mark(source, target) if target is not None else None,
    }
    return render(request, "cooperations/actor_merge.html", context)


@role_required(Role.FACILITATOR)
@require_POST
def actor_distinct(request: AgentRequest, pk: int) -> HttpResponse:
    """ "Not a duplicate": these two records are two organisations (POST other=<id>)."""
    actor = _get_live_actor(request, pk)
    other_pk = request.POST.get("other", "")
    other = get_object_or_404(Actor, pk=int(other_pk) if other_pk.isdigit() else 0)
    try:
        duplicates.actor_mark_distinct(facilitator=request.user, actor=actor, other=other)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(a)s” and “%(b)s” are two organisations: they are no longer shown as duplicates.")
            % {"a": actor.name, "b": other.name},
        )
    if request.POST.get("from") == "queue":
        return redirect("cooperations:queue")
    return redirect(actor)
