"""A fake ProConnect: a real OpenID Connect provider on 127.0.0.1, for end-to-end login tests.

It speaks HTTP on a random port, in a thread, like ProConnect: discovery document, JWKS,
authorization endpoint (answers at once with a redirect carrying a code, as if the agent had logged
in), token endpoint (client_secret_post), userinfo endpoint answering a signed JWT
(`application/jwt`), end-session endpoint.

Every request is recorded so that tests can assert what Riposte sent. The attributes below the
"attack knobs" comment make the provider misbehave, to check that Riposte refuses what it must.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

PREFIX = "/api/v2"  # ProConnect's issuer has a path: https://auth.agentconnect.gouv.fr/api/v2


def make_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def sign(claims: dict[str, Any], key: RSAKey) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def unsigned(claims: dict[str, Any]) -> str:
    """An `alg: none` JWT, which no relying party may accept."""

    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


class FakeProConnect:
    def __init__(
        self,
        *,
        client_id: str = "riposte-test-client",
        client_secret: str = "riposte-test-secret",  # noqa: S107
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris: set[str] = set()
        self.key = make_key("key-1")
        self.published_keys: list[RSAKey] = [self.key]
        # The agent who "logs in" at the provider; tests change it freely.
        self.user: dict[str, str] = {
            "sub": "b6a2f1c4-0d1e-4f7a-9c3b-5e8d7a6f4b21",
            "email": "alice@example.org",
            "given_name": "Célia",
            "usual_name": "Navarro",
            "siret": "22750001800015",
            "uid": "celia.navarro",
        }
        # What was asked of the provider, in order.
        self.requests: list[tuple[str, str]] = []
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.userinfo_requests: list[str] = []
        self.logout_requests: list[dict[str, str]] = []
        self.issued_id_tokens: list[str] = []
        self._codes: dict[str, dict[str, Any]] = {}
        self._access_tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

        # Attack knobs.
        self.deny = False  # /authorize answers error=access_denied
        self.id_token_key: RSAKey | None = None  # sign the id_token with this key instead
        self.id_token_claims: dict[str, Any] = {}  # merged into the id_token's claims
        self.id_token_drop: set[str] = set()  # claims left out of the id_token
        self.id_token_unsigned = False  # id_token with alg "none"
        self.userinfo_key: RSAKey | None = None  # sign the userinfo JWT with this key instead
        self.userinfo_claims: dict[str, Any] = {}  # merged into the userinfo claims
        self.userinfo_json = False  # userinfo as plain, unsigned JSON

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.provider = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = self.base + PREFIX
        self._thread = threading.Thread(target=self._serve, name="fake-proconnect", daemon=True)

    # Life cycle.

    def start(self) -> FakeProConnect:
        self._thread.start()
        return self

    def _serve(self) -> None:
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> FakeProConnect:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Test helpers.

    def rotate_key(self) -> RSAKey:
        """Sign with a new key and stop publishing the old one, as a provider rotating its keys."""
        self.key = make_key(f"key-{len(self.requests)}-{secrets.token_hex(4)}")
        self.published_keys = [self.key]
        return self.key

    def count(self, path: str) -> int:
        return sum(1 for _, p in self.requests if p == PREFIX + path)

    def discovery_document(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "end_session_endpoint": self.issuer + "/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "userinfo_signing_alg_values_supported": ["RS256", "ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "scopes_supported": ["openid", "email", "given_name", "usual_name", "siret", "uid"],
            "acr_values_supported": ["eidas1"],
        }

    # Endpoint logic, called by the handler.

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.authorize_requests.append(query)
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            # ProConnect shows an error page; it never redirects to an unregistered URI.
            return 400, {"Content-Type": "text/plain"}, b"unknown client or redirect_uri"
        params = {"state": query.get("state", "")}
        if self.deny:
            params["error"] = "access_denied"
            params["error_description"] = "User refused"
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = {
                    "client_id": query["client_id"],
                    "redirect_uri": redirect_uri,
                    "nonce": query.get("nonce"),
                    "user": dict(self.user),
                }
            params["code"] = code
        location = (
            redirect_uri + ("&" if "?" in redirect_uri else "?") + urllib.parse.urlencode(params)
        )
        return 302, {"Location": location}, b""

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.token_requests.append(form)

        def error(name: str, status: int = 400) -> tuple[int, dict[str, str], bytes]:
            return (
                status,
                {"Content-Type": "application/json"},
                json.dumps({"error": name}).encode(),
            )

        if form.get("grant_type") != "authorization_code":
            return error("unsupported_grant_type")
        if form.get("client_id") != self.client_id or not secrets.compare_digest(
            form.get("client_secret", "").encode(), self.client_secret.encode()
        ):
            return error("invalid_client", 401)
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code is good for one exchange
        if grant is None or grant["client_id"] != form["client_id"]:
            return error("invalid_grant")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return error("invalid_grant")
        user = grant["user"]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": user["sub"],
            "nonce": grant["nonce"],
            "iat": now,
            "exp": now + 60,
            "acr": "eidas1",
            "amr": ["pwd"],
            "idp_id": "fia1v2",
        }
        claims |= self.id_token_claims
        for name in self.id_token_drop:
            claims.pop(name, None)
        if self.id_token_unsigned:
            id_token = unsigned(claims)
        else:
            id_token = sign(claims, self.id_token_key or self.key)
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = user
        self.issued_id_tokens.append(id_token)
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 60,
            "id_token": id_token,
        }
        return (
            200,
            {"Content-Type": "application/json", "Cache-Control": "no-store"},
            json.dumps(body).encode(),
        )

    def userinfo(self, authorization: str) -> tuple[int, dict[str, str], bytes]:
        self.userinfo_requests.append(authorization)
        scheme, _, token = authorization.partition(" ")
        user = self._access_tokens.get(token) if scheme == "Bearer" else None
        if user is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, b""
        now = int(time.time())
        claims = dict(user) | {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 60,
        }
        claims |= self.userinfo_claims
        if self.userinfo_json:
            return 200, {"Content-Type": "application/json"}, json.dumps(claims).encode()
        token = sign(claims, self.userinfo_key or self.key)
        return 200, {"Content-Type": "application/jwt; charset=utf-8"}, token.encode()

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.logout_requests.append(query)
        target = query.get("post_logout_redirect_uri", "")
        if not target:
            return 200, {"Content-Type": "text/plain"}, b"logged out"
        return (
            302,
            {"Location": target + "?" + urllib.parse.urlencode({"state": query.get("state", "")})},
            b"",
        )


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeProConnect/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests

    @property
    def provider(self) -> FakeProConnect:
        return self.server.provider  # type: ignore[attr-defined]

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: Any) -> None:
        self._answer(200, {"Content-Type": "application/json"}, json.dumps(data).encode())

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        provider = self.provider
        provider.requests.append(("GET", url.path))
        match url.path.removeprefix(PREFIX):
            case "/.well-known/openid-configuration":
                self._json(provider.discovery_document())
            case "/jwks":
                self._json(
                    {"keys": [key.as_dict(private=False) for key in provider.published_keys]}
                )
            case "/authorize":
                self._answer(*provider.authorize(query))
            case "/userinfo":
                self._answer(*provider.userinfo(self.headers.get("Authorization", "")))
            case "/logout":
                self._answer(*provider.logout(query))
            case _:
                self._answer(404, {"Content-Type": "text/plain"}, b"not found")

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(
            urllib.parse.parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
        )
        provider = self.provider
        provider.requests.append(("POST", url.path))
        if url.path == PREFIX + "/token":
            self._answer(*provider.token(form))
        else:
            self._answer(404, {"Content-Type": "text/plain"}, b"not found")
