"""ProConnect login, end to end, against a fake OpenID Connect provider listening on 127.0.0.1.

Django's test client plays the browser on Riposte's side; urllib plays it on the provider's side.
"""

from __future__ import annotations

import html
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from riposte.core.models import AuditEntry
from riposte.directory.models import Agent
from tests.fake_oidc import FakeProConnect, make_key

SITE_ROOT = "https://riposte.example.gouv.fr"
CALLBACK = SITE_ROOT + "/auth/oidc/callback/"
FAILED = "The login with ProConnect failed. Please start again."
UNKNOWN = "Your account ({}) is not in Riposte's directory. Ask your administrator to add you."
INACTIVE = "Your account ({}) is deactivated. Ask your administrator."


@pytest.fixture
def provider(settings) -> Iterator[FakeProConnect]:
    with FakeProConnect() as fake:
        fake.redirect_uris = {CALLBACK}
        settings.OIDC_ISSUER = fake.issuer
        settings.OIDC_CLIENT_ID = fake.client_id
        settings.OIDC_CLIENT_SECRET = fake.client_secret
        settings.OIDC_CREATE_AGENTS = False
        settings.SITE_ROOT = SITE_ROOT
        cache.clear()  # the discovery document and the JWKS are cached
        yield fake
    cache.clear()


@pytest.fixture
def browser() -> Client:
    return Client(headers={"accept-language": "en"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def provider_redirect(url: str) -> str:
    """Visit the provider like a browser would, and return where it sends the browser back."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=5)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read()
        return answer.headers["Location"]
    raise AssertionError(f"the provider did not redirect: {url}")


def start(browser: Client) -> str:
    """Click "ProConnect": return the authorization URL Riposte redirects to."""
    response = browser.get("/auth/oidc/login/")
    assert response.status_code == 302
    return response["Location"]


def local(url: str) -> str:
    """The path and query of a callback URL, to replay it in the test client."""
    assert url.startswith(CALLBACK), url
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def callback_url(browser: Client) -> str:
    return local(provider_redirect(start(browser)))


def login(browser: Client):
    return browser.get(callback_url(browser), follow=True)


def messages_shown(response) -> list[str]:
    found = re.findall(r'<p class="message message-\w+">(.*?)</p>', response.content.decode(), re.S)
    return [html.unescape(text) for text in found]


def greeting(response) -> str:
    """The name in the home page's heading: "Hello Célia", or "Bonjour Célia" in French."""
    heading = re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S)
    assert heading, response.content.decode()
    return html.unescape(heading.group(1)).split()[-1]


def logged_in_as(browser: Client) -> Agent | None:
    pk = browser.session.get("_auth_user_id")
    return Agent.objects.get(pk=pk) if pk else None


def agents_snapshot() -> list[dict[str, Any]]:
    return list(Agent.objects.order_by("pk").values())


def assert_refused(response, message: str) -> None:
    assert response.redirect_chain[-1] == ("/auth/login/", 302)
    assert response.status_code == 200
    assert message in messages_shown(response)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The button and the endpoints, configured or not.


def test_without_oidc_there_is_no_button_and_no_endpoint(db, settings, browser):
    settings.OIDC_ISSUER = ""
    settings.OIDC_CLIENT_ID = ""
    page = browser.get("/auth/login/")
    assert page.status_code == 200
    assert "ProConnect" not in page.content.decode()
    assert browser.get("/auth/oidc/login/").status_code == 404
    assert browser.get("/auth/oidc/callback/?code=x&state=y").status_code == 404


def test_with_oidc_the_login_page_shows_the_proconnect_button(db, provider, browser):
    page = browser.get("/auth/login/")
    assert page.status_code == 200
    assert re.search(
        r'<a class="button[^"]*" href="/auth/oidc/login/">Log in with ProConnect</a>',
        page.content.decode(),
    )
    assert provider.requests == []  # showing the button costs no request to the provider


# The authorization request.


def test_the_authorization_request_carries_state_nonce_scopes_and_redirect_uri(
    db, provider, browser
):
    url = start(browser)
    assert url.startswith(provider.issuer + "/authorize?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["response_type"] == "code"
    assert query["client_id"] == provider.client_id
    assert query["redirect_uri"] == CALLBACK
    assert {"openid", "email", "given_name", "usual_name", "siret", "uid"} <= set(
        query["scope"].split()
    )
    assert query["acr_values"] == "eidas1"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["state"] != query["nonce"]
    assert browser.session["oidc_state"] == query["state"]
    assert browser.session["oidc_nonce"] == query["nonce"]
    assert "client_secret" not in url and provider.client_secret not in url

    back = provider_redirect(url)
    assert provider.authorize_requests == [query]
    back_query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back).query))
    assert back.startswith(CALLBACK + "?")
    assert back_query["state"] == query["state"] and back_query["code"]

    # Each attempt gets fresh values.
    again = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start(Client())).query))
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]


