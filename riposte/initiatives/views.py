"""Pages of the initiatives module: thin views, permission first, then form, service, render."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.core.comments import comment_create, comments_for
from riposte.core.follows import follow_toggle, is_following
from riposte.core.http import AgentRequest
from riposte.core.pagination import CappedPaginator
from riposte.core.permissions import role_required
from riposte.directory.models import Agent, Role, SupportProfile
from riposte.initiatives import exports, hooks, queries, rules, services, similarity
from riposte.initiatives.forms import (
    CommentForm,
    ContributeForm,
    HelpForm,
    InitiativeForm,
    ListFiltersForm,
    MergeForm,
    MoveForm,
)
from riposte.initiatives.models import HelpRequest, Initiative, Stage, StageChange

PAGE_SIZE = 20
# e5 gives every pair of French texts about public services a high cosine: on the labelled set
# (bench/README.md) duplicates score 0.89 to 0.93, near-misses of the same theme 0.85 to 0.90, the rest
# 0.83 to 0.88. Below this, a suggestion is more likely noise than the same idea.
SIMILAR_MIN_SCORE = 0.875


def _filters(form: ListFiltersForm) -> queries.Filters:
    """The valid filters of the query string: an unknown theme or sort drops that filter only."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return queries.Filters(**{k: v for k, v in data.items() if v not in (None, "")})


def _get_initiative_for_view(request: AgentRequest, pk: int) -> Initiative:
    initiative = get_object_or_404(
        Initiative.objects.select_related("author", "merged_into"), pk=pk
    )
    if not rules.can_view(request.user, initiative):
        raise Http404  # a draft is nobody else's business, not even its existence
    return initiative


def _get_initiative_for_edit(request: AgentRequest, pk: int) -> Initiative:
    initiative = _get_initiative_for_view(request, pk)
    if not rules.can_edit(request.user, initiative):
        raise PermissionDenied
    return initiative


@login_required
def initiative_list(request: AgentRequest) -> HttpResponse:
    form = ListFiltersForm(request.GET or None)
    filters = _filters(form)
    listed = queries.initiatives_list(request.user, filters).only(*queries.LIST_FIELDS)
    page = CappedPaginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query_string.urlencode(),
        "drafts": queries.drafts_of(request.user).only("id", "title", "updated_at")[:10],
    }
    if request.htmx:
        return render(request, "initiatives/list.html#results", context)
    return render(request, "initiatives/list.html", context)


