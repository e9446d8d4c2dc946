"""Riposte's URLs plus two bare Django views, the ceilings the benchmarks compare pages to.

Both go through the same server, ASGI handler and middleware stack as every page. `bare` touches
neither the session nor the database nor a template; `bare_login` adds what every logged-in page
pays before its own work: the session and the agent read from the database.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from riposte.urls import urlpatterns as riposte_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
def bare_login(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare, name="bench-bare"),
    path("bench/bare-login", bare_login, name="bench-bare-login"),
    *riposte_urlpatterns,
]
