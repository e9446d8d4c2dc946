"""Who may reach which page: one row per URL and method, one expected outcome per actor.

The table must cover every URL pattern of the site (the API has its own table in test_api_access.py,
Django's admin is Django's): a new view without a row here fails `test_every_url_is_in_the_table`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from riposte.directory.models import Agent
from riposte.directory.services import api_token_create
from riposte.initiatives.models import Initiative
from riposte.initiatives.services import InitiativeData, help_request_open, initiative_create
from tests.access_table import (
    LOGGED_IN,
    LOGIN,
    OBJECT,
    ROLES,
    SKIPPED_INCLUDES,
    Redirect,
    Route,
    everyone,
    logged_in,
    only,
)
from tests.coffee.access import ROUTES as COFFEE_ROUTES
from tests.cooperations.access import ROUTES as COOPERATIONS_ROUTES
from tests.norms.access import ROUTES as NORMS_ROUTES
from tests.workshops.access import ROUTES as WORKSHOPS_ROUTES


def _agent_page(actors: dict[str, Agent | None]) -> str:
    return reverse("directory:agent", args=[actors["agent"].pk])  # type: ignore[union-attr]


def _service_page(actors: dict[str, Agent | None]) -> str:
    return reverse("directory:service", args=[actors["agent"].service.code])  # type: ignore[union-attr]


def _module_page(actors: dict[str, Agent | None]) -> str:
    return reverse("module", args=["workshops"])  # built: old links lead to its own pages


def _revoke_alices_token(actors: dict[str, Agent | None]) -> str:
    """The token belongs to the `agent` actor: nobody else may revoke it, not even an admin."""
    token, _raw = api_token_create(agent=actors["agent"], name="script")  # type: ignore[arg-type]
    return reverse("token-revoke", args=[token.pk])


TOKENS = "/me/#tokens"


def _initiative(actors: dict[str, Any], *, draft: bool = False, title: str = "") -> Initiative:
    """An initiative by the `agent` actor, published unless `draft`."""
    data = InitiativeData(
        title=title or "Appeler les aînés isolés pendant la canicule",
        problem="Des personnes âgées restent seules chez elles sans nouvelles.",
        idea="Une équipe d'agents volontaires les appelle chaque jour.",
        whole_department=True,
    )
    return initiative_create(author=actors["agent"], data=data, submit=not draft)


def _made(actors: dict[str, Any], initiative: Initiative) -> Initiative:
    actors["made"] = initiative.get_absolute_url()
    return initiative


def _initiative_url(name: str, *, draft: bool = False) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        return reverse(name, args=[_made(actors, _initiative(actors, draft=draft)).pk])

    return build


def _help_request_url(name: str) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        initiative = _made(actors, _initiative(actors))
        request = help_request_open(initiative=initiative, by=actors["agent"], profile="design")
        return reverse(name, args=[request.pk])

    return build


def _merge_url(actors: dict[str, Any]) -> str:
    source = _initiative(actors, title="Téléphoner chaque jour aux personnes âgées seules")
    target = _made(actors, _initiative(actors))
    actors["target"] = target.pk
    return reverse("initiatives:merge", args=[source.pk])


def _similar_url(actors: dict[str, Any]) -> str:
    _initiative(actors)
    return reverse("initiatives:similar") + "?title=Appeler+les+seniors&problem=Ils+sont+seuls"


AUTHORS_AND_FACILITATORS = ("agent", "facilitator", "admin")
FACILITATORS = ("facilitator", "admin")

ROUTES = [
    Route("home", "GET", logged_in(200)),
    Route("healthz", "GET", everyone(200)),
    Route("notifications", "GET", logged_in(200)),
    Route("notifications-read", "GET", logged_in(405)),
    Route("notifications-read", "POST", logged_in(Redirect("/notifications/"))),
    Route("set-language", "GET", everyone(405)),
    Route("set-language", "POST", everyone(Redirect("/")), data={"language": "en", "next": "/"}),
    Route("module", "GET", logged_in(Redirect("/workshops/")), path=_module_page),
    Route("login", "GET", {**dict.fromkeys(LOGGED_IN, Redirect("/")), "outsider": 200}),
    Route("logout", "GET", everyone(405)),
    Route("logout", "POST", everyone(Redirect("/auth/login/"))),
    # OIDC is off unless OIDC_ISSUER is set, which it is not in tests.
    Route("oidc-login", "GET", everyone(404)),
    Route("oidc-callback", "GET", everyone(404)),
    Route("profile", "GET", logged_in(200)),
    Route("token-create", "GET", logged_in(405)),
    Route("token-create", "POST", logged_in(Redirect(TOKENS)), data={"name": "my script"}),
    Route("token-revoke", "GET", logged_in(405), path=_revoke_alices_token),
    Route(
        "token-revoke",
        "POST",
        {**logged_in(404), "agent": Redirect(TOKENS)},
        path=_revoke_alices_token,
    ),
    Route("directory:search", "GET", logged_in(200)),
    Route("directory:agent", "GET", logged_in(200), path=_agent_page),
    Route("directory:service", "GET", logged_in(200), path=_service_page),
    Route("directory:import", "GET", only(("admin",), 200)),
    # Without a file the form is refused (400): what matters here is who gets that far.
    Route("directory:import", "POST", only(("admin",), 400), data={"dry_run": "on"}),
    Route("initiatives:list", "GET", logged_in(200)),
    Route("initiatives:dashboard", "GET", logged_in(200)),
    Route("initiatives:map", "GET", logged_in(200)),
    Route(
        "initiatives:export", "GET", logged_in(200), path=lambda actors: "/initiatives/export.csv"
    ),
    Route(
        "initiatives:export", "GET", logged_in(200), path=lambda actors: "/initiatives/export.ods"
    ),
    Route("initiatives:new", "GET", logged_in(200)),
    # An empty form is refused (200, with its errors); a complete one is published.
    Route("initiatives:new", "POST", logged_in(200), data={"title": ""}),
    Route("initiatives:autosave", "GET", logged_in(405)),
    Route("initiatives:autosave", "POST", logged_in(200), data={"title": "Un brouillon"}),
    Route("initiatives:similar", "GET", logged_in(200), path=_similar_url),
    Route("initiatives:detail", "GET", logged_in(200), path=_initiative_url("initiatives:detail")),
    # A draft is its authors' own: for anyone else it does not exist.
    Route(
        "initiatives:detail",
        "GET",
        {**logged_in(404), "agent": 200},
        path=_initiative_url("initiatives:detail", draft=True),
    ),
    Route(
        "initiatives:edit",
        "GET",
        only(AUTHORS_AND_FACILITATORS, 200),
        path=_initiative_url("initiatives:edit"),
    ),
    Route(
        "initiatives:edit",
        "GET",
        {**logged_in(404), "agent": 200},
        path=_initiative_url("initiatives:edit", draft=True),
    ),
    Route(
        "initiatives:support", "GET", logged_in(405), path=_initiative_url("initiatives:support")
    ),
    Route(
        "initiatives:support",
        "POST",
        logged_in(OBJECT),
        path=_initiative_url("initiatives:support"),
    ),
    Route("initiatives:follow", "GET", logged_in(405), path=_initiative_url("initiatives:follow")),
    Route(
        "initiatives:follow", "POST", logged_in(OBJECT), path=_initiative_url("initiatives:follow")
    ),
    Route("initiatives:move", "GET", logged_in(405), path=_initiative_url("initiatives:move")),
    Route(
        "initiatives:move",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_initiative_url("initiatives:move"),
        data={"to_stage": "qualifiee", "reason": "Le besoin est confirmé."},
    ),
    Route(
        "initiatives:contribute",
        "GET",
        logged_in(405),
        path=_initiative_url("initiatives:contribute"),
    ),
    Route(
        "initiatives:contribute",
        "POST",
        logged_in(OBJECT),
        path=_initiative_url("initiatives:contribute"),
        data={"skill": "graphisme"},
    ),
    Route(
        "initiatives:ask-help", "GET", logged_in(405), path=_initiative_url("initiatives:ask-help")
    ),
    Route(
        "initiatives:ask-help",
        "POST",
        only(AUTHORS_AND_FACILITATORS, OBJECT),
        path=_initiative_url("initiatives:ask-help"),
        data={"profile": "legal"},
    ),
    Route(
        "initiatives:comment", "GET", logged_in(405), path=_initiative_url("initiatives:comment")
    ),
    Route(
        "initiatives:comment",
        "POST",
        logged_in(OBJECT),
        path=_initiative_url("initiatives:comment"),
        data={"body": "Bravo !"},
    ),
    Route("initiatives:merge", "GET", logged_in(405), path=_merge_url),
    Route(
        "initiatives:merge",
        "POST",
        only(AUTHORS_AND_FACILITATORS, OBJECT),
        path=_merge_url,
        data=lambda actors: {"target": actors["target"]},
    ),
    Route("initiatives:triage", "GET", only(FACILITATORS, 200)),
    Route(
        "initiatives:help-assign",
        "GET",
        only(FACILITATORS, 405),
        path=_help_request_url("initiatives:help-assign"),
    ),
    Route(
        "initiatives:help-assign",
        "POST",
        only(FACILITATORS, Redirect("/initiatives/triage/")),
        path=_help_request_url("initiatives:help-assign"),
    ),
    Route(
        "initiatives:help-close",
        "GET",
        logged_in(405),
        path=_help_request_url("initiatives:help-close"),
    ),
    # Closing is for the support team; the authors may only cancel their request.
    Route(
        "initiatives:help-close",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_help_request_url("initiatives:help-close"),
        data={"help_given": "Atelier de conception d'une heure."},
    ),
    Route(
        "initiatives:help-close",
        "POST",
        only(AUTHORS_AND_FACILITATORS, OBJECT),
        path=_help_request_url("initiatives:help-close"),
        data={"cancel": "1"},
    ),
    *COOPERATIONS_ROUTES,
    *NORMS_ROUTES,
    *COFFEE_ROUTES,
    *WORKSHOPS_ROUTES,
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_access(route: Route, role: str, actors, client_for) -> None:
    actors = dict(actors)
    url = route.url(actors)
    client = client_for(role)
    data = route.data(actors) if callable(route.data) else route.data
    response = client.post(url, data) if route.method == "POST" else client.get(url)

    expected = route.expect[role]
    if isinstance(expected, Redirect):
        target = {
            LOGIN: f"/auth/login/?next={quote(url, safe='/')}",
            OBJECT: actors.get("made"),
        }.get(expected, expected.to)
        assert (response.status_code, response["Location"]) == (302, target)
    else:
        assert response.status_code == expected


def test_table_has_every_role() -> None:
    for route in ROUTES:
        assert set(route.expect) == set(ROLES), route.id


def _named_patterns(
    patterns: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(qualified name, route) of every pattern, outside the skipped includes."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not prefix and str(pattern.pattern) in SKIPPED_INCLUDES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            # An unnamed pattern cannot be in the table: report it by its route.
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


def test_every_url_is_in_the_table() -> None:
    tested = {route.name for route in ROUTES if route.method == "GET"}
    missing = {
        name: route
        for name, route in _named_patterns(get_resolver().url_patterns)
        if name not in tested
    }
    assert not missing, f"URL patterns without an access test in tests/test_access.py: {missing}"


def test_the_walk_finds_the_known_urls() -> None:
    """Guards the guard: a walk that found nothing would make the test above pass vacuously."""
    names = dict(_named_patterns(get_resolver().url_patterns))
    assert names["home"] == ""
    assert names["directory:import"] == "directory/import/"
    assert names["token-revoke"] == "me/tokens/<int:pk>/revoke/"
    assert not any(route.startswith(SKIPPED_INCLUDES) for route in names.values())


def test_post_only_views_have_a_post_row() -> None:
    """A view that answers GET with 405 is POST-only: its POST must be in the table too."""
    posted = {route.name for route in ROUTES if route.method == "POST"}
    for route in ROUTES:
        if route.method == "GET" and 405 in route.expect.values():
            assert route.name in posted, route.name


def test_unknown_module_is_404(client_for) -> None:
    assert client_for("agent").get(reverse("module", args=["nope"])).status_code == 404


@pytest.mark.parametrize("role", LOGGED_IN)
def test_admin_site_is_for_administrators_only(role: str, client_for) -> None:
    response = client_for(role).get("/admin/")
    if role == "admin":
        assert response.status_code == 200
    else:
        assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")


def test_admin_site_sends_the_outsider_to_its_login(client_for) -> None:
    response = client_for("outsider").get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")
