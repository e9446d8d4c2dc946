"""The initiatives API (/api/initiatives...): what it creates, refuses and answers, by session and by
personal token. Who may reach each route at all is in tests/test_api_access.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from riposte.directory.services import api_token_create
from riposte.initiatives import similarity
from riposte.initiatives.models import Initiative, Stage, StageChange
from riposte.initiatives.services import support_toggle
from tests.initiatives.builders import BIKES, CANTEEN, ELDERS, colleague, draft, publish

URL = "/api/initiatives"


def _post(client: Client, path: str, payload: dict[str, Any]):
    return client.post(path, payload, content_type="application/json")


def _payload(**fields: Any) -> dict[str, Any]:
    """A complete initiative, for Montreuil and Saint-Denis, filed under one theme."""
    return {**ELDERS, "communes": ["93048", "93066"], "themes": ["solidarite-seniors"], **fields}


def _bearer(agent) -> Client:
    _token, raw = api_token_create(agent=agent, name="script de test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


# --- POST /api/initiatives ---------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
def test_create_submits_the_initiative(agent, client_for, auth) -> None:
    client = client_for("agent") if auth == "session" else _bearer(agent)
    before = timezone.now()

    response = _post(client, URL, _payload())

    assert response.status_code == 201
    body = response.json()
    initiative = Initiative.objects.get()
    assert body["id"] == initiative.pk
    assert body["draft"] is False
    assert body["submitted_at"] is not None
    assert before <= initiative.submitted_at <= timezone.now()
    assert (body["title"], body["stage"], body["author_id"]) == (
        ELDERS["title"],
        Stage.SPOTTED,
        agent.pk,
    )
    assert sorted(body["communes"]) == ["93048", "93066"]
    assert body["themes"] == ["solidarite-seniors"]
    assert body["url"] == f"/initiatives/{initiative.pk}/"
    assert StageChange.objects.filter(initiative=initiative).count() == 1


def test_create_a_draft(agent, client_for) -> None:
    """A draft may be half-written: a title is enough."""
    response = _post(client_for("agent"), URL, {"title": "Une idée à préciser", "draft": True})

    assert response.status_code == 201
    body = response.json()
    assert (body["draft"], body["submitted_at"]) == (True, None)
    assert Initiative.objects.get(pk=body["id"]).is_draft


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"problem": ""}, "problem"),
        ({"idea": ""}, "idea"),
        ({"themes": ["solidarite-seniors", "astrologie"]}, "themes"),
        ({"communes": ["93048", "75056"]}, "communes"),  # Paris is not in the département
    ],
)
def test_create_refuses_incomplete_or_unknown(client_for, fields, field) -> None:
    response = _post(client_for("agent"), URL, _payload(**fields))

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    assert Initiative.objects.count() == 0


def test_create_names_the_unknown_values(client_for) -> None:
    response = _post(client_for("agent"), URL, _payload(themes=["astrologie"], communes=["00000"]))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "astrologie" in detail and "00000" in detail


def test_anonymous_cannot_create(client_for) -> None:
    response = _post(client_for("outsider"), URL, _payload())
    assert response.status_code == 401
    assert Initiative.objects.count() == 0


# --- GET /api/initiatives/{id} ---------------------------------------------------------------------------


def test_a_draft_is_its_authors_only(agent, client_for) -> None:
    mine = draft(agent)
    path = f"{URL}/{mine.pk}"
    assert client_for("agent").get(path).json()["id"] == mine.pk
    for role in ("facilitator", "admin", "decision_maker"):
        assert client_for(role).get(path).status_code == 404


def test_a_published_initiative_is_everyones(agent, client_for) -> None:
    initiative = publish(agent)
    response = client_for("moderator").get(f"{URL}/{initiative.pk}")
    assert response.status_code == 200
    assert response.json()["support_count"] == 0


# --- POST /api/initiatives/{id}/stage ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("facilitator", 200),
        ("admin", 200),
        ("agent", 403),  # the author
        ("decision_maker", 403),
        ("moderator", 403),
    ],
)
def test_move_per_role(agent, client_for, role, status) -> None:
    initiative = publish(agent)

    response = _post(
        client_for(role),
        f"{URL}/{initiative.pk}/stage",
        {"to_stage": Stage.QUALIFIED, "reason": "Le besoin est confirmé."},
    )

    assert response.status_code == status
    initiative.refresh_from_db()
    if status == 200:
        assert response.json()["stage"] == Stage.QUALIFIED == initiative.stage
        assert initiative.stage_changes.last().reason == "Le besoin est confirmé."
    else:
        assert initiative.stage == Stage.SPOTTED


def test_move_by_token(agent, facilitator) -> None:
    initiative = publish(agent)
    response = _post(
        _bearer(facilitator),
        f"{URL}/{initiative.pk}/stage",
        {"to_stage": Stage.ABANDONED, "reason": "Un autre service le fait déjà."},
    )
    assert (response.status_code, response.json()["stage"]) == (200, Stage.ABANDONED)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to_stage": Stage.SPREAD, "reason": "Trop vite"}, "to_stage"),
        ({"to_stage": Stage.ABANDONED, "reason": " "}, "reason"),
    ],
)
def test_move_refusals_are_422(agent, client_for, payload, field) -> None:
    initiative = publish(agent)
    response = _post(client_for("facilitator"), f"{URL}/{initiative.pk}/stage", payload)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    initiative.refresh_from_db()
    assert initiative.stage == Stage.SPOTTED


def test_moving_someone_elses_draft_is_404(agent, client_for) -> None:
    unfinished = draft(agent)
    response = _post(
        client_for("facilitator"),
        f"{URL}/{unfinished.pk}/stage",
        {"to_stage": Stage.QUALIFIED, "reason": "Non"},
    )
    assert response.status_code == 404


# --- POST /api/initiatives/{id}/support -------------------------------------------------------------------


def test_support_toggles(agent, client_for) -> None:
    initiative = publish(agent)
    path = f"{URL}/{initiative.pk}/support"

    assert _post(client_for("moderator"), path, {}).json() == {
        "supported": True,
        "support_count": 1,
    }
    assert _post(client_for("admin"), path, {}).json() == {"supported": True, "support_count": 2}
    assert _post(client_for("moderator"), path, {}).json() == {
        "supported": False,
        "support_count": 1,
    }
    assert list(initiative.supports.values_list("agent__role", flat=True)) == ["admin"]


def test_the_author_cannot_support_their_draft(agent, client_for) -> None:
    unfinished = draft(agent)
    response = _post(client_for("agent"), f"{URL}/{unfinished.pk}/support", {})
    assert response.status_code == 403
    assert unfinished.supports.count() == 0


# --- GET /api/initiatives/similar ---------------------------------------------------------------------------


def _similar(client: Client, text: str, limit: int) -> list[dict[str, Any]]:
    response = client.get(f"{URL}/similar", {"text": text, "limit": limit})
    assert response.status_code == 200
    return response.json()


def test_similar_is_best_first(agent, client_for) -> None:
    bikes = publish(agent, BIKES)
    elders = publish(agent, ELDERS)
    canteen = publish(agent, CANTEEN)
    draft(agent, "Des vélos électriques en libre-service pour les agents")

    found = _similar(
        client_for("decision_maker"),
        "Des bicyclettes partagées pour que les collègues évitent la voiture entre deux bâtiments",
        limit=5,
    )

    assert [set(m) for m in found] == [{"id", "title", "score"}] * 3  # no draft
    assert found[0] == {"id": bikes.pk, "title": BIKES["title"], "score": found[0]["score"]}
    assert {m["id"] for m in found} == {bikes.pk, elders.pk, canteen.pk}
    scores = [m["score"] for m in found]
    assert scores == sorted(scores, reverse=True)
    assert all(-1 <= s <= 1 for s in scores)


def _many(agent, count: int) -> None:
    """`count` submitted initiatives sharing one real embedding (one model call, not `count`)."""
    vector = similarity.to_bytes(similarity.embed([BIKES["title"]])[0])
    now = timezone.now()
    Initiative.objects.bulk_create(
        Initiative(
            title=f"Vélos de service n°{n}", author=agent, whole_department=True,
            submitted_at=now, embedding=vector, indexed_at=now,
        )
        for n in range(count)
    )  # fmt: skip


@pytest.mark.parametrize(("limit", "expected"), [(0, 1), (-3, 1), (2, 2), (20, 20), (500, 20)])
def test_similar_limit_is_clamped(agent, client_for, limit, expected) -> None:
    _many(agent, 25)
    found = _similar(client_for("agent"), "vélos de service", limit=limit)
    assert len(found) == expected
    assert len({m["id"] for m in found}) == expected


def test_similar_of_an_empty_text_is_empty(agent, client_for) -> None:
    publish(agent)
    assert _similar(client_for("agent"), "   ", limit=5) == []


def test_the_list_counts_supports_in_one_query_per_page(
    client_for, agent, django_assert_max_num_queries
):
    initiatives = [publish(agent, title=f"Initiative {n}") for n in range(5)]
    for n, initiative in enumerate(initiatives):
        for k in range(n):
            support_toggle(initiative=initiative, agent=colleague(f"fan{n}-{k}@example.org"))
    client = client_for("agent")
    with django_assert_max_num_queries(8):
        rows = client.get("/api/initiatives?limit=20").json()
    assert sorted(r["support_count"] for r in rows) == [0, 1, 2, 3, 4]
