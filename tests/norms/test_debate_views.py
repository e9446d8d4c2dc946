"""Evidence and debate on a norm's page: testimonies, arguments for and against side by side with
the strongest on top, "this argument convinces me" once per agent (also through HTMX), replies,
and moderators hiding what should not be shown. Refused input comes back with its reason and
what was typed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from riposte.core.models import AuditEntry, Comment, Notification
from riposte.directory.models import Agent
from riposte.norms import models as norms
from riposte.norms.models import Argument, Endorsement, Norm, Side
from riposte.norms.services import argument_add, argument_endorse
from riposte.norms.services import testimony_add as add_testimony
from tests.conftest import PASSWORD
from tests.norms.builders import make_norm

SCRIPT = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def norm(agent) -> Norm:
    return make_norm(by=agent)


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _agents(n: int) -> list[Agent]:
    return [
        Agent.objects.create_user(f"agent{i}@example.org", PASSWORD, first_name=f"Agent{i}")
        for i in range(n)
    ]


def _side(html: str, side: str) -> str:
    match = re.search(
        rf'<div class="debate-side debate-{side}">.*?<details class="add-argument"', html, re.S
    )
    assert match, side
    return match.group(0)


# --- testimonies ---------------------------------------------------------------------------------


def test_an_agent_tells_how_they_used_it(client_for, norm, agent, facilitator) -> None:
    response = client_for("facilitator").post(
        reverse("norms:testimony", args=[norm.pk]),
        {"made_possible": "Payer le traiteur en 48 heures.", "went_wrong": "Un doublon."},
    )
    assert response["Location"] == f"{norm.get_absolute_url()}#evidence"
    html = _page(client_for("agent").get(norm.get_absolute_url()))
    assert "Payer le traiteur en 48 heures." in html and "Un doublon." in html
    assert "1 testimony" in html
    # The proposer follows the norm and hears of it.
    assert Notification.objects.filter(recipient=agent, url=norm.get_absolute_url()).exists()


def test_an_empty_testimony_is_refused_and_what_was_typed_kept(client_for, norm) -> None:
    response = client_for("agent").post(
        reverse("norms:testimony", args=[norm.pk]),
        {"made_possible": "   ", "went_wrong": "Rien ne marchait."},
    )
    html = response.content.decode()
    assert response.status_code == 400 and not norms.Testimony.objects.exists()
    assert 'id="error-summary"' in html and "This field is required." in html
    assert "Rien ne marchait.</textarea>" in html
    assert '<details class="add-testimony" open>' in html


def test_a_moderator_hides_a_testimony(client_for, norm, agent, moderator) -> None:
    testimony = add_testimony(norm=norm, by=agent, made_possible="Propos déplacés ici.")
    url = reverse("norms:testimony-hide", args=[testimony.pk])
    assert "Hide this testimony" not in _page(client_for("agent").get(norm.get_absolute_url()))
    assert "Hide this testimony" in _page(client_for("moderator").get(norm.get_absolute_url()))
    # Without a reason: refused.
    client_for("moderator").post(url, {"reason": " "})
    testimony.refresh_from_db()
    assert testimony.hidden_at is None
    client_for("moderator").post(url, {"reason": "Propos injurieux."})
    testimony.refresh_from_db()
    assert testimony.hidden_by == moderator
    assert AuditEntry.objects.filter(action="norm.testimony.hide", actor=moderator).exists()
    html = _page(client_for("agent").get(norm.get_absolute_url()))
    assert "Propos déplacés ici." not in html and "Testimony hidden by a moderator." in html
    assert "0 testimonies" in html


# --- arguments -----------------------------------------------------------------------------------


def test_arguments_for_and_against_side_by_side(client_for, norm) -> None:
    client = client_for("agent")
    response = client.post(
        reverse("norms:argument", args=[norm.pk]),
        {
            "side": "pour",
            "pour-title": "On paie les petits fournisseurs à temps",
            "pour-body": "Ils en dépendent.",
        },
    )
    argument = Argument.objects.get()
    assert response["Location"] == f"{norm.get_absolute_url()}#argument-{argument.pk}"
    client.post(
        reverse("norms:argument", args=[norm.pk]),
        {"side": "contre", "contre-title": "Le contrôle interne est affaibli"},
    )
    html = _page(client.get(norm.get_absolute_url()))
    assert "On paie les petits fournisseurs à temps" in _side(html, "pour")
    assert "Le contrôle interne est affaibli" in _side(html, "contre")
    assert "Le contrôle interne" not in _side(html, "pour")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"side": "pour", "pour-title": ""}, "This field is required."),
        ({"side": "pour", "pour-title": "x" * 121}, "at most 120 characters"),
        ({"side": "contre", "contre-title": "Court", "contre-body": "x" * 2001}, "at most 2000"),
        ({"side": "peut-être", "pour-title": "Ni pour ni contre"}, "for or against"),
    ],
)
def test_a_bad_argument_is_refused_with_its_reason(client_for, norm, data, message) -> None:
    response = client_for("agent").post(reverse("norms:argument", args=[norm.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400 and not Argument.objects.exists()
    assert message in html
    side = data["side"] if data["side"] in Side.values else "pour"
    # The form of that side comes back open, with what was typed.
    assert f'value="{data[f"{side}-title"]}"' in html or data[f"{side}-title"] == ""


def test_the_three_strongest_of_each_side_come_first(client_for, norm, agent) -> None:
    voters = _agents(6)
    arguments = {}
    for n, side in [(n, s) for s in ("pour", "contre") for n in range(5)]:
        arguments[side, n] = argument_add(norm=norm, by=agent, side=side, title=f"{side} n°{n}")
    # pour n°4 convinces 5 agents, n°3: 4, n°1: 1; contre n°0: 2 agents, n°2: 3.
    for (side, n), count in {("pour", 4): 5, ("pour", 3): 4, ("pour", 1): 1,
                             ("contre", 0): 2, ("contre", 2): 3}.items():  # fmt: skip
        for voter in voters[:count]:
            argument_endorse(argument=arguments[side, n], by=voter)
    html = _page(client_for("agent").get(norm.get_absolute_url()))

    def strongest(side: str) -> list[str]:
        block = _side(html, side).split("Other arguments")[0]
        return re.findall(r'<h4 class="argument-title">([^<]+)</h4>', block)

    assert strongest("pour") == ["pour n°4", "pour n°3", "pour n°1"]
    # Only two convinced anybody: the third with no endorsement is not among "the most convincing".
    assert strongest("contre") == ["contre n°2", "contre n°0"]
    assert "contre n°1" in _side(html, "contre").split("Other arguments")[1]
    others = _side(html, "pour").split("Other arguments")[1]
    assert re.findall(r'<h4 class="argument-title">([^<]+)</h4>', others) == [
        "pour n°0",
        "pour n°2",
    ]


def test_an_argument_convinces_an_agent_once(client_for, norm, agent) -> None:
    argument = argument_add(norm=norm, by=agent, side="pour", title="Plus rapide")
    url = reverse("norms:endorse", args=[argument.pk])
    fanny, denis = client_for("facilitator"), client_for("decision_maker")

    assert fanny.post(url)["Location"] == f"{norm.get_absolute_url()}#argument-{argument.pk}"
    denis.post(url)
    argument.refresh_from_db()
    assert argument.endorsements_count == 2 == Endorsement.objects.count()
    # Twice (a double click, two tabs): still once. The pressed button takes it back.
    fanny.post(url, {"convinced": "1"})
    argument.refresh_from_db()
    assert argument.endorsements_count == 2 == Endorsement.objects.count()
    fanny.post(url, {"convinced": "0"})
    fanny.post(url, {"convinced": "0"})
    argument.refresh_from_db()
    assert argument.endorsements_count == 1 == Endorsement.objects.count()
    # Through HTMX: the button's fragment, pressed, with the count, and what it would do next.
    fragment = _page(fanny.post(url, {"convinced": "1"}, headers={"HX-Request": "true"}))
    assert "<html" not in fragment and 'aria-pressed="true"' in fragment
    assert "2 agents convinced" in fragment and 'name="convinced" value="0"' in fragment
    fragment = _page(fanny.post(url, {"convinced": "0"}, headers={"HX-Request": "true"}))
    assert 'aria-pressed="false"' in fragment and "1 agent convinced" in fragment
    assert 'name="convinced" value="1"' in fragment
    argument.refresh_from_db()
    assert argument.endorsements_count == 1 == Endorsement.objects.filter(argument=argument).count()


def test_replies_to_an_argument(client_for, norm, agent, facilitator) -> None:
    argument = argument_add(norm=norm, by=agent, side="contre", title="Trop risqué")
    client = client_for("facilitator")
    url = reverse("norms:reply", args=[argument.pk])
    response = client.post(url, {"body": "Un contrôle *a posteriori* suffit."})
    assert response["Location"] == f"{norm.get_absolute_url()}#argument-{argument.pk}"
    comment = Comment.objects.get()
    assert comment.target == argument and comment.author == facilitator
    # The argument's author hears of it, in their language.
    note = Notification.objects.get(recipient=agent, message__contains="votre argument")
    assert note.url.endswith(f"#argument-{argument.pk}")
    html = _page(client_for("agent").get(norm.get_absolute_url()))
    assert "Un contrôle <em>a posteriori</em> suffit." in html
    # A reply to the reply.
    client_for("agent").post(url, {"body": "Qui le fera ?", "parent": str(comment.pk)})
    assert Comment.objects.get(parent=comment).body == "Qui le fera ?"


def test_an_empty_reply_is_refused_and_kept(client_for, norm, agent) -> None:
    argument = argument_add(norm=norm, by=agent, side="contre", title="Trop risqué")
    response = client_for("agent").post(reverse("norms:reply", args=[argument.pk]), {"body": "  "})
    html = response.content.decode()
    assert response.status_code == 400 and not Comment.objects.exists()
    assert f'id="reply-{argument.pk}_error">This field is required.' in html
    assert f'aria-describedby="reply-{argument.pk}_error" autofocus>' in html  # the focus goes there
    response = client_for("agent").post(
        reverse("norms:reply", args=[argument.pk]), {"body": "x" * 10_001}
    )
    assert response.status_code == 400 and "x" * 10_001 + "</textarea>" in response.content.decode()


def test_a_moderator_hides_an_argument(client_for, norm, agent, moderator) -> None:
    hidden = argument_add(norm=norm, by=agent, side="pour", title="Des insultes ici")
    argument_add(norm=norm, by=agent, side="pour", title="Un vrai argument")
    argument_endorse(argument=hidden, by=moderator)
    url = reverse("norms:argument-hide", args=[hidden.pk])
    client_for("moderator").post(url, {"reason": "Injurieux."})
    hidden.refresh_from_db()
    assert hidden.hidden_by == moderator
    html = _page(client_for("agent").get(norm.get_absolute_url()))
    assert "Des insultes ici" not in html and "Argument hidden by a moderator." in html
    # It is no longer among the strongest, nor counted, nor endorsed, nor replied to.
    pour = _side(html, "pour")
    assert "The most convincing" not in pour  # the one left convinced nobody yet
    assert "Un vrai argument" in pour.split("Not endorsed yet")[1] and "(1)" in pour
    client_for("agent").post(reverse("norms:endorse", args=[hidden.pk]))
    hidden.refresh_from_db()
    assert hidden.endorsements_count == 1
    response = client_for("agent").post(reverse("norms:reply", args=[hidden.pk]), {"body": "Ah"})
    assert response.status_code == 400 and not Comment.objects.exists()


def test_html_in_the_debate_comes_out_escaped(client_for, norm, agent) -> None:
    client = client_for("agent")
    client.post(
        reverse("norms:argument", args=[norm.pk]),
        {"side": "pour", "pour-title": SCRIPT[:120], "pour-body": SCRIPT},
    )
    argument = Argument.objects.get()
    client.post(reverse("norms:reply", args=[argument.pk]), {"body": SCRIPT})
    client.post(
        reverse("norms:testimony", args=[norm.pk]), {"made_possible": SCRIPT, "went_wrong": SCRIPT}
    )
    assert norms.Testimony.objects.count() == 1 and Comment.objects.count() == 1
    html = _page(client.get(norm.get_absolute_url()))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in html
    # And when the page comes back with an error, what was typed is escaped too.
    response = client.post(
        reverse("norms:argument", args=[norm.pk]),
        {"side": "contre", "contre-title": "", "contre-body": SCRIPT},
    )
    assert response.status_code == 400 and "<script>alert" not in response.content.decode()


def test_the_page_costs_the_same_queries_whatever_the_debate(client_for, norm, agent) -> None:
    """Replies, endorsements and counts are read for the whole debate at once, not per argument."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("moderator")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(client.get(norm.get_absolute_url()))
        return len(captured)

    argument_add(norm=norm, by=agent, side="pour", title="Le premier")
    few = queries()
    voters = _agents(3)
    for n in range(12):
        argument = argument_add(norm=norm, by=voters[n % 3], side=("pour", "contre")[n % 2],
                                title=f"Argument {n}")  # fmt: skip
        argument_endorse(argument=argument, by=voters[(n + 1) % 3])
        client_for("agent").post(reverse("norms:reply", args=[argument.pk]), {"body": "Oui."})
        add_testimony(norm=norm, by=voters[n % 3], made_possible=f"Testimony {n}")
    # One more at most (what the page reads only when there is something to show); one per
    # argument would be twelve.
    assert queries() <= few + 1


