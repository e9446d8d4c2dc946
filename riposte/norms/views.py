"""Pages of the register: the list (the module's home), proposing and editing a norm (a stale
save is refused and the sender's text kept), its versions, and its page. The debate's writes
(testimonies, arguments, replies) are in debate_views.py; consultations and decisions in
consultation_views.py.

Thin views: permission first, then the form, the service, and render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.cooperations.debriefs import word_diff
from riposte.cooperations.models import Cooperation
from riposte.cooperations.rules import can_see_cooperation
from riposte.core.follows import follow_toggle, is_following
from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest
from riposte.core.pagination import CappedPaginator
from riposte.core.permissions import role_required
from riposte.directory.models import Role
from riposte.initiatives import rules as initiative_rules
from riposte.initiatives.models import Initiative
from riposte.norms import queries, rules, services
from riposte.norms.forms import (
    ArgumentForm,
    LinkForm,
    NormFiltersForm,
    NormForm,
    ReplyForm,
    TestimonyForm,
)
from riposte.norms.models import Norm, NormStatus, NormVersion, Side

PAGE_SIZE = 20
# What a facilitator may put up for debate: a norm in force that is not debated already.
DEBATABLE = (NormStatus.TEMPORARY, NormStatus.SUSTAINED, NormStatus.ADAPTED)


def get_norm(pk: int) -> Norm:
    return get_object_or_404(Norm.objects.select_related("origin_event", "proposed_by"), pk=pk)


def _get_norm_for_edit(request: AgentRequest, pk: int) -> Norm:
    norm = get_norm(pk)
    if not rules.can_edit(request.user, norm):
        raise PermissionDenied
    return norm


# --- the list ----------------------------------------------------------------------------------


@login_required
def norm_list(request: AgentRequest) -> HttpResponse:
    form = NormFiltersForm(request.GET or None)
    listed = queries.norms_list(form.to_filters()).select_related("origin_event")
    page = CappedPaginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    queries.with_counts(page.object_list)  # type: ignore[arg-type]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {"form": form, "page": page, "query_string": query_string.urlencode()}
    if request.htmx:
        return render(request, "norms/list.html#results", context)
    return render(request, "norms/list.html", context)


# --- proposing and editing ---------------------------------------------------------------------


def _initiative_for(request: AgentRequest, raw: Any) -> Initiative | None:
    """The initiative a norm is proposed from, if the agent may see it; any other number is
    nobody's business (404), as on the initiative's own page. Not a draft: the link would show
    it to everyone on the norm's page (links.propose_from_initiative offers none)."""
    if raw in (None, ""):
        return None
    if not str(raw).isdigit():
        raise Http404
    initiative = Initiative.objects.filter(pk=int(raw)).first()
    if initiative is None or not initiative_rules.can_view(request.user, initiative):
        raise Http404
    if initiative.is_draft:
        raise Http404
    return initiative


def _prefill(initiative: Initiative) -> dict[str, Any]:
    """A first draft of the norm from what the initiative says it needs: the agent reworks it."""
    need = initiative.authorisation.strip()
    first_line = need.splitlines()[0] if need else initiative.title
    # Cut between words: a title cut mid-word would be saved as it is.
    title = first_line if len(first_line) <= 120 else first_line[:119].rsplit(" ", 1)[0] + "…"
    return {
        "title": title,
        "text": need,
        "status": NormStatus.DEBATE,
        "services": list(initiative.services.all()),
        "initiative": initiative.pk,
    }


