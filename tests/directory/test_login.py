"""Local login and logout, the login rate limit, the first administrator, the language switch."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.translation import override

from riposte.directory.models import Agent, Role
from tests.conftest import PASSWORD

HTML_LANG = re.compile(r'<html lang="([a-z-]+)">')


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The local-memory cache outlives a test: counters left behind would block other tests' logins.
    cache.clear()
    yield
    cache.clear()


def login(client: Client, email: str, password: str, **extra):
    return client.post("/auth/login/", {"email": email, "password": password, **extra})


def logged_in_as(client: Client) -> int | None:
    pk = client.session.get(SESSION_KEY)
    return int(pk) if pk is not None else None


def page_language(response) -> str:
    return HTML_LANG.search(response.content.decode()).group(1)  # type: ignore[union-attr]


# --- local login ---------------------------------------------------------------------------------


def test_login_page(client) -> None:
    response = client.get("/auth/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html and 'name="password"' in html
    assert page_language(response) == "fr"
    assert 'href="/auth/oidc/login/"' not in html  # no ProConnect button when OIDC is off


def test_login_with_email_and_password(client, agent) -> None:
    response = login(client, "alice@example.org", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert logged_in_as(client) == agent.pk
    assert client.get("/").status_code == 200


def test_login_email_is_case_insensitive(client, agent) -> None:
    response = login(client, "  Alice@EXAMPLE.org ", PASSWORD)
    assert response.status_code == 302
    assert logged_in_as(client) == agent.pk


def test_wrong_password(client, agent) -> None:
    response = login(client, "alice@example.org", "not-the-password")
    assert response.status_code == 200
    with override("fr"):
        assert "Courriel ou mot de passe incorrect." in response.content.decode()
    assert logged_in_as(client) is None


def test_unknown_email_gets_the_same_message(client, agent) -> None:
    wrong_password = login(client, "alice@example.org", "not-the-password").content.decode()
    unknown = login(client, "nobody@example.org", PASSWORD).content.decode()
    assert "Courriel ou mot de passe incorrect." in unknown
    assert "Courriel ou mot de passe incorrect." in wrong_password


def test_inactive_agent_cannot_log_in(client, agent) -> None:
    agent.is_active = False
    agent.save()
    response = login(client, "alice@example.org", PASSWORD)
    assert response.status_code == 200
    assert logged_in_as(client) is None


def test_password_is_required(client, agent) -> None:
    response = login(client, "alice@example.org", "")
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert logged_in_as(client) is None


@pytest.mark.parametrize("target", ["/directory/", "/me/?tab=tokens"])
def test_next_is_honoured_for_local_urls(target: str, client, agent) -> None:
    response = login(client, "alice@example.org", PASSWORD, next=target)
    assert (response.status_code, response["Location"]) == (302, target)


def test_next_from_the_query_string(client, agent) -> None:
    page = client.get("/auth/login/", {"next": "/directory/"}).content.decode()
    assert '<input type="hidden" name="next" value="/directory/">' in page
    response = client.post(
        "/auth/login/?next=/directory/", {"email": "alice@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/directory/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(target: str, client, agent) -> None:
    response = login(client, "alice@example.org", PASSWORD, next=target)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert logged_in_as(client) == agent.pk


def test_logged_in_agent_is_sent_home(client_for) -> None:
    response = client_for("agent").get("/auth/login/")
    assert (response.status_code, response["Location"]) == (302, "/")


# --- rate limit ----------------------------------------------------------------------------------


def test_rate_limit_per_email(client, agent, settings) -> None:
    settings.LOGIN_RATE_LIMIT = 3
    for attempt in range(3):
        # The e-mail's case does not give extra attempts.
        email = "alice@example.org" if attempt % 2 else "ALICE@example.org"
        assert login(client, email, "wrong").status_code == 200

    response = login(client, "alice@example.org", PASSWORD)

    assert response.status_code == 429
    assert logged_in_as(client) is None
    with override("fr"):
        assert (
            "Trop de tentatives échouées. Attendez 15 minutes et réessayez."
            in response.content.decode()
        )
    # From another address, the e-mail is still blocked.
    assert login(Client(REMOTE_ADDR="10.0.0.2"), "alice@example.org", PASSWORD).status_code == 429


def test_rate_limit_uses_the_setting(client, agent, settings) -> None:
    """One failure fewer than the limit still lets the right password in."""
    for _ in range(settings.LOGIN_RATE_LIMIT - 1):
        login(client, "alice@example.org", "wrong")
    assert login(client, "alice@example.org", PASSWORD).status_code == 302
    assert logged_in_as(client) == agent.pk


def test_default_rate_limit_blocks_the_next_attempt(client, agent, settings) -> None:
    for _ in range(settings.LOGIN_RATE_LIMIT):
        login(client, "alice@example.org", "wrong")
    assert login(client, "alice@example.org", PASSWORD).status_code == 429
    assert logged_in_as(client) is None


def test_success_resets_the_emails_counter(agent, settings) -> None:
    settings.LOGIN_RATE_LIMIT = 3
    for n in range(3):
        client = Client(REMOTE_ADDR=f"10.0.1.{n}")
        login(client, "alice@example.org", "wrong")
        login(client, "alice@example.org", "wrong")
        assert login(client, "alice@example.org", PASSWORD).status_code == 302


def test_rate_limit_per_address(client, agent, facilitator, settings) -> None:
    """Trying many e-mails from one address blocks the address, whatever the e-mail."""
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 3
    for n in range(3):
        login(client, f"guess{n}@example.org", "wrong")
    assert login(client, "alice@example.org", PASSWORD).status_code == 429
    # Alice herself, from her own desk, is not locked out.
    other = Client(REMOTE_ADDR="10.0.0.3")
    assert login(other, "alice@example.org", PASSWORD).status_code == 302


# --- logout --------------------------------------------------------------------------------------


def test_logout_is_post_only(client_for, agent) -> None:
    client = client_for("agent")
    assert client.get("/auth/logout/").status_code == 405
    assert logged_in_as(client) == agent.pk
    assert client.get("/").status_code == 200


def test_logout_ends_the_session(client, agent) -> None:
    login(client, "alice@example.org", PASSWORD)
    session_key = client.session.session_key

    response = client.post("/auth/logout/")

    assert (response.status_code, response["Location"]) == (302, "/auth/login/")
    assert logged_in_as(client) is None
    assert client.session.session_key != session_key
    assert client.get("/")["Location"] == "/auth/login/?next=/"
    # The old session cookie is worthless now.
    replay = Client()
    replay.cookies["sessionid"] = session_key
    assert replay.get("/").status_code == 302


# --- first administrator -------------------------------------------------------------------------


def test_createsuperuser_creates_an_administrator(client, db, monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-strong-admin-password")
    call_command(
        "createsuperuser",
        "--noinput",
        "--email",
        "Root@Example.org",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    admin = Agent.objects.get(email="root@example.org")
    assert admin.role == Role.ADMIN
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.check_password("a-strong-admin-password")

    assert login(client, "root@example.org", "a-strong-admin-password").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/directory/agent/").status_code == 200
    assert client.get("/directory/import/").status_code == 200


def test_createsuperuser_refuses_an_invalid_email(db, monkeypatch) -> None:
    """Django's e-mail validation applies: "x@y.z" has a one-letter top-level domain."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-strong-admin-password")
    with pytest.raises(CommandError):
        call_command(
            "createsuperuser", "--noinput", "--email", "x@y.z", stdout=StringIO(), stderr=StringIO()
        )
    assert not Agent.objects.exists()