def test_a_new_agent_debates_on_the_page(norm) -> None:
    """As a new agent would: from the page, a testimony, an argument, and being convinced."""
    nina = Agent.objects.create_user("nina@example.org", PASSWORD, first_name="Nina")
    client = Client()
    client.force_login(nina)
    html = _page(client.get(norm.get_absolute_url()))
    for action in ("norms:testimony", "norms:argument"):
        assert f'action="{reverse(action, args=[norm.pk])}"' in html
    client.post(reverse("norms:testimony", args=[norm.pk]), {"made_possible": "Gagné une semaine."})
    client.post(
        reverse("norms:argument", args=[norm.pk]), {"side": "pour", "pour-title": "Efficace"}
    )
    argument = Argument.objects.get()
    html = _page(client.get(norm.get_absolute_url()))
    endorse = reverse("norms:endorse", args=[argument.pk])
    # Not by its own author: a colleague is convinced by it.
    assert f'action="{endorse}"' not in html and "0 agents convinced" in html
    client.post(endorse)
    assert not Endorsement.objects.exists()
    bruno = Agent.objects.create_user("bruno@example.org", PASSWORD, first_name="Bruno")
    colleague = Client()
    colleague.force_login(bruno)
    assert f'action="{endorse}"' in _page(colleague.get(norm.get_absolute_url()))
    colleague.post(endorse)
    assert Endorsement.objects.filter(agent=bruno, argument=argument).count() == 1


def test_an_author_cannot_endorse_their_own_argument_even_through_htmx(client_for, norm, agent):
    argument = argument_add(norm=norm, by=agent, side="pour", title="Le mien")
    url = reverse("norms:endorse", args=[argument.pk])

    fragment = client_for("agent").post(url, {"convinced": "1"}, headers={"HX-Request": "true"})

    assert fragment.status_code == 400
    html = fragment.content.decode()
    assert "<html" not in html and "0 agents convinced" in html and "<button" not in html
    assert not Endorsement.objects.exists()