@login_required
def norm_propose(request: AgentRequest) -> HttpResponse:
    """Any agent puts an authorisation in the register: one granted (temporary) or one wished
    for (under debate), possibly from an initiative that needs it."""
    source = request.POST.get("initiative") if request.method == "POST" else None
    initiative = _initiative_for(request, source or request.GET.get("initiative"))
    initial = _prefill(initiative) if initiative is not None else {"status": NormStatus.DEBATE}
    form = NormForm(request.POST or None, initial=initial, proposing=True)
    if request.method == "POST" and form.is_valid():
        try:
            norm = services.norm_propose(
                by=request.user,
                data=form.to_data(),
                status=form.cleaned_data["status"],
                initiative=initiative,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The norm is in the register. Colleagues can now add testimonies and arguments."),
            )
            return redirect(norm)
    context = {"form": form, "norm": None, "initiative": initiative}
    return render(request, "norms/form.html", context)


def _initial(norm: Norm) -> dict[str, Any]:
    return {
        "title": norm.title,
        "text": norm.text,
        "kind": norm.kind,
        "origin_event": norm.origin_event_id,
        "origin": norm.origin,
        "origin_date": norm.origin_date,
        "granted_by": norm.granted_by,
        "services": list(norm.services.all()),
        "sites": list(norm.sites.all()),
        "roles": list(norm.roles),
        "review_on": norm.review_on,
        "sunset_on": norm.sunset_on,
        "version": norm.version,
    }