# --- language ------------------------------------------------------------------------------------


def test_language_switch_for_an_agent(client_for, agent) -> None:
    client = client_for("agent")
    assert page_language(client.get("/")) == "fr"

    response = client.post("/language/", {"language": "en", "next": "/directory/"})

    assert (response.status_code, response["Location"]) == (302, "/directory/")
    assert page_language(client.get("/")) == "en"
    agent.refresh_from_db()
    assert agent.language == "en"


def test_language_switch_for_the_outsider(client) -> None:
    client.post("/language/", {"language": "en"})
    response = client.get("/auth/login/")
    assert page_language(response) == "en"
    assert "Log in to Riposte" in response.content.decode()


def test_unknown_language_changes_nothing(client_for, agent) -> None:
    client = client_for("agent")
    client.post("/language/", {"language": "de"})
    assert page_language(client.get("/")) == "fr"
    agent.refresh_from_db()
    assert agent.language == "fr"


def test_language_switch_does_not_redirect_off_site(client) -> None:
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_an_office_sharing_one_address_is_not_locked_by_one_agent(client, agent, settings) -> None:
    """The per-address limit is looser than the per-e-mail one: one agent's typos do not lock
    out every colleague behind the same address."""
    for _ in range(settings.LOGIN_RATE_LIMIT):
        login(client, "someone@example.org", "wrong")
    assert login(client, "alice@example.org", PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_limited(agent, settings) -> None:
    settings.PROXY_COUNT = 1
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 2
    # Every request reaches the app from the proxy (127.0.0.1); the proxy appends the visitor.
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    for n in range(2):
        login(attacker, f"guess{n}@example.org", "wrong")
    assert login(attacker, "alice@example.org", PASSWORD).status_code == 429
    # A forged header does not help: the proxy appends the real address last.
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4")
    assert login(forged, "alice@example.org", PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="5.6.7.8")
    assert login(colleague, "alice@example.org", PASSWORD).status_code == 302


def test_login_applies_the_agents_language(client, agent, settings) -> None:
    agent.language = "en"
    agent.save()
    response = login(client, "alice@example.org", PASSWORD)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_logged_in_visitor_follows_a_local_next(client_for) -> None:
    client = client_for("agent")
    assert client.get("/auth/login/?next=/directory/")["Location"] == "/directory/"
    assert client.get("/auth/login/?next=https://evil.example/")["Location"] == "/"
