"""Pages of the coffee machine: joining, preferences (with the picker of the colleagues never to
be paired with), leaving, and a group's page (its room, its slot, moving it, the invitation, and
the answers after the coffee).

Thin views: permission first, then the form, the service, and render or redirect. A group's page
exists only for its members: for anyone else it is a 404, as if there were none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from riposte.coffee import queries, services
from riposte.coffee.forms import AnswerForm, ExclusionForm, MembershipForm, MoveSlotForm
from riposte.coffee.ics import group_invitation
from riposte.coffee.models import Exclusion, Group, GroupMember, Membership
from riposte.coffee.video import room_url
from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest
from riposte.directory.models import Agent


def _membership(request: AgentRequest) -> Membership | None:
    return Membership.objects.filter(agent=request.user).first()


def _get_group_for_member(request: AgentRequest, pk: int) -> Group:
    group = get_object_or_404(Group.objects.select_related("round"), pk=pk)
    if not services.is_member(group, request.user):
        raise Http404
    return group


def _membership_data(form: MembershipForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "frequency": data["frequency"],
        "group_size": data["group_size"],
        "preference": data["preference"],
        "availability": data["availability"],
        "paused_until": data["paused_until"],
    }


def _my_groups(request: AgentRequest) -> tuple[list[GroupMember], list[GroupMember]]:
    """(current, past): a group is current until its slot is a day old (or, without a slot,
    until its round's week is over)."""
    rows = list(
        GroupMember.objects.filter(agent=request.user)
        .select_related("group__round")
        .order_by("-round__number")
    )
    current: list[GroupMember] = []
    past: list[GroupMember] = []
    for row in rows:
        (past if services.can_answer(row.group) and row.met is not None else current).append(row)
    return current, past


@login_required
def home(request: AgentRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method == "POST" and membership is None:
        form = MembershipForm(request.POST)
        if form.is_valid():
            try:
                services.membership_join(agent=request.user, **_membership_data(form))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Welcome to the coffee machine: you will be paired at the next round."),
                )
                return redirect("coffee:home")
    elif request.method == "POST":
        return redirect("coffee:home")
    else:
        form = MembershipForm()
    current, past = _my_groups(request)
    return render(
        request,
        "coffee/home.html",
        {
            "membership": membership,
            "form": form,
            "current": current,
            "past": past,
            "paused": membership is not None and membership.is_paused(timezone.localdate()),
        },
    )


@login_required
def preferences(request: AgentRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method == "POST":
        form = MembershipForm(request.POST)
        if form.is_valid():
            try:
                if membership is None:
                    services.membership_join(agent=request.user, **_membership_data(form))
                else:
                    services.membership_update(
                        membership=membership,
                        clear_pause=form.cleaned_data["paused_until"] is None,
                        **_membership_data(form),
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Your preferences are saved."))
                return redirect("coffee:preferences")
    elif membership is not None:
        form = MembershipForm(
            initial={
                "frequency": membership.frequency,
                "group_size": membership.group_size,
                "preference": membership.preference,
                "availability": membership.availability,
                "paused_until": membership.paused_until,
            }
        )
    else:
        form = MembershipForm()
    return _preferences_page(request, membership, form)


def _preferences_page(
    request: AgentRequest,
    membership: Membership | None,
    form: MembershipForm,
    *,
    exclusion_form: ExclusionForm | None = None,
    picker: Picker | None = None,
    status: int = 200,
) -> HttpResponse:
    exclusions = (
        list(membership.exclusions.select_related("excluded").order_by("excluded__last_name"))
        if membership is not None
        else []
    )
    return render(
        request,
        "coffee/preferences.html",
        {
            "membership": membership,
            "form": form,
            "exclusion_form": exclusion_form,
            "exclusions": exclusions,
            "picker": picker or Picker(),
        },
        status=status,
    )


@dataclass
class Picker:
    """What the picker of colleagues shows: the query, the matches (or the one chosen, to
    confirm), and the one to give the focus back to after a cancelled choice."""

    query: str = ""
    searched: bool = False
    results: list[Agent] = field(default_factory=list)
    more: bool = False
    chosen: Agent | None = None
    back: int | None = None
    min_chars: int = queries.SEARCH_MIN_CHARS
    limit: int = queries.SEARCH_LIMIT


def _int_param(request: AgentRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _picker(request: AgentRequest, membership: Membership) -> Picker:
    query = request.GET.get("q", "").strip()[:100]
    chosen_id = _int_param(request, "agent")
    if chosen_id is not None:
        # Chosen, to be confirmed: only someone the member may still exclude.
        candidates = queries.exclusion_candidates(membership=membership)
        chosen = candidates.filter(pk=chosen_id).first()
        if chosen is not None:
            return Picker(query=query, searched=queries.searchable(query), chosen=chosen)
    results, more = queries.exclusion_search(membership=membership, query=query)
    return Picker(
        query=query,
        searched=queries.searchable(query),
        results=results,
        more=more,
        back=_int_param(request, "back"),
    )


@login_required
@require_safe
def exclusion_search(request: AgentRequest) -> HttpResponse:
    """The picker of colleagues: the matching ones (name, service, site: nothing else), or the
    one chosen with its confirmation. HTMX gets the results only; without JavaScript, the
    preferences page with them. For members only: nobody searches the directory from here
    who does not take part."""
    membership = _membership(request)
    if membership is None:
        messages.error(request, _("Join the coffee machine first."))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("coffee:preferences"))
        return redirect("coffee:preferences")
    picker = _picker(request, membership)
    if request.htmx:
        return render(request, "coffee/_exclusion_picker.html#results", {"picker": picker})
    return _preferences_page(
        request, membership, MembershipForm(initial=_initial(membership)), picker=picker
    )


@login_required
@require_POST
def exclusion_add(request: AgentRequest) -> HttpResponse:
    membership = _membership(request)
    if membership is None:
        messages.error(request, _("Join the coffee machine first."))
        return redirect("coffee:preferences")
    exclusion_form = ExclusionForm(request.POST, membership=membership)
    if exclusion_form.is_valid():
        excluded: Agent = exclusion_form.cleaned_data["agent"]
        try:
            services.exclusion_add(membership=membership, excluded=excluded)
        except ValidationError as exc:
            add_errors(exclusion_form, exc)
        else:
            messages.success(
                request,
                _("Noted: you will never be paired with %(name)s.") % {"name": excluded.full_name},
            )
            return redirect("coffee:preferences")
    return _preferences_page(
        request,
        membership,
        MembershipForm(initial=_initial(membership)),
        exclusion_form=exclusion_form,
        status=400,
    )


def _initial(membership: Membership) -> dict[str, Any]:
    return {
        "frequency": membership.frequency,
        "group_size": membership.group_size,
        "preference": membership.preference,
        "availability": membership.availability,
        "paused_until": membership.paused_until,
    }


@login_required
@require_POST
def exclusion_remove(request: AgentRequest, pk: int) -> HttpResponse:
    exclusion = get_object_or_404(Exclusion, pk=pk, member__agent=request.user)
    exclusion.delete()
    messages.success(request, _("Removed from the people you never meet."))
    return redirect("coffee:preferences")


@login_required
def leave(request: AgentRequest) -> HttpResponse:
    """GET: the confirmation; POST: leave (the preferences and exclusions are deleted)."""
    membership = _membership(request)
    if membership is None:
        return redirect("coffee:home")
    if request.method == "POST":
        services.membership_leave(agent=request.user)
        messages.success(
            request, _("You have left the coffee machine; your preferences are deleted.")
        )
        return redirect("coffee:home")
    return render(request, "coffee/leave.html", {"membership": membership})


@login_required
def group(request: AgentRequest, pk: int) -> HttpResponse:
    group = _get_group_for_member(request, pk)
    return _group_page(request, group)


def _group_page(
    request: AgentRequest,
    group: Group,
    move_form: MoveSlotForm | None = None,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mine = GroupMember.objects.get(group=group, agent=request.user)
    members = services.group_members(group)
    return render(
        request,
        "coffee/group.html",
        {
            "group": group,
            "members": members,
            "others": [m for m in members if m.pk != request.user.pk],
            "mine": mine,
            "room_url": room_url(group.room),
            "move_form": move_form or MoveSlotForm(),
            "answer_form": answer_form
            or AnswerForm(
                initial={
                    "met": None if mine.met is None else ("yes" if mine.met else "no"),
                    "wants_cooperation": mine.wants_cooperation,
                }
            ),
            "can_answer": services.can_answer(group),
            "slot_past": group.slot_start is not None and group.slot_start <= timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
def group_move(request: AgentRequest, pk: int) -> HttpResponse:
    group = _get_group_for_member(request, pk)
    form = MoveSlotForm(request.POST)
    if form.is_valid():
        try:
            group = services.group_move_slot(
                group=group, by=request.user, start=form.cleaned_data["start"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            local = timezone.localtime(group.slot_start)
            messages.success(
                request,
                _("The coffee is now on %(date)s at %(time)s; the others get the updated invitation by e-mail.")
                % {"date": date_format(local, "l j F"), "time": time_format(local, "H:i")},
            )  # fmt: skip
            return redirect("coffee:group", pk=group.pk)
    return _group_page(request, group, move_form=form, status=400)


@login_required
@require_POST
def group_answer(request: AgentRequest, pk: int) -> HttpResponse:
    group = _get_group_for_member(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.member_answer(
                group=group,
                agent=request.user,
                met=form.cleaned_data["met"],
                wants_cooperation=form.cleaned_data["wants_cooperation"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect("coffee:group", pk=group.pk)
    return _group_page(request, group, answer_form=form, status=400)


@login_required
@require_safe
def group_ics(request: AgentRequest, pk: int) -> HttpResponse:
    group = _get_group_for_member(request, pk)
    if group.slot_start is None:
        raise Http404
    body = group_invitation(group, services.group_members(group))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coffee-{group.pk}.ics"'
    return response