@login_required
def norm_edit(request: AgentRequest, pk: int) -> HttpResponse:
    norm = _get_norm_for_edit(request, pk)
    form = NormForm(request.POST or None, initial=_initial(norm), proposing=False)
    context: dict[str, Any] = {"norm": norm}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.norm_edit(
                norm=norm,
                by=request.user,
                data=form.to_data(),
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except services.NormConflict as exc:
            # Nothing lost: the sender's text stays in the form, which now carries the current
            # version, so that saving again (after comparing) is a deliberate choice.
            data = request.POST.copy()
            data["version"] = str(exc.current.version)
            form = NormForm(data, initial=_initial(norm), proposing=False)
            form.is_valid()
            form.add_error(None, exc.messages[0])
            context["conflict"] = _conflict_view(exc.current, form)
            status = 409
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The norm is saved."))
            return redirect(norm)
    context["form"] = form
    return render(request, "norms/form.html", context, status=status)


def _typed(form: NormForm, name: str) -> str:
    return (form.data.get(name) or "").replace("\r\n", "\n").strip()


def _conflict_view(current: Norm, form: NormForm) -> dict[str, Any]:
    """What the colleague saved, beside the sender's text, and how the two differ word by word."""
    last = current.versions.select_related("author").order_by("-number").first()
    mine_title, mine_text = _typed(form, "title"), _typed(form, "text")
    return {
        "version": current.version,
        "by": last.author if last else None,
        "at": last.created_at if last else None,
        "title": current.title,
        "text": current.text,
        "title_diff": word_diff(mine_title, current.title),
        "text_diff": word_diff(mine_text, current.text),
        "same": (mine_title, mine_text) == (current.title, current.text),
    }


@login_required
def norm_versions(request: AgentRequest, pk: int) -> HttpResponse:
    """Every version of the title and text, who wrote it and why; two of them compared word by
    word (by default the latest with the one before)."""
    norm = get_norm(pk)
    versions = list(norm.versions.select_related("author", "decision").order_by("-number"))
    by_number = {v.number: v for v in versions}

    def number(name: str, default: int) -> int:
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdigit() and int(raw) in by_number else default

    after = by_number.get(number("to", norm.version)) or (versions[0] if versions else None)
    if after is None:
        raise Http404
    before_number = number("from", after.number - 1)
    before: NormVersion | None = by_number.get(before_number)
    if before is not None and before.number == after.number:
        # A version compared with itself shows nothing: the one before it, as by default.
        before = by_number.get(after.number - 1)
    context = {
        "norm": norm,
        "versions": versions,
        "after": after,
        "before": before,
        "title_diff": word_diff(before.title if before else "", after.title),
        "text_diff": word_diff(before.text if before else "", after.text),
    }
    return render(request, "norms/versions.html", context)


# --- the norm's page ---------------------------------------------------------------------------


def detail_context(request: AgentRequest, norm: Norm, **forms: Any) -> dict[str, Any]:
    """Everything the norm's page shows. A write refused on the page passes its bound form in
    `forms`, so that the page comes back with the message and what was typed."""
    agent = request.user
    initiatives = list(queries.linked_initiatives(norm))
    cooperations = list(queries.linked_cooperations(norm))
    testimonies = list(queries.testimonies_of(norm))
    context: dict[str, Any] = {
        "norm": norm,
        "services": norm.services.all(),
        "sites": norm.sites.all(),
        "roles": [Role(r).label for r in norm.roles if r in Role.values],
        "status_changes": norm.status_changes.select_related("by"),
        "decisions": norm.decisions.select_related("decided_by", "consultation"),
        "testimonies": testimonies,
        "testimonies_count": sum(1 for t in testimonies if t.hidden_at is None),
        "initiatives": initiatives,
        "cooperations": cooperations,
        "debate": queries.debate(norm, agent),
        "following": is_following(agent=agent, target=norm),
        "can_edit": rules.can_edit(agent, norm),
        "can_put_to_debate": rules.is_facilitator(agent) and norm.status in DEBATABLE,
        "can_moderate": rules.can_moderate(agent),
        "consultation": queries.latest_consultation(norm),
        "testimony_form": TestimonyForm(),
        "argument_forms": {side.value: ArgumentForm(prefix=side.value) for side in Side},
        "link_form": LinkForm(),
        "reply_form": ReplyForm(),
        "reply_to": None,
    }
    if "argument_form" in forms:
        form = forms.pop("argument_form")
        context["argument_forms"][form.prefix] = form
    context.update(forms)
    for side in context["debate"]:
        side.form = context["argument_forms"][side.side]
    return context


@login_required
def norm_detail(request: AgentRequest, pk: int) -> HttpResponse:
    norm = get_norm(pk)
    return render(request, "norms/detail.html", detail_context(request, norm))


@login_required
@require_POST
def norm_follow(request: AgentRequest, pk: int) -> HttpResponse:
    norm = get_norm(pk)
    now = follow_toggle(agent=request.user, target=norm)
    messages.success(
        request,
        _("You follow this norm: you will hear of its debate and decisions.")
        if now
        else _("You no longer follow this norm."),
    )
    return redirect(norm)


@role_required(Role.FACILITATOR)
@require_POST
def norm_put_to_debate(request: AgentRequest, pk: int) -> HttpResponse:
    norm = get_norm(pk)
    try:
        services.norm_put_to_debate(norm=norm, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The norm is under debate: agents can argue for and against it.")
        )
    return redirect(norm)


@login_required
@require_POST
def norm_link(request: AgentRequest, pk: int) -> HttpResponse:
    """ "This initiative (or cooperation) relied on it": counted and listed on the norm's page,
    and the norm listed on the initiative's."""
    norm = get_norm(pk)
    form = LinkForm(request.POST)
    initiative = cooperation = None
    if form.is_valid():  # then whether the numbers name something this agent may see
        number = form.cleaned_data["initiative"]
        if number is not None:
            initiative = Initiative.objects.filter(pk=number, submitted_at__isnull=False).first()
            if initiative is None or not initiative_rules.can_view(request.user, initiative):
                form.add_error("initiative", _("No published initiative has this number."))
        number = form.cleaned_data["cooperation"]
        if number is not None:
            cooperation = Cooperation.objects.filter(pk=number).first()
            if cooperation is None or not can_see_cooperation(request.user, cooperation):
                form.add_error("cooperation", _("No cooperation has this number."))
    if form.errors:
        context = detail_context(request, norm, link_form=form)
        return render(request, "norms/detail.html", context, status=400)
    services.norm_link(norm=norm, by=request.user, initiative=initiative, cooperation=cooperation)
    messages.success(request, _("The link is recorded: it counts on the norm's page."))
    return redirect(f"{norm.get_absolute_url()}#evidence")