# Logging in.


def test_first_login_matches_the_agent_by_email_and_records_sub(provider, browser, agent):
    response = login(browser)

    assert response.redirect_chain[-1] == ("/", 302)
    assert response.status_code == 200
    assert greeting(response) == "Célia"  # the home page greets the agent by name
    assert logged_in_as(browser) == agent
    agent.refresh_from_db()
    assert agent.oidc_sub == provider.user["sub"]
    assert AuditEntry.objects.filter(action="agent.oidc_link", object_id=str(agent.pk)).count() == 1
    # What Riposte sent to the token and userinfo endpoints.
    [token_request] = provider.token_requests
    assert token_request == {
        "grant_type": "authorization_code",
        "code": token_request["code"],
        "redirect_uri": CALLBACK,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
    }
    [authorization] = provider.userinfo_requests
    assert authorization.startswith("Bearer ") and len(authorization) > len("Bearer ") + 20
    assert browser.session["oidc_id_token"] == provider.issued_id_tokens[0]
    assert "oidc_state" not in browser.session and "oidc_nonce" not in browser.session


def test_the_login_rotates_the_session_key(provider, browser, agent):
    browser.get("/auth/login/")
    url = callback_url(browser)
    before = browser.session.session_key
    browser.get(url)
    assert logged_in_as(browser) == agent
    assert browser.session.session_key != before


def test_second_login_matches_on_sub_even_if_the_email_changed(provider, browser, agent):
    login(browser)
    browser.post("/auth/logout/")
    assert logged_in_as(browser) is None
    provider.user["email"] = "celia.navarro@nouvelle-adresse.gouv.fr"
    count = Agent.objects.count()

    response = login(browser)

    assert response.redirect_chain[-1] == ("/", 302)
    assert logged_in_as(browser) == agent
    assert Agent.objects.count() == count
    agent.refresh_from_db()
    assert agent.oidc_sub == provider.user["sub"]
    assert agent.email == "alice@example.org"  # the directory, not the provider, owns the e-mail


def test_an_unknown_email_is_refused(provider, browser, agent):
    provider.user |= {"email": "Inconnu@Example.org", "sub": "sub-of-a-stranger"}
    before = agents_snapshot()

    response = login(browser)

    assert_refused(response, UNKNOWN.format("inconnu@example.org"))
    assert logged_in_as(browser) is None
    assert agents_snapshot() == before


def test_an_unknown_email_creates_the_agent_when_allowed(provider, browser, agent, settings):
    settings.OIDC_CREATE_AGENTS = True
    provider.user |= {
        "email": "Bruno.Vidal@Example.gouv.fr",
        "sub": "sub-bruno",
        "given_name": "Bruno",
        "usual_name": "Vidal",
    }

    response = login(browser)

    assert response.redirect_chain[-1] == ("/", 302)
    created = Agent.objects.get(oidc_sub="sub-bruno")
    assert logged_in_as(browser) == created
    assert (created.email, created.first_name, created.last_name) == (
        "bruno.vidal@example.gouv.fr",
        "Bruno",
        "Vidal",
    )
    assert created.is_active and not created.has_usable_password()
    assert greeting(response) == "Bruno"
    assert AuditEntry.objects.filter(action="agent.oidc_create", object_id=str(created.pk)).exists()


def test_an_inactive_agent_is_refused_and_not_linked(provider, browser, agent):
    agent.is_active = False
    agent.save()
    before = agents_snapshot()

    response = login(browser)

    assert_refused(response, INACTIVE.format("alice@example.org"))
    assert logged_in_as(browser) is None
    assert agents_snapshot() == before
    assert not AuditEntry.objects.filter(action="agent.oidc_link").exists()


def test_an_agent_deactivated_after_linking_is_refused(provider, browser, agent, settings):
    settings.OIDC_CREATE_AGENTS = True
    agent.oidc_sub = provider.user["sub"]
    agent.is_active = False
    agent.save()
    before = agents_snapshot()

    response = login(browser)

    assert_refused(response, INACTIVE.format("alice@example.org"))
    assert logged_in_as(browser) is None
    assert agents_snapshot() == before


