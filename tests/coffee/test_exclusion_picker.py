"""The picker of the people a member never wants to be paired with: search by a few letters of a
name or a service, choose, confirm; without JavaScript a plain search form with a button each.

What it shows of a colleague is their name, service and site, never an e-mail address; it lists
active colleagues only, never oneself nor someone already excluded; and the person excluded is
never told.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from riposte.coffee.models import Exclusion
from riposte.coffee.queries import SEARCH_LIMIT
from riposte.coffee.services import exclusion_add, membership_join
from riposte.core.models import Notification
from riposte.directory.models import Agent, Service
from tests.coffee.round_builders import PASSWORD, site

pytestmark = pytest.mark.django_db
SEARCH = reverse("coffee:exclusion-search")
ADD = reverse("coffee:exclusion-add")
HTMX = {"HTTP_HX_REQUEST": "true"}


def colleague(email: str, first: str, last: str, service: Service | None = None, **fields):
    return Agent.objects.create_user(
        email, PASSWORD, first_name=first, last_name=last, service=service, **fields
    )


@pytest.fixture
def people(agent, service):
    """The member (Célia Navarro, of the service "Aide sociale à l'enfance"), and colleagues."""
    membership_join(agent=agent)
    bobigny = site("Hôtel du Département")
    other = Service.objects.create(code="PMI", name="Protection maternelle", level="direction")
    return {
        "beatrice": colleague("bea@example.org", "Béatrice", "Durand", service, site=bobigny),
        "bernard": colleague("bernard@example.org", "Bernard", "Éluard", other),
        "gone": colleague("gone@example.org", "Bérénice", "Partie", other, is_active=False),
        "nameless": colleague("berthe-sans-nom@example.org", "", "", other),
    }


def search(client, query: str, **extra) -> str:
    return client.get(SEARCH, {"q": query, **extra.pop("params", {})}, **extra).content.decode()


def test_a_few_letters_find_a_colleague_accents_and_capitals_ignored(client_for, people):
    client = client_for("agent")
    for query in ("BEATR", "béatrice", "durand beat"):
        page = search(client, query)
        assert "Béatrice Durand" in page, query
        assert "Aide sociale à l&#x27;enfance · Hôtel du Département" in page
        assert f'name="agent" value="{people["beatrice"].pk}"' in page
    assert "Bernard Éluard" in search(client, "eluard")


def test_the_service_name_finds_its_agents(client_for, people):
    page = search(client_for("agent"), "protection maternelle")
    assert "Bernard Éluard" in page and "Béatrice Durand" not in page


def test_never_an_e_mail_address_nor_oneself_nor_an_inactive_account(client_for, people, agent):
    page = search(client_for("agent"), "be")
    assert "Béatrice Durand" in page and "Bernard Éluard" in page
    assert "@example.org" not in page.split('id="exclusion-search-title"')[1]
    assert "Bérénice" not in page  # the account is closed
    assert f'value="{people["nameless"].pk}"' not in page  # no name to show: not listed
    assert f'value="{agent.pk}"' not in search(client_for("agent"), "celia navarro")


def test_someone_already_excluded_is_not_offered_again(client_for, people, agent):
    exclusion_add(membership=agent.coffee_membership, excluded=people["beatrice"])
    page = search(client_for("agent"), "durand")
    assert f'value="{people["beatrice"].pk}"' not in page
    assert "No colleague matches “durand”." in page


def test_one_letter_searches_nothing(client_for, people):
    page = search(client_for("agent"), "b")
    assert "Type at least 2 letters." in page
    assert 'name="agent"' not in page


def test_ten_results_at_most_and_the_count_says_there_are_more(client_for, people):
    for n in range(SEARCH_LIMIT + 2):
        colleague(f"martin{n}@example.org", "Martin", f"Numéro {n:02d}")
    client = client_for("agent")
    page = search(client, "martin")
    assert page.count('name="agent"') == SEARCH_LIMIT
    assert "More than 10 colleagues match: here are the first 10. Type more letters." in page
    exact = search(client, "martin numero 03")
    assert exact.count('name="agent"') == 1 and "1 colleague matches." in exact


def test_htmx_gets_the_results_and_the_count_out_of_band(client_for, people):
    fragment = search(client_for("agent"), "durand", **HTMX)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="exclusion-results">')
    assert '<p id="exclusion-count" hx-swap-oob="innerHTML">1 colleague matches.' in fragment
    # Each match is a button: a POST without JavaScript, the confirmation with it.
    pk = people["beatrice"].pk
    assert f'<button type="submit" name="agent" value="{pk}"' in fragment
    assert f'hx-get="{SEARCH}?q=durand&amp;agent={pk}"' in fragment


def test_choosing_asks_to_confirm_with_the_focus_on_the_confirmation(client_for, people):
    pk = people["beatrice"].pk
    fragment = search(client_for("agent"), "durand", params={"agent": pk}, **HTMX)
    assert f'action="{ADD}"' in fragment and f'name="agent" value="{pk}"' in fragment
    assert "autofocus" in fragment and "Never pair me with Béatrice Durand" in fragment
    assert "They are not told." in fragment
    # Cancel brings the list back, the focus on the colleague chosen.
    back = search(client_for("agent"), "durand", params={"back": pk}, **HTMX)
    assert f'value="{pk}" class="colleague-pick"' in back
    assert back.count("autofocus") == 1


def test_someone_who_cannot_be_chosen_is_not_offered_for_confirmation(client_for, people, agent):
    for refused in (agent, people["gone"]):
        fragment = search(client_for("agent"), "be", params={"agent": refused.pk}, **HTMX)
        assert "Never pair me with" not in fragment


def test_the_page_without_javascript_lists_the_matches_with_a_button_each(client_for, people):
    page = search(client_for("agent"), "durand")
    assert "<html" in page and "My coffee preferences" in page
    form = page.split('role="search"')[0].rsplit("<form", 1)[1]
    assert 'method="get"' in form and f'action="{SEARCH}#exclusion-search-title"' in form
    results = page.split('id="exclusion-results"')[1]
    assert f'<form method="post" action="{ADD}">' in results
    assert 'Exclude<span class="visually-hidden"> Béatrice Durand</span>' in results
    # The preferences form still saves the preferences, from this address too.
    assert f'action="{reverse("coffee:preferences")}"' in page


def test_excluding_by_id_and_the_person_is_never_told(client_for, people, agent, mailoutbox):
    response = client_for("agent").post(ADD, {"agent": people["beatrice"].pk}, follow=True)
    assert Exclusion.objects.get().excluded == people["beatrice"]
    page = response.content.decode()
    assert "Noted: you will never be paired with Béatrice Durand." in page
    assert "Remove Béatrice Durand" in page
    assert not Notification.objects.filter(recipient=people["beatrice"]).exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (lambda p, a: {}, "Choose a colleague in the list."),
        (lambda p, a: {"agent": "bea@example.org"}, "Choose a colleague in the list."),
        (lambda p, a: {"agent": 10**9}, "This colleague is not in the directory."),
        (lambda p, a: {"agent": a.pk}, "You cannot exclude yourself."),
        (lambda p, a: {"agent": p["gone"].pk}, "account is closed"),
        (lambda p, a: {"agent": p["bernard"].pk}, "Bernard Éluard is already among the people"),
    ],
)
def test_each_refusal_says_why(client_for, people, agent, posted, message):
    exclusion_add(membership=agent.coffee_membership, excluded=people["bernard"])
    response = client_for("agent").post(ADD, posted(people, agent))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'id="error-summary"' in page
    assert Exclusion.objects.count() == 1


def test_a_non_member_finds_nobody(client_for, people):
    client = client_for("facilitator")
    response = client.get(SEARCH, {"q": "durand"})
    assert (response.status_code, response["Location"]) == (302, reverse("coffee:preferences"))
    htmx = client.get(SEARCH, {"q": "durand"}, **HTMX)
    assert htmx["HX-Redirect"] == reverse("coffee:preferences")
    assert "Durand" not in htmx.content.decode()
    # Nor does the preferences page offer the picker before joining.
    assert 'id="exclusion-q"' not in client.get(reverse("coffee:preferences")).content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login(client_for, people):
    response = client_for("outsider").get(SEARCH, {"q": "durand"})
    assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