@login_required
def initiative_new(request: AgentRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
def initiative_edit(request: AgentRequest, pk: int) -> HttpResponse:
    return _edit(request, _get_initiative_for_edit(request, pk))


def _initial(initiative: Initiative) -> dict[str, object]:
    return {
        **{name: getattr(initiative, name) for name in services.TEXT_FIELDS},
        "needs_time": initiative.needs_time,
        "needs_budget": initiative.needs_budget,
        "budget_estimate": initiative.budget_estimate,
        "needs_authorisation": initiative.needs_authorisation,
        "whole_department": initiative.whole_department,
        "themes": list(initiative.themes.all()),
        "communes": list(initiative.communes.all()),
        "services": list(initiative.services.all()),
        "coauthors": ", ".join(a.email for a in initiative.coauthors.all()),
    }


def _edit(request: AgentRequest, initiative: Initiative | None) -> HttpResponse:
    draft_id = request.POST.get("draft_id", "")
    if initiative is None and draft_id.isdigit():  # the autosave already created the draft
        initiative = _get_initiative_for_edit(request, int(draft_id))
    initial = _initial(initiative) if initiative else {}
    form = InitiativeForm(request.POST or None, initial=initial)
    submit = "submit" in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            if initiative is None:
                initiative = services.initiative_create(
                    author=request.user, data=form.to_data(), submit=submit
                )
            else:
                initiative = services.initiative_update(
                    initiative=initiative, by=request.user, data=form.to_data(), submit=submit
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if initiative.is_draft:
                messages.success(
                    request, _("Your draft is saved. Only you and your co-authors see it.")
                )
                return redirect("initiatives:edit", initiative.pk)
            messages.success(request, _("Your initiative is published."))
            return redirect(initiative)
    return render(request, "initiatives/form.html", {"form": form, "initiative": initiative})


def _add_errors(form: InitiativeForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_POST
def initiative_autosave(request: AgentRequest) -> HttpResponse:
    """Saves the form as a draft while the agent types (HTMX, every few seconds)."""
    draft_id = request.POST.get("draft_id", "")
    initiative = _get_initiative_for_edit(request, int(draft_id)) if draft_id.isdigit() else None
    if initiative is not None and not initiative.is_draft:
        return HttpResponse(status=204)  # a published initiative is saved by its button only
    form = InitiativeForm(request.POST)
    context: dict[str, object] = {"initiative": initiative}
    if form.is_valid():
        if initiative is None:
            initiative = services.initiative_create(
                author=request.user, data=form.to_data(), submit=False
            )
        else:
            initiative = services.initiative_update(
                initiative=initiative, by=request.user, data=form.to_data()
            )
        context = {"initiative": initiative, "saved": True}
    return render(request, "initiatives/form.html#autosave", context)


@login_required
def similar_fragment(request: AgentRequest) -> HttpResponse:
    """Initiatives like the one being typed (HTMX, as the title and the problem change)."""
    text = similarity.text_for(
        request.GET.get("title", "")[:200], request.GET.get("problem", "")[:2000]
    )
    exclude = {int(request.GET["draft_id"])} if request.GET.get("draft_id", "").isdigit() else set()
    matches = [
        m for m in similarity.similar_to_text(text, limit=5, exclude=exclude)
        if m.score >= SIMILAR_MIN_SCORE
    ] if len(text) >= 12 else []  # fmt: skip
    return render(request, "initiatives/_similar.html", {"matches": matches, "typing": True})


@login_required
def initiative_detail(request: AgentRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_view(request, pk)
    agent = request.user
    matches = []
    if not initiative.is_draft and initiative.merged_into_id is None:
        matches = [
            m for m in similarity.similar_to_initiative(initiative, limit=5)
            if m.score >= SIMILAR_MIN_SCORE
        ]  # fmt: skip
    context = {
        "initiative": initiative,
        "coauthors": initiative.coauthors.all(),
        "themes": initiative.themes.all(),
        "communes": initiative.communes.all(),
        "services": initiative.services.all(),
        "changes": StageChange.objects.filter(initiative=initiative).select_related("by"),
        "help_requests": initiative.help_requests.select_related("assignee"),
        "is_facilitator": rules.is_facilitator(agent),
        "contributions": initiative.contributions.select_related("agent"),
        "merged": initiative.merged.all(),
        "support_count": initiative.supports.count(),
        "supported": initiative.supports.filter(agent=agent).exists(),
        "following": is_following(agent=agent, target=initiative),
        "comments": comments_for(initiative),
        "matches": matches,
        "can_edit": rules.can_edit(agent, initiative),
        "can_move": rules.can_move(agent, initiative),
        "can_merge": rules.can_merge(agent, initiative),
        "can_ask_help": rules.can_ask_help(agent, initiative),
        "authorisation_actions": hooks.authorisation_actions(initiative, agent),
        "move_form": MoveForm(
            initial={"to_stage": (rules.NEXT_STAGES[initiative.stage] or [""])[0]}
        ),
        "next_stages": [Stage(s) for s in rules.NEXT_STAGES[initiative.stage]],
        "contribute_form": ContributeForm(),
        "help_form": HelpForm(),
        "comment_form": CommentForm(),
    }
    return render(request, "initiatives/detail.html", context)


def _act(
    request: AgentRequest, initiative: Initiative, action: Callable[[], object], success: str
) -> HttpResponse:
    """Run a service for a POST on an initiative page: its message on success, the reason why not
    otherwise; back to the page either way."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(initiative)


@login_required
@require_POST
def initiative_support(request: AgentRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_view(request, pk)
    try:
        now = services.support_toggle(initiative=initiative, agent=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(initiative)
    if request.htmx:
        count = initiative.supports.count()
        return render(
            request,
            "initiatives/detail.html#support",
            {"initiative": initiative, "supported": now, "support_count": count},
        )
    messages.success(request, _("Thank you for your support.") if now else _("Support withdrawn."))
    return redirect(initiative)


@login_required
@require_POST
def initiative_follow(request: AgentRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_view(request, pk)
    now = follow_toggle(agent=request.user, target=initiative)
    messages.success(
        request, _("You follow this initiative.") if now else _("You no longer follow it.")
    )
    return redirect(initiative)


@login_required
@require_POST
def initiative_move(request: AgentRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_view(request, pk)
    if not rules.can_move(request.user, initiative):
        raise PermissionDenied
    form = MoveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(initiative)
    return _act(
        request,
        initiative,
        lambda: services.initiative_move(
            initiative=initiative, by=request.user, **form.cleaned_data
        ),
        _("The initiative moved; its authors and followers are told."),
    )


@login_required
@require_POST
def initiative_contribute(request: AgentRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_view(request, pk)
    form = ContributeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what you can bring, e.g. “graphic design”."))
        return redirect(initiative)
    return _act(
        request,
        initiative,
        lambda: services.contribution_offer(
            initiative=initiative, agent=request.user, **form.cleaned_data
        ),
        _("The authors know you want to contribute."),
    )


@login_required
@require_POST
def initiative_ask_help(request: AgentRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_view(request, pk)
    if not rules.can_ask_help(request.user, initiative):
        raise PermissionDenied
    form = HelpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a support-team profile from the list."))
        return redirect(initiative)
    return _act(
        request,
        initiative,
        lambda: services.help_request_open(
            initiative=initiative, by=request.user, **form.cleaned_data
        ),
        _("Your request is in the support team's queue."),
    )


@login_required
@require_POST
def initiative_comment(request: AgentRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_view(request, pk)
    if initiative.is_draft:
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A comment cannot be empty."))
        return redirect(initiative)
    return _act(
        request,
        initiative,
        lambda: comment_create(
            author=request.user, target=initiative, body=form.cleaned_data["body"],
            url=initiative.get_absolute_url(),
        ),
        _("Your comment is published."),
    )  # fmt: skip


@login_required
@require_POST
def initiative_merge(request: AgentRequest, pk: int) -> HttpResponse:
    source = _get_initiative_for_view(request, pk)
    if not rules.can_merge(request.user, source):
        raise PermissionDenied
    form = MergeForm(request.POST)
    target = None
    if form.is_valid():
        target = Initiative.objects.filter(pk=form.cleaned_data["target"]).first()
    if target is None or not rules.can_view(request.user, target):
        messages.error(request, _("Choose the initiative to join from the list."))
        return redirect(source)
    try:
        services.initiative_merge(source=source, target=target, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(source)
    messages.success(request, _("Forces joined: this is now the initiative you all carry."))
    return redirect(target)


@role_required(Role.FACILITATOR)
def triage(request: AgentRequest) -> HttpResponse:
    profile = request.GET.get("profile", "")
    profile = profile if profile in SupportProfile.values else ""
    mine = request.GET.get("mine") == "1"
    requests = queries.triage_queue(profile, request.user if mine else None)
    # Who may take a request: facilitators, and agents who offer a support-team profile.
    team = (
        Agent.objects.filter(is_active=True)
        .filter(Q(role__in=[Role.FACILITATOR, Role.ADMIN]) | Q(support_profiles__isnull=False))
        .distinct()
        .order_by("last_name", "first_name")
    )
    context = {
        "requests": requests[:200],
        "profiles": SupportProfile.choices,
        "profile": profile,
        "mine": mine,
        "team": team,
        "workload": queries.workload(),
    }
    return render(request, "initiatives/triage.html", context)


@role_required(Role.FACILITATOR)
@require_POST
def help_assign(request: AgentRequest, pk: int) -> HttpResponse:
    help_request = get_object_or_404(HelpRequest, pk=pk)
    assignee_id = request.POST.get("assignee", "")
    assignee = (
        request.user if not assignee_id.isdigit() else get_object_or_404(Agent, pk=int(assignee_id))
    )
    try:
        services.help_request_assign(request=help_request, by=request.user, assignee=assignee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Request assigned to %(name)s.") % {"name": assignee.full_name})
    return redirect("initiatives:triage")


@login_required
@require_POST
def help_close(request: AgentRequest, pk: int) -> HttpResponse:
    help_request = get_object_or_404(HelpRequest.objects.select_related("initiative"), pk=pk)
    try:
        services.help_request_close(
            request=help_request,
            by=request.user,
            help_given=request.POST.get("help_given", ""),
            cancelled=request.POST.get("cancel") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Request closed."))
    if request.POST.get("from") == "triage" and rules.is_facilitator(request.user):
        return redirect("initiatives:triage")
    return redirect(help_request.initiative)


@login_required
def dashboard(request: AgentRequest) -> HttpResponse:
    data = queries.dashboard()
    top = max([n for _s, _l, n in data.funnel] or [1]) or 1
    waiting = (
        queries.triage_queue()
        .filter(status=HelpRequest.Status.OPEN)
        .select_related("initiative")[:10]
    )
    context = {"data": data, "top": top, "waiting": waiting}
    return render(request, "initiatives/dashboard.html", context)


@login_required
def initiatives_map(request: AgentRequest) -> HttpResponse:
    form = ListFiltersForm(request.GET or None)
    filters = _filters(form)
    points, whole = queries.initiatives_map(request.user, filters)
    query_string = request.GET.urlencode()
    markers = [
        {
            "name": p.name,
            "lat": p.latitude,
            "lon": p.longitude,
            "count": p.count,
            "list": f"{reverse('initiatives:list')}?{query_string}&commune={p.insee_code}".replace(
                "?&", "?"
            ),
            "titles": [
                {"url": reverse("initiatives:detail", args=[pk]), "title": t} for pk, t in p.titles
            ],
        }
        for p in points
    ]
    context = {
        "form": form,
        "points": sorted(points, key=lambda p: (-p.count, p.name)),
        "markers": markers,
        "whole": whole,
        "query_string": query_string,
        "tiles": {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION},
    }
    return render(request, "initiatives/map.html", context)


@login_required
def initiatives_export(request: AgentRequest, fmt: str) -> HttpResponseBase:
    """The list as filtered on the page, as CSV or ODS."""
    form = ListFiltersForm(request.GET or None)
    filters = _filters(form)
    initiatives = queries.initiatives_list(request.user, filters)
    base_url = request.build_absolute_uri("/").rstrip("/")
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_lines(initiatives, base_url), content_type="text/csv; charset=utf-8"
        )
    else:
        if initiatives.count() > exports.ODS_MAX_ROWS:
            messages.error(
                request,
                _("Too many initiatives for a spreadsheet file (more than %(max)s): filter the "
                  "list, or download it as CSV.") % {"max": exports.ODS_MAX_ROWS},
            )  # fmt: skip
            return redirect(f"{reverse('initiatives:list')}?{request.GET.urlencode()}")
        response = HttpResponse(
            exports.ods_bytes(initiatives, base_url),
            content_type="application/vnd.oasis.opendocument.spreadsheet",
        )
    response["Content-Disposition"] = f'attachment; filename="initiatives-{stamp}.{fmt}"'
    return response
