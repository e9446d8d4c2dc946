"""Consultations, votes and decisions through the pages: a facilitator opens a consultation, agents
vote and change their vote, refused votes come back on the norm's page with their reason (and
the choice kept), a secret ballot never puts a name beside a choice, a decision-maker decides."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from riposte.directory.models import Role
from riposte.norms.ballots import consultation_seal, my_ballot, vote_cast
from riposte.norms.models import (
    Ballot,
    Choice,
    Consultation,
    Decision,
    Electorate,
    Method,
    Norm,
    NormStatus,
    Voter,
)
from tests.norms.builders import close, make_consultation, make_norm

SCRIPT = "<script>alert('pwned')</script>"


@pytest.fixture
def norm(agent) -> Norm:
    return make_norm(by=agent)


@pytest.fixture
def consultation(norm, facilitator) -> Consultation:
    return make_consultation(norm=norm, by=facilitator)


def _vote(client, consultation: Consultation, choice: str, reason: str = ""):
    return client.post(
        reverse("norms:vote", args=[consultation.pk]), {"choice": choice, "reason": reason}
    )


def _panel(html: str) -> str:
    """The consultation panel of a norm's page."""
    match = re.search(r'<section id="consultation".*?</section>', html, re.S)
    assert match, "no consultation panel on the page"
    return match.group(0)