@pytest.mark.parametrize("create", [False, True])
def test_an_email_already_linked_to_another_proconnect_identity_is_refused(
    provider, browser, agent, settings, create
):
    settings.OIDC_CREATE_AGENTS = create
    agent.oidc_sub = "the-sub-alice-logged-in-with-before"
    agent.save()
    provider.user["sub"] = "someone-else-with-alices-email"
    before = agents_snapshot()

    response = login(browser)

    assert_refused(response, UNKNOWN.format("alice@example.org"))
    assert logged_in_as(browser) is None
    assert agents_snapshot() == before


# The callback refuses what it must.


def test_a_tampered_state_is_refused(provider, browser, agent):
    before = agents_snapshot()
    url = callback_url(browser).replace("state=", "state=x")

    response = browser.get(url, follow=True)

    assert_refused(response, FAILED)
    assert logged_in_as(browser) is None
    assert provider.token_requests == []  # the code was not even exchanged
    assert agents_snapshot() == before


def test_a_non_ascii_state_is_refused_without_crashing(provider, browser, agent):
    callback_url(browser)
    response = browser.get(
        "/auth/oidc/callback/", {"code": "abc", "state": "état-forgé"}, follow=True
    )
    assert_refused(response, FAILED)
    assert logged_in_as(browser) is None


def test_a_state_is_good_for_one_attempt_only(provider, browser, agent):
    url = callback_url(browser)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["state"]
    # First use, with a code the provider does not know: the exchange fails and the state is spent.
    first = browser.get(
        "/auth/oidc/callback/", {"code": "not-a-real-code", "state": state}, follow=True
    )
    assert_refused(first, FAILED)
    # Second use of the same state, now with the genuine code.
    before = agents_snapshot()
    second = browser.get(url, follow=True)
    assert_refused(second, FAILED)
    assert logged_in_as(browser) is None
    assert len(provider.token_requests) == 1
    assert agents_snapshot() == before


def test_a_callback_from_someone_elses_login_is_refused(provider, agent):
    """Login CSRF: an attacker makes a victim's browser open the callback of their own login."""
    attacker, victim = Client(), Client(headers={"accept-language": "en"})
    url = callback_url(attacker)
    victim.get("/auth/login/")
    before = agents_snapshot()

    response = victim.get(url, follow=True)

    assert_refused(response, FAILED)
    assert logged_in_as(victim) is None
    assert provider.token_requests == []
    assert agents_snapshot() == before


def test_a_missing_code_is_refused(provider, browser, agent):
    url = callback_url(browser)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["state"]
    before = agents_snapshot()

    response = browser.get("/auth/oidc/callback/", {"state": state}, follow=True)

    assert_refused(response, FAILED)
    assert logged_in_as(browser) is None
    assert provider.token_requests == []
    assert agents_snapshot() == before


def test_access_denied_at_the_provider(provider, browser, agent):
    provider.deny = True
    url = callback_url(browser)
    assert "error=access_denied" in url and "code=" not in url
    before = agents_snapshot()

    response = browser.get(url, follow=True)

    assert_refused(response, "The login was cancelled or refused by ProConnect.")
    assert logged_in_as(browser) is None
    assert provider.token_requests == []
    assert agents_snapshot() == before


def test_the_provider_refusing_the_client_secret(provider, browser, agent, settings):
    settings.OIDC_CLIENT_SECRET = "not-the-secret"
    before = agents_snapshot()
    response = login(browser)
    assert_refused(response, FAILED)
    assert provider.token_requests[0]["client_secret"] == "not-the-secret"
    assert logged_in_as(browser) is None
    assert agents_snapshot() == before


