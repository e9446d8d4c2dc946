"""The norms API (/api/norms...): what it lists and shows, who may vote and every refusal, by
session and by personal token, and that a secret ballot's answers never say who chose what.
Who may reach each route at all is in the API access table (tests/norms/access_api.py)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from riposte.directory.models import Agent, Role, Service
from riposte.directory.services import api_token_create
from riposte.norms.ballots import consultation_seal, objection_answer, vote_cast
from riposte.norms.models import (
    Ballot,
    Consultation,
    Electorate,
    Method,
    Norm,
    NormKind,
    NormStatus,
    Outcome,
    Voter,
)
from riposte.norms.services import (
    DecisionData,
    argument_add,
    argument_endorse,
    decision_record,
    norm_edit,
    norm_link,
)
from riposte.norms.services import testimony_add as add_testimony
from tests.norms.builders import close, make_consultation, make_norm, norm_data

TODAY = timezone.localdate


def _bearer(agent: Agent) -> Client:
    _token, raw = api_token_create(agent=agent, name="script de test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _vote(client: Client, norm_pk: int, choice: str, reason: str | None = None):
    body: dict[str, Any] = {"choice": choice}
    if reason is not None:
        body["reason"] = reason
    return client.post(f"/api/norms/{norm_pk}/votes", body, content_type="application/json")


def _other_service() -> Service:
    return Service.objects.create(code="RH", name="Ressources humaines", level="direction")


def _colleague(email: str, **fields: Any) -> Agent:
    fields.setdefault("service", Service.objects.get(code="DEF-01"))
    return Agent.objects.create_user(email, "x", **fields)


# --- GET /api/norms ------------------------------------------------------------------------------


ITEM_KEYS = {"id", "title", "kind", "status", "next_date", "review_on", "sunset_on",
             "updated_at", "counts", "url"}  # fmt: skip


def test_list_items_and_their_counts(agent, moderator, client_for) -> None:
    from tests.cooperations.builders import make_actor, make_cooperation, make_service_actor
    from tests.initiatives.builders import draft, publish

    norm = make_norm(by=agent, status=NormStatus.TEMPORARY, title="Télétravail à temps plein")
    # A draft linked to it (as a proposal from it did once): its authors' only, as on the page.
    secret_draft = draft(agent)
    norm.initiatives.add(secret_draft)
    other = make_norm(by=agent, title="Messagerie avec le public")
    add_testimony(norm=norm, by=agent, made_possible="Garder le lien avec les familles.")
    hidden = add_testimony(norm=norm, by=moderator, made_possible="Un message hors sujet.")
    type(hidden).objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_by=moderator)
    argument_add(norm=norm, by=agent, side="pour", title="Moins de trajets")
    argument_add(norm=norm, by=moderator, side="contre", title="Isolement des équipes")
    norm_link(norm=norm, by=agent, initiative=publish(agent))
    actors = [make_service_actor(), make_actor("Secours populaire", by=agent)]
    norm_link(norm=norm, by=agent, cooperation=make_cooperation(actors, by=agent))

    response = _bearer(agent).get("/api/norms")

    assert response.status_code == 200
    body = {item["id"]: item for item in response.json()}
    assert set(body) == {norm.pk, other.pk}
    assert all(set(item) == ITEM_KEYS for item in body.values())
    item = body[norm.pk]
    assert (item["title"], item["kind"], item["status"]) == (
        "Télétravail à temps plein", NormKind.AUTHORISATION, NormStatus.TEMPORARY)  # fmt: skip
    # A temporary authorisation is next due on its sunset date.
    assert item["next_date"] == item["sunset_on"] == str(norm.sunset_on)
    assert item["counts"] == {"testimonies": 1, "arguments": 2, "initiatives": 1,
                              "cooperations": 1}  # fmt: skip
    assert body[other.pk]["counts"] == {"testimonies": 0, "arguments": 0, "initiatives": 0,
                                        "cooperations": 0}  # fmt: skip
    detail = _bearer(moderator).get(f"/api/norms/{norm.pk}").json()
    assert secret_draft.pk not in detail["initiatives"] and len(detail["initiatives"]) == 1
    assert item["url"] == f"/norms/{norm.pk}/"


def test_list_filters(agent, facilitator, client_for) -> None:
    today = TODAY()
    rh = _other_service()
    unit = Service.objects.create(code="RH-01", name="Paie", level="service", parent=rh)
    soon = make_norm(by=agent, status=NormStatus.TEMPORARY, title="Signature électronique",
                     sunset_on=today + dt.timedelta(days=10), services=[unit])  # fmt: skip
    later = make_norm(by=agent, status=NormStatus.TEMPORARY, title="Horaires décalés",
                      sunset_on=today + dt.timedelta(days=200), kind=NormKind.DEROGATION)  # fmt: skip
    review = make_norm(by=agent, title="Contacter une association en direct",
                       review_on=today + dt.timedelta(days=30), kind=NormKind.PROCEDURE)  # fmt: skip
    client = client_for("agent")

    def ids(**params: Any) -> set[int]:
        response = client.get("/api/norms", params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()}

    assert ids() == {soon.pk, later.pk, review.pk}
    assert ids(status=NormStatus.TEMPORARY) == {soon.pk, later.pk}
    assert ids(status=NormStatus.DEBATE) == {review.pk}
    assert ids(kind=NormKind.DEROGATION) == {later.pk}
    # A direction's filter finds the norms scoped to a service under it, and those of no service
    # in particular (they apply to every one); not those of another service.
    assert ids(service="RH") == ids(service="RH-01") == {soon.pk, later.pk, review.pk}
    assert ids(service="DEF") == {later.pk, review.pk}
    assert ids(service="NOPE") == set()
    assert ids(due_within_days=15) == {soon.pk}
    assert ids(due_within_days=60) == {soon.pk, review.pk}
    assert ids(due_within_days=365) == {soon.pk, later.pk, review.pk}
    # Search: accent- and case-blind, every word needed.
    assert ids(q="SIGNATURE electronique") == {soon.pk}
    assert ids(q="décalés") == ids(q="decales") == {later.pk}
    assert ids(q="signature horaires") == set()
    # A withdrawn norm is no longer due, whatever its dates.
    decision_record(norm=review, by=_decider(), data=DecisionData(
        outcome=Outcome.WITHDRAW, rationale="Plus nécessaire.", decided_on=today))  # fmt: skip
    Norm.objects.filter(pk=review.pk).update(review_on=today + dt.timedelta(days=10))
    assert ids(due_within_days=60) == {soon.pk}


def _decider() -> Agent:
    return _colleague("decideur@example.org", role=Role.DECISION_MAKER)


@pytest.mark.parametrize(
    "params", [{"status": "ouverte"}, {"kind": "loi"}, {"q": "a\x00b"}, {"limit": "many"}]
)
def test_list_refuses_bad_parameters(client_for, params) -> None:
    assert client_for("agent").get("/api/norms", params).status_code == 422


def test_list_is_paginated_and_clamped(agent, client_for) -> None:
    for i in range(25):
        make_norm(by=agent, title=f"Autorisation {i}")
    client = client_for("agent")
    first = client.get("/api/norms").json()
    second = client.get("/api/norms", {"offset": 20}).json()
    assert (len(first), len(second)) == (20, 5)
    assert not {n["id"] for n in first} & {n["id"] for n in second}
    assert len(client.get("/api/norms", {"limit": 1000}).json()) == 25
    assert len(client.get("/api/norms", {"limit": 0}).json()) == 1
    assert client.get("/api/norms", {"offset": -4}).json() == first


# --- GET /api/norms/{id} -------------------------------------------------------------------------


def test_detail(agent, facilitator, decision_maker, client_for) -> None:
    from tests.cooperations.builders import make_event

    event = make_event()
    scope: dict[str, Any] = {"origin_event_id": event.pk, "roles": [Role.AGENT],
                             "services": [Service.objects.get(code="DEF-01")]}  # fmt: skip
    norm = make_norm(by=agent, **scope)
    norm = norm_edit(norm=norm, by=agent, version=1, note="précision",
                     data=norm_data(text="Un chef de service signe seul sous 2 000 €.", **scope))  # fmt: skip
    add_testimony(norm=norm, by=agent, made_possible="Commander des masques en un jour.")
    strong = argument_add(norm=norm, by=agent, side="pour", title="Plus rapide")
    argument_add(norm=norm, by=facilitator, side="contre", title="Moins de contrôle")
    argument_endorse(argument=strong, by=facilitator)
    consultation = make_consultation(norm=norm, by=facilitator, secret=False)
    vote_cast(consultation=consultation, agent=agent, choice="pour")
    close(consultation)
    decision_record(norm=norm, by=decision_maker, data=DecisionData(
        outcome=Outcome.KEEP, rationale="Aucun incident.", decided_on=TODAY(),
        next_review_on=TODAY() + dt.timedelta(days=365), consultation=consultation))  # fmt: skip

    response = _bearer(facilitator).get(f"/api/norms/{norm.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["text"], body["version"], body["status"]) == (
        "Un chef de service signe seul sous 2 000 €.", 2, NormStatus.SUSTAINED)  # fmt: skip
    assert body["origin"] == {"event": event.pk, "event_name": event.name,
                              "text": "Note de la DGS du 17 mars 2020", "date": "2020-03-17",
                              "granted_by": "Directeur général des services"}  # fmt: skip
    assert body["scope"] == {"services": [{"code": "DEF-01", "name": "Aide sociale à l'enfance"}],
                             "sites": [], "roles": ["agent"]}  # fmt: skip
    assert [(c["before"], c["after"], c["by"]) for c in body["status_history"]] == [
        ("", "en_debat", "Célia Navarro"),
        ("en_debat", "perennisee", "Denis Marceau"),
    ]
    [decision] = body["decisions"]
    assert (decision["outcome"], decision["rationale"], decision["decided_by"]) == (
        "keep", "Aucun incident.", "Denis Marceau")  # fmt: skip
    assert decision["consultation"] == consultation.pk
    assert body["next_date"] == body["review_on"] == decision["next_review_on"]
    assert body["testimonies"] == 1
    assert [(a["title"], a["side"], a["endorsements"]) for a in body["arguments"]] == [
        ("Plus rapide", "pour", 1), ("Moins de contrôle", "contre", 0)]  # fmt: skip
    [shown] = body["consultations"]
    assert (shown["id"], shown["state"], shown["voters"], shown["secret"]) == (
        consultation.pk, "closed", 1, False)  # fmt: skip
    assert shown["results"]["counts"] == {"pour": 1, "contre": 0, "abstention": 0}
    assert shown["my_ballot"] is None  # the facilitator did not vote


def test_detail_of_no_such_norm(client_for) -> None:
    response = client_for("agent").get("/api/norms/999999")
    assert response.status_code == 404


def test_a_secret_ballots_results_show_only_after_the_close(agent, facilitator, client_for):
    norm = make_norm(by=agent)
    consultation = make_consultation(norm=norm, by=facilitator, quorum=2)
    vote_cast(consultation=consultation, agent=agent, choice="contre")
    client = client_for("facilitator")

    running = client.get(f"/api/norms/{norm.pk}").json()["consultations"][0]
    assert (running["state"], running["voters"], running["eligible"]) == ("open", 1, 5)
    assert (running["results_visible"], running["results"]) == (False, None)
    assert running["may_vote"] is True

    close(consultation)
    closed = client.get(f"/api/norms/{norm.pk}").json()["consultations"][0]
    assert closed["state"] == "closed"
    assert closed["results"]["counts"] == {"pour": 0, "contre": 1, "abstention": 0}
    assert (closed["results"]["quorum_reached"], closed["results"]["outcome"]) == (
        False, "contre")  # fmt: skip

    # Sealed: the frozen result is shown, even if a row were added to the table afterwards.
    assert consultation_seal(consultation=consultation)
    Ballot.objects.create(consultation=consultation, key="x" * 64, choice="pour")
    sealed = client.get(f"/api/norms/{norm.pk}").json()["consultations"][0]
    assert sealed["results"]["counts"] == {"pour": 0, "contre": 1, "abstention": 0}


def test_a_public_ballots_results_show_while_it_runs(agent, facilitator, client_for):
    norm = make_norm(by=agent)
    consultation = make_consultation(norm=norm, by=facilitator, secret=False)
    vote_cast(consultation=consultation, agent=agent, choice="abstention")

    shown = client_for("decision_maker").get(f"/api/norms/{norm.pk}").json()["consultations"][0]
    assert shown["results_visible"] is True
    assert shown["results"]["counts"] == {"pour": 0, "contre": 0, "abstention": 1}


def test_an_upcoming_consultation(agent, facilitator, client_for):
    norm = make_norm(by=agent)
    make_consultation(norm=norm, by=facilitator, opened=False)
    shown = client_for("agent").get(f"/api/norms/{norm.pk}").json()["consultations"][0]
    assert (shown["state"], shown["my_ballot"]) == ("upcoming", None)


# --- POST /api/norms/{id}/votes ------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
def test_vote_then_change_it(agent, facilitator, client_for, auth) -> None:
    client = client_for("agent") if auth == "session" else _bearer(agent)
    norm = make_norm(by=agent)
    consultation = make_consultation(norm=norm, by=facilitator)

    first = _vote(client, norm.pk, "pour")
    assert first.status_code == 201, first.content
    assert first.json()["choice"] == "pour"
    assert first.json()["consultation"] == consultation.pk
    assert first.json()["changeable_until"] is not None

    second = _vote(client, norm.pk, "contre")
    assert second.status_code == 200
    assert second.json()["choice"] == "contre"
    # One voter, one ballot: changed, not added.
    assert Voter.objects.filter(consultation=consultation).count() == 1
    assert list(Ballot.objects.filter(consultation=consultation).values_list("choice", flat=True)) == ["contre"]  # fmt: skip
    mine = client.get(f"/api/norms/{norm.pk}").json()["consultations"][0]["my_ballot"]
    assert mine["choice"] == "contre"


@pytest.mark.parametrize("role", ["agent", "facilitator", "decision_maker", "moderator", "admin"])
def test_every_agent_votes_when_all_are_asked(actors, role) -> None:
    norm = make_norm(by=actors["agent"])
    make_consultation(norm=norm, by=actors["facilitator"])
    assert _vote(_bearer(actors[role]), norm.pk, "abstention").status_code == 201


def test_the_outsider_may_not_vote(agent, facilitator, client_for) -> None:
    norm = make_norm(by=agent)
    consultation = make_consultation(norm=norm, by=facilitator)
    response = _vote(client_for("outsider"), norm.pk, "pour")
    assert response.status_code == 401
    assert not Voter.objects.filter(consultation=consultation).exists()


def test_a_revoked_or_inactive_token_may_not_vote(agent, facilitator) -> None:
    norm = make_norm(by=agent)
    make_consultation(norm=norm, by=facilitator)
    client = _bearer(agent)
    Agent.objects.filter(pk=agent.pk).update(is_active=False)
    assert _vote(client, norm.pk, "pour").status_code == 401
    assert not Voter.objects.exists()


def test_a_session_vote_needs_the_csrf_token_and_a_token_vote_does_not(agent, facilitator):
    norm = make_norm(by=agent)
    make_consultation(norm=norm, by=facilitator)
    session = Client(enforce_csrf_checks=True)
    session.force_login(agent)
    assert _vote(session, norm.pk, "pour").status_code == 403
    assert not Voter.objects.exists()

    _token, raw = api_token_create(agent=agent, name="script")
    token = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    assert _vote(token, norm.pk, "pour").status_code == 201


def test_outside_the_electorate_is_403(agent, facilitator, moderator) -> None:
    rh = _other_service()
    by_service = make_norm(by=agent, title="Pour la paie")
    make_consultation(norm=by_service, by=facilitator, electorate=Electorate.SERVICE, service=rh)
    by_role = make_norm(by=agent, title="Pour les modérateurs")
    make_consultation(norm=by_role, by=facilitator, electorate=Electorate.ROLE, role=Role.MODERATOR)

    for norm in (by_service, by_role):
        response = _vote(_bearer(agent), norm.pk, "pour")
        assert response.status_code == 403
        assert response.json() == {
            "code": "not_eligible",
            "message": "You are not among the agents this consultation asks.",
        }
    assert not Voter.objects.exists()
    # Those asked may.
    payroll = _colleague("paie@example.org", service=rh)
    assert _vote(_bearer(payroll), by_service.pk, "pour").status_code == 201
    assert _vote(_bearer(moderator), by_role.pk, "pour").status_code == 201


def _refused(response, code: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == code
    return body["message"]


def test_before_the_opening_is_refused(agent, facilitator) -> None:
    norm = make_norm(by=agent)
    make_consultation(norm=norm, by=facilitator, opened=False)
    message = _refused(_vote(_bearer(agent), norm.pk, "pour"), "not_open")
    assert message == "This consultation is not open yet."
    assert not Voter.objects.exists()


def test_after_the_close_is_refused_sealed_or_not(agent, facilitator) -> None:
    norm = make_norm(by=agent)
    consultation = make_consultation(norm=norm, by=facilitator)
    vote_cast(consultation=consultation, agent=agent, choice="pour")
    close(consultation)
    client = _bearer(agent)

    message = _refused(_vote(client, norm.pk, "contre"), "closed")
    assert message == "This consultation is closed: votes are no longer taken."
    consultation_seal(consultation=consultation)
    _refused(_vote(client, norm.pk, "contre"), "closed")
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["pour"]


def test_a_choice_of_another_method_is_refused(agent, facilitator) -> None:
    norm = make_norm(by=agent)
    make_consultation(norm=norm, by=facilitator)
    client = _bearer(agent)
    for choice in ("objection", "oui", ""):
        message = _refused(_vote(client, norm.pk, choice), "invalid_choice")
        assert message == "Choose one of the answers offered."
    assert _vote(client, norm.pk, None).status_code == 422  # type: ignore[arg-type]
    assert not Voter.objects.exists()


def test_consent_objection_needs_a_reason(agent, facilitator) -> None:
    norm = make_norm(by=agent)
    # Public: its objections are answered while it runs (a secret one's after its close).
    consultation = make_consultation(norm=norm, by=facilitator, method=Method.CONSENT, secret=False)
    client = _bearer(agent)

    _refused(_vote(client, norm.pk, "objection"), "reason")
    _refused(_vote(client, norm.pk, "objection", "   "), "reason")
    _refused(_vote(client, norm.pk, "objection", "x" * 2001), "reason_too_long")
    assert not Voter.objects.exists()

    response = _vote(client, norm.pk, "objection", "Le contrôle interne disparaît.")
    assert response.status_code == 201
    assert response.json()["reason"] == "Le contrôle interne disparaît."
    ballot = Ballot.objects.get(consultation=consultation)
    objection_answer(ballot=ballot, by=facilitator, answer="Un contrôle a posteriori est prévu.")
    assert _vote(client, norm.pk, "consentement").json()["answer"] == ""


def test_nul_in_the_body_is_a_client_error(agent, facilitator) -> None:
    norm = make_norm(by=agent)
    make_consultation(norm=norm, by=facilitator, method=Method.CONSENT)
    assert _vote(_bearer(agent), norm.pk, "objection", "a\x00b").status_code == 422
    assert not Voter.objects.exists()


def test_no_norm_or_no_consultation_is_404(agent) -> None:
    client = _bearer(agent)
    assert _vote(client, 999999, "pour").status_code == 404
    assert _vote(client, 999999, "pour").json()["code"] == "no_norm"
    norm = make_norm(by=agent)
    response = _vote(client, norm.pk, "pour")
    assert (response.status_code, response.json()["code"]) == (404, "no_consultation")


def test_the_vote_goes_to_the_running_consultation(agent, facilitator) -> None:
    norm = make_norm(by=agent)
    old = make_consultation(norm=norm, by=facilitator)
    close(old)
    consultation_seal(consultation=old)
    decision_record(norm=norm, by=_decider(), data=DecisionData(
        outcome=Outcome.KEEP, rationale="Gardée.", decided_on=TODAY(),
        next_review_on=TODAY() + dt.timedelta(days=30), consultation=old))  # fmt: skip
    running = make_consultation(norm=norm, by=facilitator, question="Et maintenant ?")
    assert _vote(_bearer(agent), norm.pk, "pour").status_code == 201
    assert Voter.objects.get().consultation == running


# --- the secret ballot ---------------------------------------------------------------------------


def _views(norm_pk: int, clients: list[Client]) -> list[str]:
    """Everything the API tells these callers about the norm, as text (list and detail)."""
    texts = []
    for client in clients:
        texts.append(client.get("/api/norms").content.decode())
        texts.append(client.get(f"/api/norms/{norm_pk}").content.decode())
    return texts


def test_a_secret_ballot_never_says_who_chose_what(agent, facilitator, decision_maker, actors):
    """Whoever asks, what A chose changes nothing in the answers about A, before the close; and
    after it, swapping the choices of two voters changes nothing at all in any answer."""
    norm = make_norm(by=facilitator)
    consultation = make_consultation(norm=norm, by=facilitator)
    onlookers = [_bearer(decision_maker), _bearer(actors["moderator"])]
    alice, fanny = _bearer(agent), _bearer(facilitator)

    assert _vote(alice, norm.pk, "pour").status_code == 201
    assert _vote(_bearer(actors["admin"]), norm.pk, "abstention").status_code == 201
    with_pour = _views(norm.pk, [*onlookers, fanny])
    changed = _vote(alice, norm.pk, "contre")
    assert changed.status_code == 200
    assert changed.json()["choice"] == "contre"  # Alice sees her own vote...
    with_contre = _views(norm.pk, [*onlookers, fanny])
    assert with_pour == with_contre  # ...nobody else learns anything from it.
    assert all('"voters": 2' in json.dumps(json.loads(t)) for t in with_contre[1::2])

    # After the close: Alice "contre", Fanny "pour"; then the other way round. The same dates
    # each time, so that only the ballots differ from one state to the next.
    closes_at = timezone.now() - dt.timedelta(hours=1)
    rows = Consultation.objects.filter(pk=consultation.pk)
    rows.update(opens_at=closes_at - dt.timedelta(days=7))

    def closed_views(alice_choice: str, fanny_choice: str) -> list[str]:
        rows.update(closes_at=timezone.now() + dt.timedelta(days=1))
        assert _vote(alice, norm.pk, alice_choice).status_code in (200, 201)
        assert _vote(fanny, norm.pk, fanny_choice).status_code in (200, 201)
        rows.update(closes_at=closes_at)
        return _views(norm.pk, onlookers)

    first = closed_views("contre", "pour")
    swapped = closed_views("pour", "contre")
    assert first == swapped
    shown = json.loads(first[1])["consultations"][0]["results"]["counts"]
    assert shown == {"pour": 1, "contre": 1, "abstention": 1}
    # The comparison can tell a difference when there is one: both "pour" is another answer.
    assert closed_views("pour", "pour") != first
    # And no answer carries a ballot's key or id.
    keys = list(Ballot.objects.values_list("key", flat=True))
    ids = [str(b) for b in Ballot.objects.values_list("pk", flat=True)]
    assert not any(secret in text for text in first for secret in keys + ids)


def test_a_secret_objection_is_shown_without_its_author(agent, facilitator, client_for):
    norm = make_norm(by=facilitator)
    consultation = make_consultation(norm=norm, by=facilitator, method=Method.CONSENT)
    vote_cast(consultation=consultation, agent=agent, choice="objection",
              reason="Personne ne vérifie les montants.")  # fmt: skip
    client = client_for("moderator")

    running = client.get(f"/api/norms/{norm.pk}").json()["consultations"][0]
    assert running["objections"] is None  # hidden with the results until the close
    assert "Personne ne vérifie" not in client.get(f"/api/norms/{norm.pk}").content.decode()

    close(consultation)
    objection_answer(ballot=Ballot.objects.get(), by=facilitator, answer="Un contrôle mensuel.")
    response = client.get(f"/api/norms/{norm.pk}")
    shown = response.json()["consultations"][0]
    assert shown["objections"] == [{"reason": "Personne ne vérifie les montants.",
                                    "answer": "Un contrôle mensuel.",
                                    "answered_by": "Fanny Lebon"}]  # fmt: skip
    text = response.content.decode()
    assert "Célia" not in text and "Navarro" not in text and "alice@" not in text
