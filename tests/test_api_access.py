"""Who may call which API endpoint, by session or personal token; and what comes back.

Like tests/test_access.py for the pages, the table must cover every route under /api/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from riposte.directory.models import Agent, AgentSupportProfile, ApiToken, Commune, Service, Site
from riposte.directory.services import api_token_create, api_token_revoke
from tests.coffee.access import API_ROUTES as COFFEE_API_ROUTES
from tests.cooperations.access import API_ROUTES as COOPERATIONS_API_ROUTES
from tests.norms.access import API_ROUTES as NORMS_API_ROUTES
from tests.workshops.access import API_ROUTES as WORKSHOPS_API_ROUTES

ROLES = ("agent", "facilitator", "decision_maker", "moderator", "admin", "outsider")
LOGGED_IN = ROLES[:-1]

AGENT_KEYS = {"id", "email", "first_name", "last_name", "job_title", "service", "site"}
ME_KEYS = AGENT_KEYS | {"role", "language", "support_profiles"}

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES = {
    "me": ("/api/me", 200, 401),
    "agents": ("/api/agents?q=", 200, 401),
    # The schema and its viewer are public: they describe the API, they hold no data.
    "openapi-json": ("/api/openapi.json", 200, 200),
    "openapi-view": ("/api/docs", 200, 200),
    "similar": ("/api/initiatives/similar?text=seniors", 200, 401),
    "initiative_list": ("/api/initiatives", 200, 401),
    "initiative_create": ("/api/initiatives", 200, 401),  # GET on it is the list
    "initiative_detail": ("/api/initiatives/999999", 404, 401),
    # POST-only: who may POST is in tests/initiatives/test_api.py.
    "initiative_move": ("/api/initiatives/1/stage", 405, 405),
    "initiative_support": ("/api/initiatives/1/support", 405, 405),
    # django-ninja's root only exists so that operation paths can be reversed.
    "api-root": ("/api/", 404, 404),
    **COOPERATIONS_API_ROUTES,
    **NORMS_API_ROUTES,
    **COFFEE_API_ROUTES,
    **WORKSHOPS_API_ROUTES,
}


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def token_client(agent: Agent) -> Client:
    _token, raw = api_token_create(agent=agent, name="script")
    return bearer(raw)


def _callers() -> Iterator[tuple[str, str]]:
    for role in LOGGED_IN:
        yield role, "session"
        yield role, "token"
    yield "outsider", "none"


@pytest.mark.parametrize(("role", "auth"), list(_callers()))
@pytest.mark.parametrize("name", list(API_ROUTES))
def test_api_access(name: str, role: str, auth: str, actors, client_for) -> None:
    path, logged_in_status, outsider_status = API_ROUTES[name]
    client = token_client(actors[role]) if auth == "token" else client_for(role)

    response = client.get(path)

    expected = outsider_status if role == "outsider" else logged_in_status
    assert response.status_code == expected
    if name == "me" and expected == 200:
        # The caller is who the session or the token says, not anybody else.
        assert response.json()["email"] == actors[role].email
        assert response.json()["role"] == actors[role].role
    if expected == 401:
        assert response.json() == {"detail": "Unauthorized"}


def _api_patterns() -> Iterator[str]:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "api/":
            for inner in pattern.url_patterns:
                assert isinstance(inner, URLPattern), "nested API routers: extend this walk"
                yield inner.name or str(inner.pattern)


def test_every_api_route_is_in_the_table() -> None:
    names = set(_api_patterns())
    assert {"me", "agents", "openapi-json"} <= names  # the walk really found the API
    missing = names - set(API_ROUTES)
    assert not missing, f"API routes without an access test in tests/test_api_access.py: {missing}"


def test_table_paths_are_the_routes(db) -> None:
    for name, (path, _logged_in, _outsider) in API_ROUTES.items():
        route = path.split("?")[0]
        numbers = [part for part in route.split("/") if part.isdigit()]
        kwargs = {"pk": numbers[0]} if numbers else None
        assert route == reverse(f"api:{name}", kwargs=kwargs)


# --- tokens --------------------------------------------------------------------------------------


def test_revoked_token_is_refused(agent) -> None:
    token, raw = api_token_create(agent=agent, name="script")
    assert bearer(raw).get("/api/me").status_code == 200
    api_token_revoke(agent=agent, token=token)
    response = bearer(raw).get("/api/me")
    assert response.status_code == 401
    assert bearer(raw).get("/api/agents").status_code == 401


def test_inactive_agents_token_is_refused(agent) -> None:
    _token, raw = api_token_create(agent=agent, name="script")
    agent.is_active = False
    agent.save()
    assert bearer(raw).get("/api/me").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer garbage",
        "Bearer ",
        "Bearer rip_" + "x" * 43,
        "Token {raw}",  # the right secret with the wrong scheme
        "{raw}",
        "Basic YWxpY2VAZXhhbXBsZS5vcmc6YS1sb25nLXRlc3QtcGFzc3dvcmQ=",  # alice's real password
    ],
)
def test_garbage_credentials_are_refused(header: str, agent) -> None:
    _token, raw = api_token_create(agent=agent, name="script")
    response = Client(headers={"Authorization": header.format(raw=raw)}).get("/api/me")
    assert response.status_code == 401


def test_a_token_with_a_changed_character_is_refused(agent) -> None:
    _token, raw = api_token_create(agent=agent, name="script")
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert bearer(tampered).get("/api/me").status_code == 401


def test_token_use_is_recorded(agent) -> None:
    token, raw = api_token_create(agent=agent, name="script")
    assert token.last_used_at is None
    bearer(raw).get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert (timezone.now() - token.last_used_at).total_seconds() < 60


def test_a_token_does_not_open_the_web_pages(agent) -> None:
    """Tokens are for the API: the HTML pages still want a login."""
    client = token_client(agent)
    response = client.get("/me/")
    assert (response.status_code, response["Location"]) == (302, "/auth/login/?next=/me/")


def test_the_token_is_not_a_key_to_someone_elses_data(agent, facilitator) -> None:
    response = token_client(facilitator).get("/api/me")
    assert response.json()["email"] == "fanny@example.org"
    assert response.json()["id"] == facilitator.pk != agent.pk


def test_only_the_tokens_hash_is_stored(agent) -> None:
    _token, raw = api_token_create(agent=agent, name="script")
    stored = ApiToken.objects.values().get()
    assert raw not in [str(value) for value in stored.values()]


# --- shapes --------------------------------------------------------------------------------------


def test_me_shape(client_for, agent) -> None:
    AgentSupportProfile.objects.create(agent=agent, profile="legal")
    AgentSupportProfile.objects.create(agent=agent, profile="data")
    agent.job_title = "Juriste"
    agent.save()

    body = client_for("agent").get("/api/me").json()

    assert set(body) == ME_KEYS
    assert body["id"] == agent.pk
    assert body["email"] == "alice@example.org"
    assert (body["first_name"], body["last_name"], body["job_title"]) == (
        "Célia",
        "Navarro",
        "Juriste",
    )
    assert body["role"] == "agent"
    assert body["language"] == "fr"
    assert sorted(body["support_profiles"]) == ["data", "legal"]
    assert body["service"] == {
        "code": "DEF-01",
        "name": "Aide sociale à l'enfance",
        "level": "service",
    }
    assert body["site"] is None


def test_agents_shape(client_for, agent) -> None:
    commune = Commune.objects.create(
        insee_code="35238", name="Rennes", latitude=48.11, longitude=-1.68
    )
    agent.site = Site.objects.create(name="Hôtel du département", commune=commune)
    agent.save()
    # An agent without a service.
    Agent.objects.create_user("nobody@example.org", "x", first_name="Zoé", last_name="Zola")

    body = client_for("facilitator").get("/api/agents", {"q": ""}).json()

    assert all(set(item) == AGENT_KEYS for item in body)
    celia = next(item for item in body if item["id"] == agent.pk)
    assert celia == {
        "id": agent.pk,
        "email": "alice@example.org",
        "first_name": "Célia",
        "last_name": "Navarro",
        "job_title": "",
        "service": {"code": "DEF-01", "name": "Aide sociale à l'enfance", "level": "service"},
        "site": "Hôtel du département",
    }
    zoe = next(item for item in body if item["email"] == "nobody@example.org")
    assert zoe["service"] is None
    # The directory API never shows a role, a password hash or the support profiles of others.
    assert "role" not in celia and "password" not in celia


def test_agents_are_sorted_by_name(client_for, actors) -> None:
    body = client_for("agent").get("/api/agents").json()
    assert [item["last_name"] for item in body] == [
        "Colas",
        "Lebon",
        "Marceau",
        "Navarro",
        "Tixier",
    ]


def test_inactive_agents_are_not_listed(client_for, actors) -> None:
    moderator = actors["moderator"]
    moderator.is_active = False
    moderator.save()
    body = client_for("agent").get("/api/agents").json()
    assert moderator.pk not in [item["id"] for item in body]
    assert len(body) == 4


# --- limits --------------------------------------------------------------------------------------


@pytest.fixture
def crowd(service) -> None:
    """110 more agents: more than the hard limit of 100."""
    for i in range(110):
        Agent(email=f"crowd{i:03}@example.org", last_name=f"Crowd{i:03}", service=service).save()


def test_limit_is_clamped_to_100(client_for, crowd) -> None:
    client = client_for("agent")
    assert len(client.get("/api/agents", {"limit": 1000}).json()) == 100
    assert len(client.get("/api/agents", {"limit": 100}).json()) == 100
    assert len(client.get("/api/agents", {"limit": 0}).json()) == 1
    assert len(client.get("/api/agents", {"limit": -5}).json()) == 1


def test_default_limit_and_offset(client_for, crowd) -> None:
    client = client_for("agent")
    first = client.get("/api/agents").json()
    assert len(first) == 20
    second = client.get("/api/agents", {"offset": 20}).json()
    assert len(second) == 20
    assert not {item["id"] for item in first} & {item["id"] for item in second}
    assert client.get("/api/agents", {"offset": -3}).json() == first
    assert client.get("/api/agents", {"offset": 10_000}).json() == []


def test_non_numeric_limit_is_a_client_error(client_for) -> None:
    assert client_for("agent").get("/api/agents", {"limit": "lots"}).status_code == 422


# --- search --------------------------------------------------------------------------------------


def _found(client: Client, q: str) -> set[str]:
    response = client.get("/api/agents", {"q": q})
    assert response.status_code == 200
    return {item["email"] for item in response.json()}


def test_search_ignores_accents_and_case(client_for, actors) -> None:
    client = client_for("moderator")
    assert _found(client, "celia") == {"alice@example.org"}
    assert _found(client, "CÉLIA") == {"alice@example.org"}
    assert _found(client, "NAVARRO") == {"alice@example.org"}
    assert _found(client, "navarro") == {"alice@example.org"}


def test_search_needs_every_word(client_for, actors) -> None:
    client = client_for("agent")
    assert _found(client, "celia navarro") == {"alice@example.org"}
    assert _found(client, "navarro   celia") == {"alice@example.org"}
    assert _found(client, "celia lebon") == set()
    assert _found(client, "fanny lebon") == {"fanny@example.org"}


def test_search_covers_service_and_job(client_for, actors) -> None:
    other = Service.objects.create(code="RH", name="Ressources humaines", level="direction")
    Agent.objects.create_user(
        "rh@example.org", "x", last_name="Roux", job_title="Gestionnaire paie", service=other
    )
    client = client_for("agent")
    assert _found(client, "ressources") == {"rh@example.org"}
    assert _found(client, "gestionnaire") == {"rh@example.org"}
    assert _found(client, "enfance") == {a.email for a in actors.values() if a is not None}


def test_empty_search_lists_everyone(client_for, actors) -> None:
    assert len(_found(client_for("agent"), "")) == 5


# --- schema --------------------------------------------------------------------------------------


def test_openapi_is_public_and_documents_the_api(client_for) -> None:
    response = client_for("outsider").get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert schema["info"]["title"] == "Riposte API"
    assert {"/api/me", "/api/agents"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/me"]) == {"get"}
    params = {p["name"] for p in schema["paths"]["/api/agents"]["get"]["parameters"]}
    assert params == {"q", "limit", "offset"}
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    # The schema describes; it must not leak anybody's data.
    assert "example.org" not in response.content.decode()


def test_api_is_read_only(client_for) -> None:
    client = client_for("admin")
    assert client.post("/api/me").status_code == 405
    assert client.delete("/api/agents").status_code == 405
