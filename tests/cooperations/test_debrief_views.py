"""The debrief pages through the Django test client: a new agent contributes; a facilitator
consolidates, is told (not overwritten) when a colleague saved first, and publishes; HTML typed
in any field comes out escaped; bad input is refused with its reason and the text kept."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from riposte.cooperations.debriefs import (
    debrief_contribute,
    debrief_edit,
    debrief_invite,
    debrief_open,
)
from riposte.cooperations.models import (
    FIELD_NAMES,
    Debrief,
    DebriefContribution,
    DebriefStatus,
)
from riposte.core.models import Comment, Notification
from riposte.directory.models import Agent
from tests.conftest import PASSWORD
from tests.cooperations.builders import make_event
from tests.cooperations.debrief_builders import TEXTS, cooperation, data, published

SCRIPT = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, the language of the source strings, whatever the
    catalogues say: the services translate them in the active language."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for):
    """The named actors' clients, reading the pages in English (the source strings)."""

    def make(role: str) -> Client:
        client = client_for(role)
        client.cookies["django_language"] = "en"
        return client

    return make


def _newcomer() -> Agent:
    return Agent.objects.create_user(
        "nina@example.org", PASSWORD, first_name="Nina", last_name="Belkacem"
    )


def _client(agent: Agent) -> Client:
    client = Client()
    client.force_login(agent)
    client.cookies["django_language"] = "en"
    return client


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def coop(agent):
    return cooperation(agent, event=make_event())


@pytest.fixture
def debrief(coop, facilitator) -> Debrief:
    return debrief_open(cooperation=coop, by=facilitator)


def _url(name: str, debrief: Debrief, *args: int) -> str:
    return reverse(f"cooperations:{name}", args=[debrief.cooperation_id, *args])


# --- done when: "as a new agent, contribute to a cooperation's debrief" ---------------------------


def test_a_new_agent_is_invited_and_contributes(coop, facilitator, client_for) -> None:
    nina = _newcomer()
    fanny = client_for("facilitator")
    page = reverse("cooperations:debrief", args=[coop.pk])

    assert "Open the debrief" in _page(fanny.get(page))
    assert fanny.post(reverse("cooperations:debrief-open", args=[coop.pk]))["Location"] == page
    response = fanny.post(
        reverse("cooperations:debrief-invite", args=[coop.pk]), {"emails": "NINA@example.org"}
    )
    assert response["Location"] == page

    # Nina hears of it, follows the link, and answers the form.
    note = Notification.objects.get(recipient=nina)
    assert note.url == page and coop.title in note.message
    client = _client(nina)
    assert "Contribute" in _page(client.get(page))
    form = _page(client.get(reverse("cooperations:debrief-contribute", args=[coop.pk])))
    for name in FIELD_NAMES:
        assert f'name="{name}"' in form
    answers = {**TEXTS, "themes": [t.pk for t in data().themes]}
    response = client.post(reverse("cooperations:debrief-contribute", args=[coop.pk]), answers)

    assert response.status_code == 302 and response["Location"] == page
    contribution = DebriefContribution.objects.get(author=nina)
    assert contribution.advice == TEXTS["advice"]
    shown = _page(client.get(page))
    assert "Rework my contribution" in shown and "Appelez l&#x27;association" in shown


def test_an_empty_contribution_is_refused_with_its_reason(debrief, facilitator) -> None:
    response = _client(facilitator).post(
        _url("debrief-contribute", debrief), dict.fromkeys(FIELD_NAMES, "  ")
    )
    assert "Answer at least one question" in _page(response)
    assert not DebriefContribution.objects.exists()


def test_a_text_too_long_is_refused_and_given_back(debrief, facilitator) -> None:
    long = "Mot " * 1300  # 5,200 characters
    response = _client(facilitator).post(
        _url("debrief-contribute", debrief), {"advice": "Mon conseil", "levers": long}
    )
    page = _page(response)
    assert "at most 5000 characters" in page
    # Nothing lost: both texts are back in the form.
    assert "Mon conseil</textarea>" in page and long.strip() in page
    assert not DebriefContribution.objects.exists()


def test_html_in_every_field_comes_out_escaped(debrief, facilitator, agent, client_for) -> None:
    hostile = data(**dict.fromkeys(FIELD_NAMES, SCRIPT))
    debrief_contribute(debrief=debrief, author=facilitator, data=hostile)
    debrief_edit(debrief=debrief, by=facilitator, data=hostile, version=0)
    for url in (
        _url("debrief", debrief),
        _url("debrief-edit", debrief),
        _url("debrief-contribute", debrief),
        _url("debrief-revision", debrief, 1),
    ):
        page = _page(client_for("facilitator").get(url))
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page, url
    # Stored as typed: nothing was lost either.
    assert Debrief.objects.get().advice == SCRIPT


# --- the consolidated text ------------------------------------------------------------------------


def test_the_first_draft_starts_from_the_contributions(debrief, facilitator) -> None:
    nina = _newcomer()
    debrief_invite(debrief=debrief, agents=[nina], by=facilitator)
    debrief_contribute(debrief=debrief, author=nina, data=data(advice="Gardez les numéros."))

    page = _page(_client(facilitator).get(_url("debrief-edit", debrief)))

    assert "— Nina Belkacem: Gardez les numéros." in page
    assert 'name="version" value="0"' in page


