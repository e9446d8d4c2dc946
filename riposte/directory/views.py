from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.core import ratelimit
from riposte.core.http import AgentRequest
from riposte.core.participation import participation_for
from riposte.core.permissions import role_required
from riposte.directory import oidc
from riposte.directory.forms import ImportForm, LoginForm, ProfileForm, TokenForm
from riposte.directory.importer import directory_import
from riposte.directory.models import Agent, ApiToken, Service
from riposte.directory.queries import agents_search
from riposte.directory.services import agent_update_profile, api_token_create, api_token_revoke


def _client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind PROXY_COUNT trusted proxies, each appends the address it saw
    to X-Forwarded-For: the visitor's is the one the outermost trusted proxy appended."""
    if settings.PROXY_COUNT:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def _login(request: HttpRequest, agent: Agent, target: str) -> HttpResponse:
    """Log in and apply the agent's language, whatever browser they come from."""
    login(request, agent, backend="django.contrib.auth.backends.ModelBackend")
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, agent.language, samesite="Lax", secure=settings.HTTPS
    )
    return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=settings.HTTPS):
        return target
    return reverse("home")


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        # Per e-mail (guessing one agent's password) and, more loosely, per address (one machine
        # trying many agents; a whole office may share one address).
        limits = {
            f"login:email:{email}": settings.LOGIN_RATE_LIMIT,
            f"login:ip:{_client_ip(request)}": settings.LOGIN_RATE_LIMIT_PER_ADDRESS,
        }
        window = settings.LOGIN_RATE_WINDOW
        if any(ratelimit.is_blocked(k, limit=n) for k, n in limits.items()):
            form.add_error(
                None,
                _("Too many failed attempts. Wait %(minutes)s minutes and try again.")
                % {"minutes": window // 60},
            )
            status = 429
        else:
            agent = authenticate(request, email=email, password=form.cleaned_data["password"])
            if agent is not None:
                ratelimit.reset(f"login:email:{email}")
                return _login(request, agent, _safe_next(request))
            for key, n in limits.items():
                ratelimit.hit(key, limit=n, window=window)
            form.add_error(None, _("E-mail or password incorrect."))
    return render(
        request,
        "directory/login.html",
        {
            "form": form,
            "oidc_enabled": oidc.is_enabled(),
            "oidc_label": settings.OIDC_LABEL,
            "next": request.GET.get("next", ""),
        },
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    id_token = request.session.get("oidc_id_token")
    logout(request)
    if id_token and oidc.is_enabled() and (url := oidc.logout_url(id_token)):
        return redirect(url)
    return redirect("login")


def oidc_login(request: HttpRequest) -> HttpResponse:
    if not oidc.is_enabled():
        raise Http404
    try:
        return redirect(oidc.authorization_url(request.session))
    except oidc.OIDCError:
        messages.error(
            request,
            _("%(provider)s cannot be reached. Try again later.")
            % {"provider": settings.OIDC_LABEL},
        )
        return redirect("login")


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc.is_enabled():
        raise Http404
    if request.GET.get("error"):
        messages.error(
            request,
            _("The login was cancelled or refused by %(provider)s.")
            % {"provider": settings.OIDC_LABEL},
        )
        return redirect("login")
    try:
        claims, id_token = oidc.complete(
            request.session, code=request.GET.get("code", ""), state=request.GET.get("state", "")
        )
    except oidc.OIDCError:
        messages.error(
            request,
            _("The login with %(provider)s failed. Please start again.")
            % {"provider": settings.OIDC_LABEL},
        )
        return redirect("login")
    try:
        agent = oidc.agent_for_claims(claims)
    except oidc.AgentInactive:
        messages.error(
            request,
            _("Your account (%(email)s) is deactivated. Ask your administrator.")
            % {"email": claims.email},
        )
        return redirect("login")
    if agent is None:
        messages.error(
            request,
            _(
                "Your account (%(email)s) is not in Riposte's directory. Ask your administrator to add you."
            )
            % {"email": claims.email},
        )
        return redirect("login")
    response = _login(request, agent, reverse("home"))
    request.session["oidc_id_token"] = id_token
    return response


@login_required
def directory(request: AgentRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(agents_search(query), 30).get_page(request.GET.get("page"))
    context = {"query": query, "page": page}
    if request.htmx:
        return render(request, "directory/directory.html#results", context)
    return render(request, "directory/directory.html", context)


@login_required
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agent = get_object_or_404(
        Agent.objects.select_related("service__parent__parent", "site__commune").prefetch_related(
            "skills", "support_profiles"
        ),
        pk=pk,
        is_active=True,
    )
    participation = participation_for(agent)
    return render(request, "directory/agent.html", {"agent": agent, "participation": participation})


@login_required
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("parent__parent"), code=code)
    children = service.children.annotate(agent_count=Count("agents"))
    agents = service.agents.filter(is_active=True).order_by("last_name", "first_name")
    return render(
        request,
        "directory/service.html",
        {"service": service, "children": children, "agents": agents},
    )


@login_required
def profile(request: AgentRequest) -> HttpResponse:
    agent = request.user
    initial = {
        "job_title": agent.job_title,
        "phone": agent.phone,
        "skills": ", ".join(s.name for s in agent.skills.all()),
        "support_profiles": list(agent.support_profiles.values_list("profile", flat=True)),
        "email_frequency": agent.email_frequency,
        "language": agent.language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agent_update_profile(agent=agent, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            response = redirect("profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, agent.language, samesite="Lax", secure=settings.HTTPS
            )
            return response
    tokens = agent.api_tokens.filter(revoked_at__isnull=True)
    return render(
        request,
        "directory/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": tokens,
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def token_create(request: AgentRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, raw = api_token_create(agent=request.user, name=form.cleaned_data["name"])
        # Shown once on the next page, then gone: only its hash is stored.
        request.session["new_token"] = raw
    else:
        messages.error(request, _("Give the token a name."))
    return redirect(reverse("profile") + "#tokens")


@login_required
@require_POST
def token_revoke(request: AgentRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, agent=request.user)
    api_token_revoke(agent=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(reverse("profile") + "#tokens")


@role_required("admin")
def import_directory(request: AgentRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.IMPORT_MAX_BYTES + 1)
        report = directory_import(
            data=data, actor=request.user, dry_run=form.cleaned_data["dry_run"]
        )
    # A refused file is a 400, whether the form (an empty upload) or the importer refused it.
    refused = request.method == "POST" and (report is None or not report.ok)
    status = 400 if refused else 200
    return render(request, "directory/import.html", {"form": form, "report": report}, status=status)
