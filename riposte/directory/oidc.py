"""ProConnect login: OpenID Connect authorization code flow, with state and nonce.

ProConnect signs both the id_token and the userinfo response (a JWT); both signatures are checked
against the provider's published keys. An agent is matched on `sub`, then on e-mail.
"""

from __future__ import annotations

import json
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from riposte.core.audit import audit_record
from riposte.directory.models import Agent

ALGORITHMS = ["RS256", "ES256"]
TIMEOUT = 10


class OIDCError(Exception):
    """Anything that makes a login attempt fail; the message is safe to show to the agent."""


class AgentInactive(OIDCError):
    """The claims match an agent whose account is deactivated."""


@dataclass(frozen=True)
class Claims:
    sub: str
    email: str
    given_name: str
    usual_name: str
    siret: str
    uid: str


def is_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def _http(url: str, *, data: dict[str, str] | None = None, token: str = "") -> tuple[str, bytes]:
    if not url.startswith(("https://", "http://")):
        raise OIDCError("bad provider URL")
    headers = {"Accept": "application/json, application/jwt"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (scheme checked)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.headers.get("Content-Type", ""), response.read()
    except OSError as exc:
        raise OIDCError(f"provider unreachable: {exc}") from exc


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise OIDCError("the provider answered something other than JSON") from exc
    if not isinstance(data, dict):
        raise OIDCError("the provider answered something other than a JSON object")
    return data


def discovery() -> dict[str, Any]:
    key = f"oidc:discovery:{settings.OIDC_ISSUER}"
    if (cached := cache.get(key)) is not None:
        return cached
    _, body = _http(settings.OIDC_ISSUER + "/.well-known/openid-configuration")
    config = _json(body)
    if str(config.get("issuer", "")).rstrip("/") != settings.OIDC_ISSUER:
        raise OIDCError("issuer mismatch in discovery document")
    cache.set(key, config, 3600)
    return config


def _keys(*, refresh: bool = False) -> KeySet:
    key = f"oidc:jwks:{settings.OIDC_ISSUER}"
    data = None if refresh else cache.get(key)
    if data is None:
        _, body = _http(discovery()["jwks_uri"])
        data = _json(body)
        cache.set(key, data, 3600)
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise OIDCError(f"invalid key set: {exc}") from exc


def _verify(token: str, *, required: tuple[str, ...] = (), **expected: Any) -> dict[str, Any]:
    """Check the signature (refetching the keys once, for a key rotation) and the claims.

    `iss` must be the issuer of the discovery document; each of `expected` must be present with
    that value, each of `required` present; `exp`, `iat`, `nbf` are checked when present.
    """
    for refresh in (False, True):
        try:
            decoded = jwt.decode(token, _keys(refresh=refresh), algorithms=ALGORITHMS)
            break
        except JoseError as exc:
            if refresh:
                raise OIDCError(f"invalid signature: {exc}") from exc
    options: dict[str, Any] = {"iss": {"essential": True, "value": discovery()["issuer"]}}
    options |= {name: {"essential": True} for name in required}
    options |= {name: {"essential": True, "value": value} for name, value in expected.items()}
    try:
        jwt.JWTClaimsRegistry(leeway=60, **options).validate(decoded.claims)
    except JoseError as exc:
        raise OIDCError(f"invalid claims: {exc}") from exc
    return decoded.claims


def redirect_uri() -> str:
    return settings.SITE_ROOT + "/auth/oidc/callback/"


def authorization_url(session: Any) -> str:
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session["oidc_state"], session["oidc_nonce"] = state, nonce
    params = {
        "response_type": "code",
        "client_id": settings.OIDC_CLIENT_ID,
        "redirect_uri": redirect_uri(),
        "scope": settings.OIDC_SCOPES,
        "state": state,
        "nonce": nonce,
        "acr_values": "eidas1",
    }
    return discovery()["authorization_endpoint"] + "?" + urllib.parse.urlencode(params)


def complete(session: Any, *, code: str, state: str) -> tuple[Claims, str]:
    """Exchange the code and return the verified claims and the id_token (kept for logout)."""
    expected_state, nonce = session.pop("oidc_state", None), session.pop("oidc_nonce", None)
    # Bytes: compare_digest refuses str with non-ASCII characters, which anyone can put in a URL.
    given = (state or "").encode()
    if not (expected_state and nonce and secrets.compare_digest(expected_state.encode(), given)):
        raise OIDCError("state mismatch")
    if not code:
        raise OIDCError("no authorization code")
    config = discovery()
    _, body = _http(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "client_id": settings.OIDC_CLIENT_ID,
            "client_secret": settings.OIDC_CLIENT_SECRET,
        },
    )
    tokens = _json(body)
    id_token, access_token = str(tokens.get("id_token", "")), str(tokens.get("access_token", ""))
    # OpenID Connect Core 3.1.3.7: iss, sub, aud, exp and iat are required in an id_token.
    id_claims = _verify(
        id_token, required=("sub", "exp", "iat"), aud=settings.OIDC_CLIENT_ID, nonce=nonce
    )

    # ProConnect always signs the userinfo response: an unsigned answer is refused, not trusted.
    content_type, body = _http(config["userinfo_endpoint"], token=access_token)
    if "application/jwt" not in content_type.lower():
        raise OIDCError("userinfo is not a signed JWT")
    try:
        info = _verify(body.decode(), required=("sub",))
    except UnicodeDecodeError as exc:
        raise OIDCError("userinfo is not a signed JWT") from exc
    if info["sub"] != id_claims["sub"]:
        raise OIDCError("userinfo subject differs from id_token subject")
    if not info.get("email"):
        raise OIDCError("no e-mail in userinfo")
    claims = Claims(
        sub=str(info["sub"]),
        email=str(info["email"]).lower(),
        given_name=str(info.get("given_name", "")),
        usual_name=str(info.get("usual_name", "")),
        siret=str(info.get("siret", "")),
        uid=str(info.get("uid", "")),
    )
    return claims, id_token


