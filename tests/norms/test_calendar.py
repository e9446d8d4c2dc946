"""The calendar of reviews and sunsets, and its ICS feed: which dates, grouped how, and a feed a
calendar application can subscribe to without a session (and nobody without the signed link)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from riposte.norms.ics import ICS_SALT, ics_token
from riposte.norms.models import Norm, NormStatus
from tests.norms.builders import make_norm


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def norms(agent, today) -> dict[str, Norm]:
    """A review in 10 days, a sunset in 40 days, the sunset of a norm up for debate in 50 days
    (its clock runs on), a review beyond a year; and dates that do not count: a withdrawn
    norm's, an expired one's, the sunset left on a norm a decision kept."""
    made = {
        "review": make_norm(by=agent, title="Télétravail tous les jours", review_on=today + dt.timedelta(days=10)),
        "sunset": make_norm(by=agent, title="Messagerie avec le public", status=NormStatus.TEMPORARY,
                            sunset_on=today + dt.timedelta(days=40)),
        "far": make_norm(by=agent, title="Contact direct des associations", review_on=today + dt.timedelta(days=500)),
        "withdrawn": make_norm(by=agent, title="Signature sans second visa", review_on=today + dt.timedelta(days=20)),
        "expired": make_norm(by=agent, title="Badge d'accès prêté", status=NormStatus.TEMPORARY,
                             sunset_on=today + dt.timedelta(days=30)),
        "debated": make_norm(by=agent, title="Horaires décalés", status=NormStatus.TEMPORARY,
                             sunset_on=today + dt.timedelta(days=50)),
        "kept": make_norm(by=agent, title="Horaires d'été", status=NormStatus.TEMPORARY,
                          sunset_on=today + dt.timedelta(days=60)),
    }  # fmt: skip
    Norm.objects.filter(pk=made["debated"].pk).update(status=NormStatus.DEBATE)
    Norm.objects.filter(pk=made["kept"].pk).update(status=NormStatus.SUSTAINED)
    Norm.objects.filter(pk=made["withdrawn"].pk).update(status=NormStatus.WITHDRAWN)
    Norm.objects.filter(pk=made["expired"].pk).update(status=NormStatus.EXPIRED)
    return made


def _feed(client: Client, token: str):
    return client.get(reverse("norms:calendar-ics", args=[token]))


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_page_groups_the_coming_dates_by_month(client_for, norms, today):
    response = client_for("agent").get(reverse("norms:calendar"))

    assert response.status_code == 200
    html = response.content.decode()
    months = [month for month, _dates in response.context["months"]]
    expected = sorted({(today + dt.timedelta(days=d)).replace(day=1) for d in (10, 40, 50)})
    assert months == expected
    listed = [
        (d.norm.title, d.kind, d.on) for _m, dates in response.context["months"] for d in dates
    ]
    assert listed == [
        ("Télétravail tous les jours", "review", today + dt.timedelta(days=10)),
        ("Messagerie avec le public", "sunset", today + dt.timedelta(days=40)),
        ("Horaires décalés", "sunset", today + dt.timedelta(days=50)),
    ]
    assert f'href="{norms["review"].get_absolute_url()}"' in html
    assert f'href="{norms["sunset"].get_absolute_url()}"' in html
    for name in ("far", "withdrawn", "expired", "kept"):
        assert norms[name].title.replace("'", "&#x27;") not in html


def test_the_page_lists_past_due_reviews_apart(client_for, agent, today):
    norm = make_norm(by=agent, title="Revue oubliée")
    Norm.objects.filter(pk=norm.pk).update(review_on=today - dt.timedelta(days=3))

    response = client_for("agent").get(reverse("norms:calendar"))

    assert [d.norm for d in response.context["overdue"]] == [norm]
    assert response.context["months"] == []
    assert "Past due, awaiting a decision" in response.content.decode()


def test_the_page_gives_the_agents_own_feed(client_for, agent):
    response = client_for("agent").get(reverse("norms:calendar"))

    feed = response.context["feed_url"]
    path = reverse("norms:calendar-ics", args=[ics_token(agent)])
    assert feed == settings.SITE_ROOT + path
    assert feed in response.content.decode()
    assert response.context["webcal_url"].startswith("webcal://")
    token = path.split("/")[-1].removesuffix(".ics")
    assert signing.Signer(salt=ICS_SALT).unsign(token) == str(agent.pk)
    # The same address at every visit: a calendar application keeps the one it was given.
    assert client_for("agent").get(reverse("norms:calendar")).context["feed_url"] == feed


def test_the_feed_has_one_all_day_event_per_date(agent, norms, today):
    response = _feed(Client(), ics_token(agent))  # no session: a calendar application

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    review, sunset, far = norms["review"], norms["sunset"], norms["far"]
    assert set(events) == {
        f"norm-{review.pk}-review-{today + dt.timedelta(days=10)}@riposte",
        f"norm-{sunset.pk}-sunset-{today + dt.timedelta(days=40)}@riposte",
        f"norm-{norms['debated'].pk}-sunset-{today + dt.timedelta(days=50)}@riposte",
        f"norm-{far.pk}-review-{today + dt.timedelta(days=500)}@riposte",
    }
    event = events[f"norm-{review.pk}-review-{today + dt.timedelta(days=10)}@riposte"]
    assert event.decoded("DTSTART") == today + dt.timedelta(days=10)
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)  # a date: all day
    assert event.decoded("DTEND") == today + dt.timedelta(days=11)
    assert "Télétravail tous les jours" in str(event["SUMMARY"])
    assert str(event["URL"]) == settings.SITE_ROOT + review.get_absolute_url()
    assert event.decoded("DTSTAMP") == review.updated_at.replace(microsecond=0)


def test_withdrawn_and_expired_norms_have_no_events(agent, norms):
    body = _feed(Client(), ics_token(agent)).content
    uids = " ".join(_events(body))

    for name in ("withdrawn", "expired"):
        assert f"norm-{norms[name].pk}-" not in uids
        assert norms[name].title.encode() not in body
    # A decision kept it: the sunset left on it no longer applies.
    assert f"norm-{norms['kept'].pk}-" not in uids


def test_the_uids_are_stable_from_one_fetch_to_the_next(agent, norms):
    first = _feed(Client(), ics_token(agent)).content
    second = _feed(Client(), ics_token(agent)).content

    assert _events(first).keys() == _events(second).keys()
    assert first == second


@pytest.mark.parametrize(
    "make",
    [
        lambda agent: "nonsense",
        lambda agent: signing.Signer(salt="riposte.other").sign(str(agent.pk)),
        lambda agent: signing.Signer(salt=ICS_SALT).sign(str(agent.pk + 1000)),
        # The signature of one agent's token on another agent's id.
        lambda agent: f"{agent.pk + 1}:" + ics_token(agent).split(":", 1)[1],
        lambda agent: signing.Signer(salt=ICS_SALT).sign("1 OR 1=1"),
    ],
)
def test_a_bad_or_tampered_token_is_404(agent, norms, make):
    assert _feed(Client(), make(agent)).status_code == 404


def test_a_deactivated_agents_feed_stops(agent, norms):
    token = ics_token(agent)
    agent.is_active = False
    agent.save()

    assert _feed(Client(), token).status_code == 404
