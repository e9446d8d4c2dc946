"""Pages of the coffee machine: joining, preferences, leaving, and a group's page (its room, its
slot, moving it, the invitation, and the answers after the coffee).

Thin views: permission first, then the form, the service, and render or redirect. A group's page
exists only for its members: for anyone else it is a 404, as if there were none.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from riposte.coffee import services
from riposte.coffee.forms import AnswerForm, ExclusionForm, MembershipForm, MoveSlotForm
from riposte.coffee.ics import group_invitation
from riposte.coffee.models import Exclusion, Group, GroupMember, Membership
from riposte.coffee.video import room_url
from riposte.core.http import AgentRequest


def add_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


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
    return _preferences_page(request, membership, form, ExclusionForm(agent=request.user))


def _preferences_page(
    request: AgentRequest,
    membership: Membership | None,
    form: MembershipForm,
    exclusion_form: ExclusionForm,
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
        },
        status=status,
    )


@login_required
@require_POST
def exclusion_add(request: AgentRequest) -> HttpResponse:
    membership = _membership(request)
    if membership is None:
        messages.error(request, _("Join the coffee machine first."))
        return redirect("coffee:preferences")
    exclusion_form = ExclusionForm(request.POST, agent=request.user)
    if not exclusion_form.is_valid():
        return _preferences_page(
            request, membership, MembershipForm(initial=_initial(membership)), exclusion_form, 400
        )
    services.exclusion_add(membership=membership, excluded=exclusion_form.cleaned_data["email"])
    messages.success(request, _("Noted: you will never be paired together."))
    return redirect("coffee:preferences")


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
            services.group_move_slot(group=group, by=request.user, start=form.cleaned_data["start"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The slot is moved; the others are told."))
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
