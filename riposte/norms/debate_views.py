"""The writes of a norm's page that make its evidence and debate: testimonies ("j'ai utilisé
cette autorisation"), arguments for and against, "this argument convinces me", replies, and
moderators hiding what should not be shown.

A refused write comes back as the norm's page (400) with its message and what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest
from riposte.core.models import Comment
from riposte.core.permissions import role_required
from riposte.directory.models import Role
from riposte.norms import moderation, services
from riposte.norms.forms import ArgumentForm, HideForm, ReplyForm, TestimonyForm
from riposte.norms.models import Argument, Norm, Side, Testimony
from riposte.norms.views import detail_context, get_norm


def _refused(request: AgentRequest, norm: Norm, **forms: object) -> HttpResponse:
    return render(request, "norms/detail.html", detail_context(request, norm, **forms), status=400)


def _argument(pk: int) -> Argument:
    return get_object_or_404(Argument.objects.select_related("norm", "author"), pk=pk)


def _at(argument: Argument) -> str:
    return f"{argument.norm.get_absolute_url()}#argument-{argument.pk}"


@login_required
@require_POST
def testimony_add(request: AgentRequest, pk: int) -> HttpResponse:
    norm = get_norm(pk)
    form = TestimonyForm(request.POST)
    if form.is_valid():
        try:
            services.testimony_add(norm=norm, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your testimony is on the norm's page."))
            return redirect(f"{norm.get_absolute_url()}#evidence")
    return _refused(request, norm, testimony_form=form)


@login_required
@require_POST
def argument_add(request: AgentRequest, pk: int) -> HttpResponse:
    norm = get_norm(pk)
    side = request.POST.get("side", "")
    # The form of each side has the side as its prefix; an unknown side is the "for" form's error.
    form = ArgumentForm(request.POST, prefix=side if side in Side.values else Side.FOR)
    if form.is_valid():
        try:
            argument = services.argument_add(
                norm=norm,
                by=request.user,
                side=side,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your argument is in the debate."))
            return redirect(_at(argument))
    return _refused(request, norm, argument_form=form)


@login_required
@require_POST
def argument_endorse(request: AgentRequest, pk: int) -> HttpResponse:
    """ "Cet argument me convainc": once per agent; the pressed button takes it back (the form
    says which: convinced=0)."""
    argument = _argument(pk)
    if argument.hidden_at is not None:
        messages.error(request, _("This argument was hidden by a moderator."))
        return redirect(argument.norm)
    try:
        now = services.argument_endorse(
            argument=argument, by=request.user, convinced=request.POST.get("convinced") != "0"
        )
    except ValidationError as exc:
        if request.htmx:  # the fragment as it stands: for its author, the count alone
            return render(request, "norms/_endorse.html", {"argument": argument}, status=400)
        messages.error(request, exc.messages[0])
        return redirect(_at(argument))
    if request.htmx:
        argument.refresh_from_db(fields=["endorsements_count"])
        argument.endorsed = now  # type: ignore[attr-defined]
        return render(request, "norms/_endorse.html", {"argument": argument})
    messages.success(
        request,
        _("You are convinced by this argument.") if now else _("You took your endorsement back."),
    )
    return redirect(_at(argument))


@login_required
@require_POST
def argument_reply(request: AgentRequest, pk: int) -> HttpResponse:
    argument = _argument(pk)
    form = ReplyForm(request.POST)
    parent = None
    raw_parent = request.POST.get("parent", "")
    if raw_parent.isdigit():
        parent = Comment.objects.filter(pk=int(raw_parent)).first()
    if form.is_valid():
        try:
            moderation.argument_reply(
                argument=argument, by=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your reply is published."))
            return redirect(_at(argument))
    return _refused(request, argument.norm, reply_form=form, reply_to=argument.pk)


@role_required(Role.MODERATOR)
@require_POST
def testimony_hide(request: AgentRequest, pk: int) -> HttpResponse:
    testimony = get_object_or_404(Testimony.objects.select_related("norm"), pk=pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why it is hidden."))
    else:
        moderation.testimony_hide(
            testimony=testimony, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The testimony is hidden; it is kept in the records."))
    return redirect(f"{testimony.norm.get_absolute_url()}#evidence")


@role_required(Role.MODERATOR)
@require_POST
def argument_hide(request: AgentRequest, pk: int) -> HttpResponse:
    argument = _argument(pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why it is hidden."))
    else:
        moderation.argument_hide(
            argument=argument, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The argument is hidden; it is kept in the records."))
    return redirect(_at(argument))
