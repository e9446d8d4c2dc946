"""/healthz: what a load balancer asks before sending traffic to an app process."""

from __future__ import annotations

from django.db import connection
from django.test import Client


def test_healthz_is_ok_with_a_working_database(db, django_assert_num_queries):
    # Open to anybody (the load balancer has no session), and it really asks the database.
    with django_assert_num_queries(1):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    # Never cached by a proxy: a stale "ok" would hide an outage.
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_fails(db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise ConnectionError("could not connect to server: secret-host:5432")

    # Undone right after the request: the test database's own teardown needs a cursor.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    # The reason goes to the logs, not to the world.
    assert b"secret-host" not in response.content
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_query_itself_fails(db, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params=None):
            raise RuntimeError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", BrokenCursor)
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error"