def test_two_facilitators_at_once_the_second_is_told(debrief, facilitator, admin_agent) -> None:
    """Fanny and Adrien open the form at version 1; Adrien saves first. Fanny's save is refused,
    her text stays in the form with what Adrien saved; saving again is then her choice."""
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    fanny, adrien = _client(facilitator), _client(admin_agent)
    assert 'name="version" value="1"' in _page(fanny.get(_url("debrief-edit", debrief)))
    form = {**TEXTS, "themes": [t.pk for t in data().themes], "version": "1"}
    adrien.post(_url("debrief-edit", debrief), {**form, "advice": "Le conseil d'Adrien."})

    response = fanny.post(_url("debrief-edit", debrief), {**form, "advice": "Le conseil de Fanny."})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Adrien Colas saved this debrief while you were writing" in page
    assert "Le conseil de Fanny.</textarea>" in page  # her text, kept
    # What is saved now, beside it: the words only Adrien's text has are marked as such.
    assert re.search(
        r"<ins><span class=\"visually-hidden\">\[only in the saved text: </span>d&#x27;Adrien\.",
        page,
    )
    assert 'name="version" value="2"' in page
    assert Debrief.objects.get().advice == "Le conseil d'Adrien."

    again = fanny.post(
        _url("debrief-edit", debrief), {**form, "version": "2", "advice": "Le conseil de Fanny."}
    )
    assert again.status_code == 302
    saved = Debrief.objects.get()
    assert (saved.version, saved.advice) == (3, "Le conseil de Fanny.")


def test_a_revision_shows_what_changed(debrief, facilitator) -> None:
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    debrief_edit(
        debrief=debrief,
        by=facilitator,
        version=1,
        data=data(advice="Appelez la mairie avant la crise."),
    )

    page = _page(_client(facilitator).get(_url("debrief-revision", debrief, 2)))

    assert re.search(
        r"<del><span class=\"visually-hidden\">\[removed: </span>l&#x27;association", page
    )
    assert re.search(r"<ins><span class=\"visually-hidden\">\[added: </span>la mairie", page)
    assert "Compared with revision 1" in page
    first = _page(_client(facilitator).get(_url("debrief-revision", debrief, 1)))
    assert "The first revision" in first


def test_publishing_through_the_page(debrief, facilitator, client_for) -> None:
    client = client_for("facilitator")
    status = _url("debrief-status", debrief)

    client.post(status, {"action": "review"})
    assert "Write the consolidated text" in _page(client.get(_url("debrief", debrief)))
    debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    client.post(status, {"action": "publish"})
    assert "Submit the debrief for review" in _page(client.get(_url("debrief", debrief)))
    client.post(status, {"action": "review"})
    client.post(status, {"action": "publish"})

    assert Debrief.objects.get().status == DebriefStatus.PUBLISHED
    page = _page(client_for("decision_maker").get(_url("debrief", debrief)))
    assert "What we learned" in page and "Appelez l&#x27;association" in page
    # A reader sees the published text, not the working material.
    assert "Contributions" not in page and "Revisions" not in page


def test_a_draft_shows_nothing_to_those_not_at_work_on_it(debrief, facilitator, client_for) -> None:
    debrief_edit(debrief=debrief, by=facilitator, data=data(advice="Secret de travail"), version=0)
    page = _page(client_for("decision_maker").get(_url("debrief", debrief)))
    assert "in progress" in page and "Secret de travail" not in page


def test_an_unknown_action_is_refused(debrief, client_for) -> None:
    client = client_for("facilitator")
    response = client.post(_url("debrief-status", debrief), {"action": "delete"}, follow=True)
    assert "Choose what to do with the debrief." in _page(response)


# --- invitations, remarks, the list ---------------------------------------------------------------


def test_inviting_an_unknown_address_says_which(debrief, client_for) -> None:
    response = client_for("facilitator").post(
        _url("debrief-invite", debrief), {"emails": "personne@example.org"}, follow=True
    )
    assert "Nobody in the directory has this address: personne@example.org" in _page(response)
    assert not debrief.invitations.exists()


def test_inviting_nobody_is_refused(debrief, client_for) -> None:
    response = client_for("facilitator").post(_url("debrief-invite", debrief), {}, follow=True)
    assert "Choose at least one person to invite." in _page(response)


def test_a_remark_reaches_the_people_at_work(debrief, facilitator, agent, client_for) -> None:
    nina = _newcomer()
    debrief_invite(debrief=debrief, agents=[nina], by=facilitator)
    response = client_for("agent").post(
        _url("debrief-remark", debrief), {"body": "Ajoutez les horaires <b>SVP</b>."}
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == "Ajoutez les horaires <b>SVP</b>."
    remarks = Notification.objects.filter(actor=agent, url=debrief.get_absolute_url())
    assert {n.recipient for n in remarks} == {
        facilitator,
        nina,
    }
    page = _page(client_for("facilitator").get(_url("debrief", debrief)))
    assert "Ajoutez les horaires" in page and "<b>SVP</b>" not in page


def test_the_list_shows_what_waits_for_me(debrief, facilitator, client_for) -> None:
    nina = _newcomer()
    debrief_invite(debrief=debrief, agents=[nina], by=facilitator)
    other = published(facilitator, cooperation(facilitator, title="Masques", partner="Couture"))

    page = _page(_client(nina).get(reverse("cooperations:debrief-list")))

    assert "Debriefs you are invited to" in page and "waiting for your contribution" in page
    assert other.get_absolute_url() in page
    assert "In progress" not in page
    assert "In progress" in _page(
        client_for("facilitator").get(reverse("cooperations:debrief-list"))
    )
