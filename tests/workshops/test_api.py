"""GET /api/workshops and GET /api/workshops/{id}: the list with its filters and pages, and one
workshop with its axes, steps, notes (hidden ones and anonymous authors as the caller may see
them) and milestones. Who may call them is in the API access table (access_structure.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from riposte.directory.services import api_token_create
from riposte.workshops.models import (
    Cluster,
    Dot,
    Horizon,
    Milestone,
    Note,
    Step,
    WorkshopStatus,
)
from riposte.workshops.services import participant_join
from tests.workshops.builders import guest_client, invite, make_workshop

pytestmark = pytest.mark.django_db

ITEM_KEYS = {
    "id", "title", "group_name", "held_on", "place", "video_url", "status", "facilitators",
    "participants", "url",
}  # fmt: skip
NOTE_KEYS = {
    "id", "text", "author", "anonymous", "mine", "hidden", "group", "dots", "my_dots", "version",
    "created_at", "updated_at",
}  # fmt: skip


def _get(client: Client, path: str, **params) -> list | dict:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shape(client_for, facilitator, agent):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)

    [item] = _get(client_for("agent"), "/api/workshops")

    assert set(item) == ITEM_KEYS
    assert item == {
        "id": workshop.pk,
        "title": "Pérenniser le hors-norme",
        "group_name": "Riposte créative territoriale",
        "held_on": "2020-11-18",
        "place": "Bobigny, salle du conseil",
        "video_url": "",
        "status": "live",
        "facilitators": [{"id": facilitator.pk, "name": "Fanny Lebon"}],
        "participants": 2,
        "url": f"/workshops/{workshop.pk}/",
    }


def test_the_list_filters_and_pages(client_for, facilitator):
    for n in range(25):
        make_workshop(
            by=facilitator,
            title=f"Atelier n° {n:02}",
            held_on=dt.date(2021, 1, 1) + dt.timedelta(days=n),
        )
    make_workshop(by=facilitator, title="Pérenniser", status=WorkshopStatus.CLOSED)
    client = client_for("agent")

    first = _get(client, "/api/workshops")
    assert len(first) == 20
    assert first[0]["title"] == "Atelier n° 24"  # latest first
    second = _get(client, "/api/workshops", offset=20)
    assert len(second) == 6
    assert not {w["id"] for w in first} & {w["id"] for w in second}
    assert len(_get(client, "/api/workshops", limit=1000)) == 26  # at most 100
    assert len(_get(client, "/api/workshops", limit=0)) == 1

    assert [w["title"] for w in _get(client, "/api/workshops", status="closed")] == ["Pérenniser"]
    assert [w["title"] for w in _get(client, "/api/workshops", q="PERENNISER")] == ["Pérenniser"]
    assert [w["title"] for w in _get(client, "/api/workshops", q="atelier 24")] == ["Atelier n° 24"]


def test_a_bad_filter_is_a_client_error(client_for):
    client = client_for("agent")
    assert client.get("/api/workshops", {"status": "open"}).status_code == 422
    assert client.get("/api/workshops", {"q": "a\x00b"}).status_code == 422
    assert client.get("/api/workshops", {"limit": "many"}).status_code == 422


def test_a_token_reads_the_list(agent, facilitator):
    make_workshop(by=facilitator)
    _token, raw = api_token_create(agent=agent, name="script")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert len(_get(client, "/api/workshops")) == 1


def test_a_guest_has_no_api(facilitator):
    workshop = make_workshop(by=facilitator)
    _guest, key = invite(workshop)
    client = guest_client(key)
    assert client.get("/api/workshops").status_code == 401
    assert client.get(f"/api/workshops/{workshop.pk}").status_code == 401


# --- one workshop ------------------------------------------------------------------------------


@pytest.fixture
def board(facilitator, agent, decision_maker):
    """A live workshop: in its first step, a note by the agent, an anonymous one by the
    decision-maker (with two dots of the agent), and a grouped one; its second step hides its
    notes (one by the agent, one by the decision-maker); a milestone on its first axis."""
    workshop = make_workshop(
        by=facilitator, axes=["Urgences", "Informel"], status=WorkshopStatus.LIVE
    )
    alice = participant_join(workshop=workshop, agent=agent)
    denis = participant_join(workshop=workshop, agent=decision_maker)
    axis = workshop.axes.get(title="Urgences")
    first, second, _third = axis.steps.order_by("position")
    group = Cluster.objects.create(step=first, title="Cartographier")
    mine = Note.objects.create(
        step=first, author=alice, text="Identifier les coopérations", position=0
    )
    anonymous = Note.objects.create(
        step=first, author=denis, text="Voter la loi 4D", is_anonymous=True, position=1
    )
    grouped = Note.objects.create(
        step=first, author=denis, text="Debriefer avec eux", cluster=group, position=2
    )
    Dot.objects.create(note=anonymous, participant=alice)
    Dot.objects.create(note=anonymous, participant=alice)
    Step.objects.filter(pk=second.pk).update(notes_hidden=True)
    hidden_mine = Note.objects.create(step=second, author=alice, text="Fabriques de territoire")
    Note.objects.create(step=second, author=denis, text="Secret jusqu'à la révélation")
    milestone = Milestone.objects.create(
        axis=axis,
        title="Développer un guide pratique",
        horizon=Horizon.SIX_MONTHS,
        due_on=dt.date(2021, 5, 18),
        owner=agent,
    )
    return {
        "workshop": workshop,
        "notes": {
            "mine": mine,
            "anonymous": anonymous,
            "grouped": grouped,
            "hidden_mine": hidden_mine,
        },
        "group": group,
        "milestone": milestone,
        "steps": (first, second),
    }


def _detail(client: Client, board) -> dict:
    return _get(client, f"/api/workshops/{board['workshop'].pk}")


def test_the_detail_shape(client_for, board, facilitator):
    body = _detail(client_for("agent"), board)
    workshop = board["workshop"]

    assert body["id"] == workshop.pk
    assert body["pitch"].startswith("Réfléchir aux manières de **pérenniser**")
    assert (body["status"], body["dots_per_participant"]) == ("live", 5)
    assert body["facilitators"] == [{"id": facilitator.pk, "name": "Fanny Lebon"}]
    assert {p["name"] for p in body["participants"]} == {
        "Fanny Lebon",
        "Célia Navarro",
        "Denis Marceau",
    }
    assert [a["title"] for a in body["axes"]] == ["Urgences", "Informel"]
    urgences = body["axes"][0]
    assert [s["title"] for s in urgences["steps"]] == [
        "Where to go?",
        "With which resources or levers?",
        "Through which stages?",
    ]
    first = urgences["steps"][0]
    assert first["groups"] == [{"id": board["group"].pk, "title": "Cartographier"}]
    assert [n["text"] for n in first["notes"]] == [
        "Identifier les coopérations",
        "Voter la loi 4D",
        "Debriefer avec eux",
    ]
    assert all(set(n) == NOTE_KEYS for n in first["notes"])
    grouped = first["notes"][2]
    assert (grouped["group"], grouped["author"]) == (board["group"].pk, "Denis Marceau")
    assert urgences["milestones"] == [
        {
            "id": board["milestone"].pk,
            "title": "Développer un guide pratique",
            "horizon": "6m",
            "due_on": "2021-05-18",
            "status": "open",
            "done_on": None,
            "late": True,
            "owner": {"id": board["milestone"].owner_id, "name": "Célia Navarro"},
            "initiative": None,
            "norm": None,
            "cooperation": None,
        }
    ]
    assert body["axes"][1]["milestones"] == []


def test_an_anonymous_note_names_nobody_not_even_to_a_facilitator(client_for, board):
    for role in ("agent", "decision_maker", "facilitator", "admin"):
        body = _detail(client_for(role), board)
        note = body["axes"][0]["steps"][0]["notes"][1]
        assert (note["text"], note["anonymous"], note["author"]) == ("Voter la loi 4D", True, None)
        assert note["mine"] == (role == "decision_maker"), role
        assert "Denis" not in str(note)


def test_dots_are_counted_and_the_callers_own_told(client_for, board):
    note = _detail(client_for("agent"), board)["axes"][0]["steps"][0]["notes"][1]
    assert (note["dots"], note["my_dots"]) == (2, 2)
    note = _detail(client_for("decision_maker"), board)["axes"][0]["steps"][0]["notes"][1]
    assert (note["dots"], note["my_dots"]) == (2, 0)


def test_hidden_notes_are_the_callers_own_until_the_reveal(client_for, board):
    step = _detail(client_for("agent"), board)["axes"][0]["steps"][1]
    assert step["notes_hidden"] is True
    assert [n["text"] for n in step["notes"]] == ["Fabriques de territoire"]
    assert step["notes"][0]["mine"] is True
    assert step["kept_hidden"] == 1

    # An agent who does not take part sees none of them.
    step = _detail(client_for("moderator"), board)["axes"][0]["steps"][1]
    assert (step["notes"], step["kept_hidden"]) == ([], 2)
    assert "Secret" not in str(_detail(client_for("moderator"), board))

    # The facilitator sees them all, marked hidden, to prepare the reveal.
    step = _detail(client_for("facilitator"), board)["axes"][0]["steps"][1]
    assert len(step["notes"]) == 2 and all(n["hidden"] for n in step["notes"])
    assert step["kept_hidden"] == 0


def test_revealed_notes_are_everyones(client_for, board):
    Step.objects.filter(pk=board["steps"][1].pk).update(notes_hidden=False)
    step = _detail(client_for("moderator"), board)["axes"][0]["steps"][1]
    assert len(step["notes"]) == 2 and step["kept_hidden"] == 0


def test_an_unknown_workshop_is_404(client_for):
    response = client_for("agent").get("/api/workshops/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such workshop."}


def test_the_openapi_schema_documents_both_routes(client_for):
    schema = client_for("outsider").get("/api/openapi.json").json()
    assert {"/api/workshops", "/api/workshops/{pk}"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/workshops"]["get"]["parameters"]}
    assert params == {"status", "q", "limit", "offset"}