ATTACKS = {
    "id_token signed with another key, same kid": lambda p: setattr(
        p, "id_token_key", _impostor(p.key.kid)
    ),
    "id_token signed with an unknown key": lambda p: setattr(
        p, "id_token_key", _impostor("unknown-kid")
    ),
    "id_token unsigned (alg none)": lambda p: setattr(p, "id_token_unsigned", True),
    "id_token from another issuer": lambda p: p.id_token_claims.update(
        iss="https://evil.example/api/v2"
    ),
    "id_token without issuer": lambda p: p.id_token_drop.add("iss"),
    "id_token for another client": lambda p: p.id_token_claims.update(aud="another-client"),
    "id_token without audience": lambda p: p.id_token_drop.add("aud"),
    "id_token expired": lambda p: p.id_token_claims.update(exp=1_700_000_000, iat=1_699_999_000),
    "id_token without expiry": lambda p: p.id_token_drop.add("exp"),
    "id_token issued in the future": lambda p: p.id_token_claims.update(
        iat=4_000_000_000, exp=4_000_000_600
    ),
    "id_token with a wrong nonce": lambda p: p.id_token_claims.update(
        nonce="a-nonce-from-another-login"
    ),
    "id_token without nonce": lambda p: p.id_token_drop.add("nonce"),
    "id_token without sub": lambda p: p.id_token_drop.add("sub"),
    "userinfo for another sub": lambda p: p.userinfo_claims.update(sub="sub-of-another-agent"),
    "userinfo unsigned JSON": lambda p: setattr(p, "userinfo_json", True),
    "userinfo signed with another key": lambda p: setattr(p, "userinfo_key", _impostor(p.key.kid)),
    "userinfo from another issuer": lambda p: p.userinfo_claims.update(
        iss="https://evil.example/api/v2"
    ),
    "userinfo without e-mail": lambda p: p.userinfo_claims.update(email=""),
}

_impostors: dict[str, Any] = {}


def _impostor(kid: str):
    if kid not in _impostors:
        _impostors[kid] = make_key(kid)
    return _impostors[kid]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_forged_or_invalid_answer_is_refused(provider, browser, agent, settings, attack):
    settings.OIDC_CREATE_AGENTS = True  # even so, nothing may be created
    ATTACKS[attack](provider)
    before = agents_snapshot()

    response = login(browser)

    assert_refused(response, FAILED)
    assert logged_in_as(browser) is None
    assert "oidc_id_token" not in browser.session
    assert agents_snapshot() == before
    assert not AuditEntry.objects.filter(action__startswith="agent.oidc").exists()
    assert browser.get("/").status_code == 302


def test_an_unknown_kid_refetches_the_keys_once_only(provider, browser, agent):
    provider.id_token_key = _impostor("unknown-kid")
    assert_refused(login(browser), FAILED)
    assert provider.count("/jwks") == 2


# Key rotation.


def test_login_survives_a_key_rotation(provider, browser, agent):
    login(browser)
    assert logged_in_as(browser) == agent
    assert provider.count("/jwks") == 1
    browser.post("/auth/logout/")

    provider.rotate_key()  # after Riposte cached the old key set
    other = Client(headers={"accept-language": "en"})
    response = login(other)

    assert response.redirect_chain[-1] == ("/", 302)
    assert logged_in_as(other) == agent
    assert provider.count("/jwks") == 2  # refetched once, then cached again
    third = Client()
    third.get(callback_url(third))
    assert logged_in_as(third) == agent
    assert provider.count("/jwks") == 2
    assert provider.count("/.well-known/openid-configuration") == 1


# Logging out.


def test_logout_after_an_oidc_login_ends_the_provider_session(provider, browser, agent):
    login(browser)
    id_token = browser.session["oidc_id_token"]

    response = browser.post("/auth/logout/")

    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(provider.issuer + "/logout?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["id_token_hint"] == id_token == provider.issued_id_tokens[-1]
    assert query["post_logout_redirect_uri"] == SITE_ROOT + "/auth/login/"
    assert len(query["state"]) >= 16
    assert logged_in_as(browser) is None
    assert "oidc_id_token" not in browser.session
    assert browser.get("/").status_code == 302

    back = provider_redirect(url)
    assert provider.logout_requests == [query]
    assert back.startswith(SITE_ROOT + "/auth/login/?state=")


def test_logout_after_a_password_login_stays_local(provider, browser, agent):
    browser.force_login(agent)
    response = browser.post("/auth/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/auth/login/"
    assert logged_in_as(browser) is None
    assert (
        provider.logout_requests == [] and provider.count("/.well-known/openid-configuration") == 0
    )


# The provider out of reach.


def test_an_unreachable_provider_gives_a_clear_message(db, settings, browser, agent):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{closed_port()}/api/v2"
    settings.OIDC_CLIENT_ID = "riposte"
    cache.clear()

    response = browser.get("/auth/oidc/login/", follow=True)

    assert_refused(response, "ProConnect cannot be reached. Try again later.")
    assert logged_in_as(browser) is None


def test_a_provider_going_down_during_the_login_gives_a_clear_message(provider, browser, agent):
    url = callback_url(browser)
    provider.stop()
    before = agents_snapshot()

    response = browser.get(url, follow=True)

    assert_refused(response, FAILED)
    assert logged_in_as(browser) is None
    assert agents_snapshot() == before
