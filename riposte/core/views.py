from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from riposte.core.http import AgentRequest
from riposte.core.models import Notification
from riposte.core.modules import MODULES
from riposte.core.notifications import notifications_mark_read


@login_required
def home(request: AgentRequest) -> HttpResponse:
    notifications = list(Notification.objects.filter(recipient=request.user)[:5])
    return render(request, "core/home.html", {"notifications": notifications})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # any failure means "down"; the reason goes to the logs, not to the world
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


@login_required
def notifications(request: AgentRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient=request.user)[:100]
    return render(request, "core/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request: AgentRequest) -> HttpResponse:
    raw_ids = request.POST.getlist("id")
    ids = [int(i) for i in raw_ids if i.isdigit()] if raw_ids else None
    notifications_mark_read(agent=request.user, ids=ids)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=settings.HTTPS
    ):
        target = reverse("notifications")
    return redirect(target)


@login_required
def module(request: HttpRequest, slug: str) -> HttpResponse:
    """The module pages, in their empty state until each module's issue lands."""
    current = next((m for m in MODULES if m.slug == slug), None)
    if current is None:
        raise Http404
    if current.url_name:  # built: its own pages (old links and bookmarks still lead there)
        return redirect(current.url)
    return render(request, "core/module.html", {"module": current})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the agent's profile so e-mails follow it."""
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        # request.user is a lazy proxy: type() of it is not the model.
        get_user_model().objects.filter(pk=request.user.pk).update(language=language)
    return response