@transaction.atomic
def agent_for_claims(claims: Claims) -> Agent | None:
    """The active agent for these claims: matched on `sub`, else on e-mail (then `sub` is recorded).

    None when no agent matches (and none may be created); AgentInactive for a deactivated agent,
    who is left untouched. An e-mail already linked to another ProConnect identity matches nobody:
    an administrator clears the old link, it is never silently moved.
    """
    agent = Agent.objects.select_for_update().filter(oidc_sub=claims.sub).first()
    if agent is None:
        agent = Agent.objects.select_for_update().filter(email=claims.email).first()
        if agent is not None and agent.oidc_sub:
            return None
        if agent is not None and agent.is_active:
            agent.oidc_sub = claims.sub
            agent.save(update_fields=["oidc_sub"])
            audit_record(
                actor=agent, action="agent.oidc_link", target=agent, changes={"siret": claims.siret}
            )
    if agent is None and settings.OIDC_CREATE_AGENTS:
        agent = Agent.objects.create_user(
            claims.email,
            first_name=claims.given_name[:100],
            last_name=claims.usual_name[:100],
            oidc_sub=claims.sub,
        )
        audit_record(
            actor=agent, action="agent.oidc_create", target=agent, changes={"siret": claims.siret}
        )
    if agent is not None and not agent.is_active:
        raise AgentInactive("agent deactivated")
    return agent


def logout_url(id_token: str) -> str | None:
    try:
        endpoint = discovery().get("end_session_endpoint")
    except OIDCError:
        return None
    if not endpoint:
        return None
    params = {
        "id_token_hint": id_token,
        "state": secrets.token_urlsafe(16),
        "post_logout_redirect_uri": settings.SITE_ROOT + "/auth/login/",
    }
    return endpoint + "?" + urllib.parse.urlencode(params)