def _page(client, norm: Norm) -> str:
    response = client.get(norm.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- opening a consultation ------------------------------------------------------------------


def _form(**fields: str) -> dict[str, str]:
    now = timezone.localtime()
    values = {
        "question": "Faut-il garder la signature seule sous 1 500 € ?",
        "method": Method.VOTE,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        "electorate": Electorate.ALL,
        "service": "",
        "role": "",
        "quorum": "2",  # out of the 3 or 4 agents of these tests
        "secret": "on",
    }
    values.update(fields)
    return values


def test_the_form_proposes_a_secret_ballot_of_two_weeks(client_for, norm):
    response = client_for("facilitator").get(reverse("norms:consultation-open", args=[norm.pk]))

    form = response.context["form"]
    assert form["secret"].value() is True
    opens, closes = form["opens_at"].value(), form["closes_at"].value()
    assert closes - opens == dt.timedelta(days=14)
    assert 'type="datetime-local"' in response.content.decode()


def test_a_facilitator_opens_a_consultation(client_for, norm):
    response = client_for("facilitator").post(
        reverse("norms:consultation-open", args=[norm.pk]), _form()
    )

    assert response.status_code == 302
    assert response["Location"] == norm.get_absolute_url() + "#consultation"
    consultation = Consultation.objects.get(norm=norm)
    assert consultation.question == "Faut-il garder la signature seule sous 1 500 € ?"
    assert (consultation.method, consultation.quorum, consultation.secret) == ("vote", 2, True)
    assert consultation.is_open()
    # The datetime-local value is read in the site's timezone.
    closes = timezone.localtime(consultation.closes_at)
    assert closes.strftime("%Y-%m-%dT%H:%M") == _form()["closes_at"]


def test_a_public_consultation_of_a_service(client_for, norm, service):
    client_for("facilitator").post(
        reverse("norms:consultation-open", args=[norm.pk]),
        _form(electorate=Electorate.SERVICE, service=str(service.pk), secret=""),
    )

    consultation = Consultation.objects.get(norm=norm)
    assert (consultation.electorate, consultation.service, consultation.secret) == (
        "service",
        service,
        False,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"question": "  "}, "Ask the question the agents will answer."),
        (
            {"opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"},
            "The consultation must close after it opens.",
        ),
        (
            {"opens_at": "2020-01-01T10:00", "closes_at": "2020-01-02T10:00"},
            "The closing date is in the past.",
        ),
        ({"electorate": Electorate.SERVICE}, "Choose the service whose agents vote."),
        ({"electorate": Electorate.ROLE}, "Choose the role whose agents vote."),
        ({"closes_at": "not a date"}, "Enter a valid date/time."),
        ({"quorum": "-1"}, "Ensure this value is greater than or equal to 0."),
        (
            {"opens_at": "2020-01-01T10:00", "closes_at": "2030-01-02T10:00"},
            "The opening cannot be before today.",
        ),
        ({"quorum": "1000"}, "The quorum cannot be more than the"),
        (
            {"quorum": "2", "electorate": Electorate.ROLE, "role": Role.MODERATOR},
            "The quorum cannot be more than the 1 agent asked.",
        ),
    ],
)
def test_a_bad_consultation_is_refused_with_its_reason(client_for, norm, fields, message):
    response = client_for("facilitator").post(
        reverse("norms:consultation-open", args=[norm.pk]), _form(**fields)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_second_consultation_waits_for_the_first_to_close(client_for, consultation, norm):
    response = client_for("facilitator").post(
        reverse("norms:consultation-open", args=[norm.pk]), _form(question="Encore ?")
    )

    assert "A consultation is already running on this norm." in response.content.decode()
    assert Consultation.objects.filter(norm=norm).count() == 1


# --- voting ----------------------------------------------------------------------------------


def test_an_agent_votes_then_changes_their_vote(client_for, consultation, norm, agent):
    client = client_for("agent")
    page = _panel(_page(client, norm))
    assert 'name="choice" id="choice-pour" value="pour"' in page
    assert "You are among the agents this consultation asks." in page

    response = _vote(client, consultation, Choice.FOR)
    assert response.status_code == 302
    assert response["Location"] == norm.get_absolute_url() + "#consultation"
    page = _page(client, norm)
    assert "Your vote is recorded." in page
    assert "You voted <strong>For</strong>." in _panel(page)
    assert "You can change your vote until" in _panel(page)
    assert re.search(r'value="pour" checked', _panel(page))

    _vote(client, consultation, Choice.AGAINST)
    assert my_ballot(consultation=consultation, agent=agent).choice == Choice.AGAINST
    assert Voter.objects.filter(consultation=consultation).count() == 1
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    panel = _panel(_page(client, norm))
    assert "You voted <strong>Against</strong>." in panel
    assert "1 agent has voted" in panel


def test_a_vote_after_the_close_is_refused_on_the_norms_page(client_for, consultation, norm, agent):
    client = client_for("agent")
    _vote(client, consultation, Choice.FOR)
    close(consultation)

    response = _vote(client, consultation, Choice.AGAINST)

    assert response.status_code == 400
    panel = _panel(response.content.decode())
    assert "Your vote was not recorded" in panel
    assert "This consultation is closed: votes are no longer taken." in panel
    assert response.context["norm"] == norm  # the norm's page, not an error page
    assert my_ballot(consultation=consultation, agent=agent).choice == Choice.FOR
    assert 'name="choice"' not in panel  # no form to vote again


def test_a_vote_before_the_opening_is_refused(client_for, norm, facilitator):
    later = make_consultation(norm=norm, by=facilitator, opened=False)
    client = client_for("agent")
    assert "Not open yet" in _panel(_page(client, norm))

    response = _vote(client, later, Choice.FOR)

    assert response.status_code == 400
    assert "This consultation is not open yet." in _panel(response.content.decode())
    assert not Voter.objects.exists()


def test_a_vote_outside_the_electorate_is_forbidden_with_its_reason(client_for, norm, facilitator):
    consultation = make_consultation(
        norm=norm, by=facilitator, electorate=Electorate.ROLE, role=Role.DECISION_MAKER
    )
    client = client_for("agent")
    panel = _panel(_page(client, norm))
    assert "You are not among the agents this consultation asks." in panel
    assert "The agents with the role “Decision-maker”" in panel
    assert 'name="choice"' not in panel

    response = _vote(client, consultation, Choice.FOR)

    assert response.status_code == 403
    assert "You are not among the agents this consultation asks." in response.content.decode()
    assert not Voter.objects.exists()


def test_an_objection_without_reason_is_refused_and_the_choice_kept(
    client_for, norm, facilitator, agent
):
    consultation = make_consultation(norm=norm, by=facilitator, method=Method.CONSENT)
    client = client_for("agent")

    response = _vote(client, consultation, Choice.OBJECTION, reason="   ")

    assert response.status_code == 400
    panel = _panel(response.content.decode())
    assert "An objection needs a reason, so that it can be answered." in panel
    assert re.search(r'value="objection" checked', panel)
    assert not Voter.objects.exists()

    # With a reason it is taken; the reason typed before a refusal is not lost either.
    refused = _vote(client, consultation, Choice.OBJECTION, reason="x" * 2001)
    assert refused.status_code == 400
    assert "x" * 2001 in _panel(refused.content.decode())
    assert _vote(client, consultation, Choice.OBJECTION, reason="Trop risqué.").status_code == 302
    assert my_ballot(consultation=consultation, agent=agent).reason == "Trop risqué."


def test_a_choice_of_the_other_method_or_none_is_refused(client_for, consultation):
    client = client_for("agent")
    for choice in (Choice.CONSENT, "", "n'importe quoi"):
        response = _vote(client, consultation, choice)
        assert response.status_code == 400
        assert "Choose one of the answers offered." in response.content.decode()
    assert not Voter.objects.exists()


def test_an_unknown_consultation_is_404(client_for):
    assert _vote(client_for("agent"), Consultation(pk=987654), Choice.FOR).status_code == 404


# --- what a secret ballot keeps secret -------------------------------------------------------


def test_a_secret_ballot_never_puts_a_name_beside_a_choice(
    client_for, agent, moderator, facilitator
):
    """Two consultations where the same two agents voted the other way round: what a third agent
    reads of them is the same page, so it cannot tell who chose what."""
    viewer = client_for("decision_maker")
    # Both consultations ran at the same dates, so that nothing but the ballots differs.
    opens = timezone.now().replace(microsecond=0) - dt.timedelta(days=8)
    panels = []
    for first, second in ((Choice.FOR, Choice.AGAINST), (Choice.AGAINST, Choice.FOR)):
        norm = make_norm(by=facilitator)
        consultation = make_consultation(norm=norm, by=facilitator)
        vote_cast(consultation=consultation, agent=agent, choice=first)
        vote_cast(consultation=consultation, agent=moderator, choice=second)

        open_panel = _panel(_page(viewer, norm))
        assert "Secret ballot: the results are shown after the close." in open_panel
        assert 'id="consultation-results"' not in open_panel
        # Who took part is told after the close: live, beside the turnout, names would show
        # who voted when.
        assert "Célia Navarro" not in open_panel and "Morgane Tixier" not in open_panel
        assert "The names of the voters are shown after the close" in open_panel

        Consultation.objects.filter(pk=consultation.pk).update(
            opens_at=opens, closes_at=opens + dt.timedelta(days=7)
        )
        panels.append(_panel(_page(viewer, norm)))

    assert panels[0] == panels[1]
    assert 'id="consultation-results"' in panels[0]  # shown after the close
    participants = re.search(r'<ul id="consultation-participants">(.*?)</ul>', panels[0], re.S)
    assert participants is not None
    assert re.findall(r"<li>(.*?)</li>", participants.group(1)) == [
        "Célia Navarro",
        "Morgane Tixier",
    ]
    assert "Who voted what" not in panels[0]


def test_a_secret_ballots_result_after_the_close_comes_from_the_seal(
    client_for, consultation, norm, agent, moderator
):
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    vote_cast(consultation=consultation, agent=moderator, choice=Choice.FOR)
    close(consultation)
    assert consultation_seal(consultation=consultation)
    # A ballot changed behind the seal's back does not change the published result.
    Ballot.objects.filter(consultation=consultation).update(choice=Choice.AGAINST)

    panel = _panel(_page(client_for("agent"), norm))

    assert "Final result, frozen at the close." in panel
    assert re.search(r"<th scope=\"row\">For</th><td>2</td><td>100 %</td>", panel)
    assert "“For” has the most votes" in panel


def test_the_quorum_is_reported(client_for, norm, facilitator, agent):
    consultation = make_consultation(norm=norm, by=facilitator, quorum=2, secret=False)
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    panel = _panel(_page(client_for("agent"), norm))
    assert "The quorum is not reached." in panel
    vote_cast(consultation=consultation, agent=facilitator, choice=Choice.ABSTAIN)
    assert "The quorum is reached." in _panel(_page(client_for("agent"), norm))


def test_a_public_ballot_shows_who_voted_what_as_it_comes(
    client_for, norm, facilitator, agent, moderator
):
    consultation = make_consultation(norm=norm, by=facilitator, secret=False)
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    vote_cast(consultation=consultation, agent=moderator, choice=Choice.AGAINST)

    panel = _panel(_page(client_for("decision_maker"), norm))

    assert "Célia Navarro — <strong>For</strong>" in panel
    assert "Morgane Tixier — <strong>Against</strong>" in panel
    assert 'id="consultation-results"' in panel  # before the close
    assert "Provisional: votes can still change until the close." in panel


# --- objections ------------------------------------------------------------------------------


@pytest.fixture
def objection(norm, facilitator, agent) -> Ballot:
    consultation = make_consultation(norm=norm, by=facilitator, method=Method.CONSENT)
    return vote_cast(
        consultation=consultation, agent=agent, choice=Choice.OBJECTION, reason="Trop risqué."
    )


def test_a_secret_objection_is_shown_and_answered_after_the_close(
    client_for, objection, norm, facilitator
):
    """Seen live, beside the turnout and the audit log's times of who voted, an objection would
    tell who raised it: nobody sees it before the close, the facilitators included."""
    assert objection.consultation.secret
    for role in ("moderator", "facilitator"):
        panel = _panel(_page(client_for(role), norm))
        assert "Trop risqué." not in panel
        assert "Secret ballot: the objections and their answers are shown after the close." in panel
        assert "answer this objection" not in panel.lower()
    client = client_for("facilitator")
    answer = reverse("norms:objection-answer", args=[objection.pk])
    response = client.post(answer, {"answer": "Trop tôt."})
    assert response.status_code == 400
    objection.refresh_from_db()
    assert objection.answer == ""

    close(objection.consultation)
    panel = _panel(_page(client, norm))
    assert "Trop risqué." in panel and "Not answered yet." in panel
    assert "Answer this objection" in panel
    response = client.post(answer, {"answer": "Le seuil est abaissé à 800 €."})

    assert response.status_code == 302
    assert response["Location"] == f"{norm.get_absolute_url()}#objection-{objection.pk}"
    objection.refresh_from_db()
    assert (objection.answer, objection.answered_by) == (
        "Le seuil est abaissé à 800 €.",
        facilitator,
    )
    panel = _panel(_page(client_for("moderator"), norm))
    assert "Trop risqué." in panel and "Le seuil est abaissé à 800 €." in panel
    assert "Fanny Lebon" in panel  # who answered is public
    objections = panel.split('id="objections-title"')[1]
    assert "Célia Navarro" not in objections  # who objected is not


def test_a_public_objection_is_shown_as_it_comes(client_for, norm, facilitator, agent):
    consultation = make_consultation(norm=norm, by=facilitator, method=Method.CONSENT, secret=False)
    vote_cast(consultation=consultation, agent=agent, choice=Choice.OBJECTION, reason="Trop tôt.")

    panel = _panel(_page(client_for("moderator"), norm))

    assert "Trop tôt." in panel and "Not answered yet." in panel


def test_an_objection_is_answered_after_the_close_until_the_decision(
    client_for, objection, norm, facilitator
):
    """An objection raised in the last minutes is answered after the close (and the seal); the
    decision waits for its answer, and closes the answers."""
    consultation = objection.consultation
    close(consultation)
    assert consultation_seal(consultation=consultation)
    decider = client_for("decision_maker")
    decide = reverse("norms:decide", args=[norm.pk])

    response = decider.post(decide, _decision(consultation=str(consultation.pk)))
    assert response.status_code == 200  # the form again, as for every refused decision
    assert "1 objection of the consultation “Faut-il garder cette délégation ?” is not answered yet" in response.content.decode()
    # Choosing no consultation does not skip its objections.
    response = decider.post(decide, _decision(consultation=""))
    assert "1 objection of the consultation “Faut-il garder cette délégation ?” is not answered yet" in response.content.decode()
    assert not Decision.objects.exists()
    panel = _panel(_page(client_for("moderator"), norm))
    assert "1 objection not answered yet" in panel

    answer = reverse("norms:objection-answer", args=[objection.pk])
    assert client_for("facilitator").post(answer, {"answer": "Revu : seuil abaissé."}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.result["counts"]["objection"] == 1  # the frozen tally stays as it was
    assert "not answered yet" not in _panel(_page(client_for("moderator"), norm))
    assert decider.post(decide, _decision(consultation=str(consultation.pk))).status_code == 302

    response = client_for("facilitator").post(answer, {"answer": "Trop tard ?"})
    assert response.status_code == 400
    assert "A decision has followed this consultation" in response.content.decode()
    objection.refresh_from_db()
    assert objection.answer == "Revu : seuil abaissé."


def test_an_empty_answer_is_refused_on_the_page(client_for, objection):
    close(objection.consultation)
    response = client_for("facilitator").post(
        reverse("norms:objection-answer", args=[objection.pk]), {"answer": "  "}
    )

    assert response.status_code == 400
    assert "Write the answer to this objection." in _panel(response.content.decode())
    objection.refresh_from_db()
    assert objection.answer == ""


def test_only_a_facilitator_answers(client_for, objection):
    for role in ("agent", "decision_maker", "moderator"):
        response = client_for(role).post(
            reverse("norms:objection-answer", args=[objection.pk]), {"answer": "Non."}
        )
        assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.answer == ""


def test_html_typed_in_a_question_or_a_reason_comes_out_escaped(
    client_for, norm, facilitator, agent
):
    consultation = make_consultation(
        norm=norm, by=facilitator, method=Method.CONSENT, question=f"Garder ? {SCRIPT}"
    )
    vote_cast(consultation=consultation, agent=agent, choice=Choice.OBJECTION, reason=SCRIPT)

    panel = _panel(_page(client_for("facilitator"), norm))

    assert SCRIPT not in panel
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in panel


# --- decisions -------------------------------------------------------------------------------


def _decision(**fields: str) -> dict[str, str]:
    today = timezone.localdate()
    values = {
        "outcome": "keep",
        "rationale": "La délégation a servi sans incident.",
        "new_text": "",
        "decided_on": today.isoformat(),
        "next_review_on": (today + dt.timedelta(days=365)).isoformat(),
        "consultation": "",
    }
    values.update(fields)
    return values


def test_the_decision_form_prefills_the_text_and_the_last_closed_consultation(
    client_for, consultation, norm
):
    close(consultation)
    client = client_for("decision_maker")
    assert "Record a decision" in _page(client, norm)  # the panel's link

    response = client.get(reverse("norms:decide", args=[norm.pk]))

    form = response.context["form"]
    assert form["new_text"].value() == norm.text
    assert form["decided_on"].value() == timezone.localdate()
    assert form["consultation"].value() == consultation.pk


def test_the_decision_link_is_for_decision_makers(client_for, norm):
    assert "Record a decision" not in _page(client_for("agent"), norm)
    assert "Record a decision" not in _page(client_for("facilitator"), norm)


def test_a_decision_maker_keeps_the_norm_after_the_consultation(client_for, consultation, norm):
    close(consultation)
    response = client_for("decision_maker").post(
        reverse("norms:decide", args=[norm.pk]), _decision(consultation=str(consultation.pk))
    )

    assert response.status_code == 302
    decision = Decision.objects.get(norm=norm)
    assert (decision.outcome, decision.consultation) == ("keep", consultation)
    norm.refresh_from_db()
    assert norm.status == NormStatus.SUSTAINED
    assert norm.review_on == timezone.localdate() + dt.timedelta(days=365)


def test_an_adapted_norm_takes_the_new_text(client_for, norm):
    client_for("decision_maker").post(
        reverse("norms:decide", args=[norm.pk]),
        _decision(outcome="adapt", new_text="Un chef de service signe seul sous 800 €."),
    )

    norm.refresh_from_db()
    assert (norm.status, norm.text) == (
        NormStatus.ADAPTED,
        "Un chef de service signe seul sous 800 €.",
    )
    assert norm.version == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rationale": "   "}, "A decision needs its rationale: say why."),
        ({"next_review_on": "2020-01-01"}, "The next review must be a date after today."),
        ({"next_review_on": ""}, "Give the date of the next review."),
        ({"decided_on": "2099-01-01"}, "A decision cannot be dated in the future."),
        ({"outcome": "adapt", "new_text": "  "}, "Write the adapted text."),
    ],
)
def test_a_bad_decision_is_refused_with_its_reason_and_the_input_kept(
    client_for, norm, fields, message
):
    data = _decision(**fields)
    response = client_for("decision_maker").post(reverse("norms:decide", args=[norm.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if data["rationale"].strip():
        assert data["rationale"] in html
    assert not Decision.objects.exists()
    norm.refresh_from_db()
    assert norm.status == NormStatus.DEBATE


def test_a_decision_on_a_running_consultation_waits_for_its_close(client_for, consultation, norm):
    response = client_for("decision_maker").post(
        reverse("norms:decide", args=[norm.pk]), _decision(consultation=str(consultation.pk))
    )

    # Not offered in the form: a running consultation is not a valid choice.
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Decision.objects.exists()


def test_no_decision_beside_a_consultation_that_still_takes_votes(client_for, consultation, norm):
    """Not even without choosing it: a withdrawal would make the votes still coming in moot."""
    response = client_for("decision_maker").post(
        reverse("norms:decide", args=[norm.pk]), _decision(outcome="withdraw", next_review_on="")
    )

    assert response.status_code == 200
    assert "A consultation on this norm closes on" in response.content.decode()
    assert not Decision.objects.exists()
    close(consultation)
    response = client_for("decision_maker").post(
        reverse("norms:decide", args=[norm.pk]), _decision(outcome="withdraw", next_review_on="")
    )
    assert response.status_code == 302
    assert Decision.objects.get().outcome == "withdraw"


def test_the_link_to_open_a_consultation_is_for_facilitators_on_a_norm_in_force(
    client_for, norm, agent
):
    url = reverse("norms:consultation-open", args=[norm.pk])
    assert f'href="{url}"' in _page(client_for("facilitator"), norm)
    assert f'href="{url}"' not in _page(client_for("agent"), norm)

    withdrawn = make_norm(by=agent, title="Retirée")
    Norm.objects.filter(pk=withdrawn.pk).update(status=NormStatus.WITHDRAWN)
    url = reverse("norms:consultation-open", args=[withdrawn.pk])
    assert f'href="{url}"' not in _page(client_for("facilitator"), withdrawn)


def test_a_reason_too_long_is_refused_with_its_own_message_and_kept(client_for, norm, facilitator):
    consultation = make_consultation(norm=norm, by=facilitator, method=Method.CONSENT)
    reason = "Trop long. " * 400  # 4,400 characters: beyond any form limit too

    response = client_for("agent").post(
        reverse("norms:vote", args=[consultation.pk]),
        {"choice": Choice.OBJECTION, "reason": reason},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "A reason is limited to 2,000 characters." in html
    assert reason in html  # the text typed comes back
    assert not Ballot.objects.exists()


def test_the_form_closes_by_default_before_the_authorisation_lapses(client_for, facilitator):
    sunset = timezone.localdate() + dt.timedelta(days=5)
    norm = make_norm(by=facilitator, status=NormStatus.TEMPORARY, sunset_on=sunset)

    response = client_for("facilitator").get(reverse("norms:consultation-open", args=[norm.pk]))

    closes = response.context["form"]["closes_at"].value()
    assert (closes.date(), closes.hour) == (sunset - dt.timedelta(days=1), 12)
    assert "the consultation closes the day before at the latest" in response.content.decode()
