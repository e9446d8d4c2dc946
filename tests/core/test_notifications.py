"""Notifications: in each recipient's language, e-mailed as each agent prefers, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from riposte.core.models import Notification
from riposte.core.notifications import (
    notification_send,
    notifications_mark_read,
    notifications_unread,
)
from riposte.core.tasks import send_daily_digests, send_notification_email
from riposte.directory.models import Agent

MESSAGE = gettext_lazy("%(author)s commented on %(target)s")
PARAMS = {"author": "Fanny Lebon", "target": "la note"}


def make(email: str, frequency: str, language: str = "fr", **fields) -> Agent:
    return Agent.objects.create_user(
        email,
        None,
        first_name=email.split("@")[0].title(),
        email_frequency=frequency,
        language=language,
        **fields,
    )


@pytest.fixture
def immediate(db) -> Agent:
    return make("ines@example.org", "immediate", "en")


@pytest.fixture
def daily(db) -> Agent:
    return make("dora@example.org", "daily")


@pytest.fixture
def never(db) -> Agent:
    return make("nora@example.org", "never")


def send(recipients, actor=None, url="/m/initiatives/"):
    return notification_send(
        recipients=recipients, actor=actor, message=MESSAGE, params=PARAMS, url=url
    )


# --- who is notified, in which language ----------------------------------------------------------


def test_the_message_is_rendered_in_each_recipients_language(immediate, daily):
    assert (immediate.language, daily.language) == ("en", "fr")

    send([immediate, daily])

    assert (
        Notification.objects.get(recipient=immediate).message == "Fanny Lebon commented on la note"
    )
    assert Notification.objects.get(recipient=daily).message == "Fanny Lebon a commenté la note"


def test_the_language_of_the_request_does_not_leak_into_notifications(immediate, daily):
    with translation.override("fr"):
        send([immediate])
    with translation.override("en"):
        send([daily])

    assert Notification.objects.get(recipient=immediate).message.endswith("commented on la note")
    assert Notification.objects.get(recipient=daily).message.endswith("a commenté la note")


def test_each_recipient_once_never_the_actor(immediate, daily, never):
    created = send([daily, daily, never, immediate, daily], actor=immediate)

    assert sorted(n.recipient.email for n in created) == ["dora@example.org", "nora@example.org"]
    assert Notification.objects.filter(recipient=daily).count() == 1
    assert not Notification.objects.filter(recipient=immediate).exists()
    assert Notification.objects.get(recipient=daily).actor == immediate


def test_inactive_recipients_are_skipped(daily, immediate, django_capture_on_commit_callbacks):
    immediate.is_active = False
    immediate.save()

    with django_capture_on_commit_callbacks(execute=True):
        created = send([immediate, daily])

    assert [n.recipient for n in created] == [daily]
    assert not Notification.objects.filter(recipient=immediate).exists()
    assert mail.outbox == []


# --- immediate e-mails ---------------------------------------------------------------------------


def test_an_immediate_recipient_gets_one_email_after_the_commit(
    immediate, daily, never, django_capture_on_commit_callbacks, settings
):
    settings.SITE_ROOT = "https://riposte.example.org"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send([immediate, daily, never], url="/m/initiatives/7/")
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1  # only the immediate recipient has an e-mail queued
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@example.org"]
    assert message.subject == "[Riposte] Fanny Lebon commented on la note"
    assert "Hello Ines," in message.body
    assert "- Fanny Lebon commented on la note" in message.body
    assert "https://riposte.example.org/m/initiatives/7/" in message.body
    notification = Notification.objects.get(recipient=immediate)
    assert notification.emailed_at is not None
    # Those who chose the digest or nothing have not been e-mailed.
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 1


def test_an_immediate_email_is_never_sent_twice(immediate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = send([immediate])
    assert len(mail.outbox) == 1

    assert send_notification_email.call(notification_id=notification.pk) is False

    assert len(mail.outbox) == 1


def test_a_rolled_back_change_emails_nobody(immediate, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send([immediate])
        raise RuntimeError("the change fails after notifying")

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_immediate_email_is_in_the_recipients_language(db, django_capture_on_commit_callbacks):
    french = make("fanny@example.org", "immediate", "fr")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        send([french])

    [message] = mail.outbox
    assert message.subject == "[Riposte] Fanny Lebon a commenté la note"
    assert message.body.startswith("Bonjour Fanny,")


# --- daily digests -------------------------------------------------------------------------------


def test_a_daily_recipient_gets_nothing_until_the_digest_then_one_digest_with_everything(
    daily, never, immediate, django_capture_on_commit_callbacks
):
    other_daily = make("eva@example.org", "daily", "en")
    with django_capture_on_commit_callbacks(execute=True):
        send([daily, never, other_daily])
        notification_send(
            recipients=[daily],
            actor=None,
            message=gettext_lazy("%(author)s commented on %(target)s"),
            params={"author": "Inès", "target": "le guide"},
        )
    assert mail.outbox == []

    assert send_daily_digests.call() == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["dora@example.org", "eva@example.org"]
    digest = next(m for m in mail.outbox if m.to == ["dora@example.org"])
    assert digest.subject == "[Riposte] Votre résumé du jour : 2 nouveauté(s)"
    assert "- Fanny Lebon a commenté la note" in digest.body
    assert "- Inès a commenté le guide" in digest.body
    english = next(m for m in mail.outbox if m.to == ["eva@example.org"])
    assert english.subject == "[Riposte] Your daily digest: 1 new"
    assert not Notification.objects.filter(
        recipient__in=[daily, other_daily], emailed_at__isnull=True
    ).exists()
    # "never" means never, digest included.
    assert Notification.objects.get(recipient=never).emailed_at is None


def test_a_digest_is_never_sent_twice(daily):
    send([daily])
    assert send_daily_digests.call() == 1

    assert send_daily_digests.call() == 0

    assert len(mail.outbox) == 1
    # A new notification after the digest goes into the next one, alone.
    send([daily])
    assert send_daily_digests.call() == 1
    assert mail.outbox[1].subject.endswith(": 1 nouveauté(s)")


def test_the_digest_leaves_out_what_was_read(daily):
    read, unread = send([daily]) + send([daily])
    notifications_mark_read(agent=daily, ids=[read.pk])

    assert send_daily_digests.call() == 1

    assert mail.outbox[0].subject.endswith(": 1 nouveauté(s)")
    read.refresh_from_db()
    unread.refresh_from_db()
    assert read.emailed_at is None
    assert unread.emailed_at is not None


def test_nothing_read_nothing_pending_no_digest(daily):
    send([daily])
    notifications_mark_read(agent=daily)

    assert send_daily_digests.call() == 0
    assert mail.outbox == []


def test_the_digest_skips_inactive_agents(daily):
    send([daily])
    daily.is_active = False
    daily.save()

    assert send_daily_digests.call() == 0
    assert mail.outbox == []


def test_the_digest_leaves_out_notifications_older_than_a_week(daily):
    [old] = send([daily])
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))

    assert send_daily_digests.call() == 0
    assert mail.outbox == []


def test_the_never_frequency_gets_no_email_at_all(never, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send([never])

    assert callbacks == []
    assert send_daily_digests.call() == 0
    assert mail.outbox == []
    assert notifications_unread(never).count() == 1  # still in the app


# --- marking as read -----------------------------------------------------------------------------


def test_mark_read_touches_only_the_agents_own_notifications(daily, never):
    mine = send([daily]) + send([daily])
    theirs = send([never])

    count = notifications_mark_read(agent=daily, ids=[mine[0].pk, theirs[0].pk])

    assert count == 1
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    assert Notification.objects.get(pk=mine[1].pk).read_at is None
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None


def test_mark_all_read_touches_only_the_agents_own_notifications(daily, never):
    send([daily])
    send([daily])
    send([never])

    assert notifications_mark_read(agent=daily) == 2

    assert notifications_unread(daily).count() == 0
    assert notifications_unread(never).count() == 1
    # Already read: nothing left to mark, and the first read date is kept.
    read_dates = (
        Notification.objects.filter(recipient=daily)
        .order_by("pk")
        .values_list("read_at", flat=True)
    )
    first_read = list(read_dates)
    assert notifications_mark_read(agent=daily) == 0
    assert list(read_dates.all()) == first_read  # .all(): a fresh query, not the cache


def test_the_mark_read_page_cannot_touch_someone_elses(agent, facilitator, client_for):
    [theirs] = send([facilitator])
    [mine] = send([agent])

    response = client_for("agent").post(
        "/notifications/read/", {"id": [str(theirs.pk), str(mine.pk)]}
    )

    assert response.status_code == 302
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=mine.pk).read_at is not None
