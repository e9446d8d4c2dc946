"""A form's address opened as a page (riposte.core.middleware): a 405 that says what happened and
leads back, instead of Django's blank one; the API's 405 keeps its own body."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_forms_address_opened_as_a_page_says_so_and_leads_back(client_for):
    client = client_for("agent")
    url = reverse("notifications-read")

    response = client.get(url, headers={"referer": "http://testserver/initiatives/"})

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "This address receives a form" in page
    assert 'href="http://testserver/initiatives/">Back to the previous page' in page


def test_without_a_referer_of_ours_it_leads_to_the_page_above(client_for):
    """Typed in the address bar, there is no referer; one from elsewhere is not followed."""
    response = client_for("agent").get(
        reverse("notifications-read"), headers={"referer": "https://evil.example/x"}
    )

    page = response.content.decode()
    assert "evil.example" not in page
    assert 'href="/notifications/">Back to the previous page' in page
    # Nothing above that is a page: home.
    assert 'href="/">Back to the home page' in client_for("agent").get("/auth/logout/").content.decode()


def test_the_api_keeps_its_own_405(client_for):
    response = client_for("agent").get("/api/norms/1/votes")

    assert response.status_code == 405
    assert "This address receives a form" not in response.content.decode()
