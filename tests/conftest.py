"""Shared test set-up: the named actors (one per role, and an outsider) and fast, isolated settings."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from riposte.directory.models import Agent, Role, Service
from riposte.initiatives import similarity

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run inline so their effects can be asserted; the worker has tests of its own.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # No collectstatic in tests: serve the files from the finders, without a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Rate-limit counters and cached OIDC documents must not leak from one test to the next.
    cache.clear()
    # Nor the similarity index's vectors of another test's initiatives.
    similarity.index_reset()
    yield
    cache.clear()


@pytest.fixture
def service(db) -> Service:
    direction = Service.objects.create(code="DEF", name="Direction de l'enfance", level="direction")
    return Service.objects.create(
        code="DEF-01", name="Aide sociale à l'enfance", level="service", parent=direction
    )


def _make(email: str, role: str, service: Service, **fields) -> Agent:
    return Agent.objects.create_user(email, PASSWORD, role=role, service=service, **fields)


@pytest.fixture
def agent(service) -> Agent:
    return _make("alice@example.org", Role.AGENT, service, first_name="Célia", last_name="Navarro")


@pytest.fixture
def facilitator(service) -> Agent:
    return _make(
        "fanny@example.org", Role.FACILITATOR, service, first_name="Fanny", last_name="Lebon"
    )


@pytest.fixture
def decision_maker(service) -> Agent:
    return _make(
        "denis@example.org", Role.DECISION_MAKER, service, first_name="Denis", last_name="Marceau"
    )


@pytest.fixture
def moderator(service) -> Agent:
    return _make(
        "morgane@example.org", Role.MODERATOR, service, first_name="Morgane", last_name="Tixier"
    )


@pytest.fixture
def admin_agent(service) -> Agent:
    return _make("adrien@example.org", Role.ADMIN, service, first_name="Adrien", last_name="Colas")


@pytest.fixture
def actors(agent, facilitator, decision_maker, moderator, admin_agent) -> dict[str, Agent | None]:
    """Every role, plus the outsider: a visitor who is not logged in."""
    return {
        "agent": agent,
        "facilitator": facilitator,
        "decision_maker": decision_maker,
        "moderator": moderator,
        "admin": admin_agent,
        "outsider": None,
    }


@pytest.fixture
def client_for(actors):
    def make(role: str) -> Client:
        client = Client()
        if actors[role] is not None:
            client.force_login(actors[role])
        return client

    return make
