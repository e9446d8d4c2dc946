"""Notifications: in-app (with an unread count) and by e-mail, as each agent prefers.

Modules call `notification_send` inside their own transaction; e-mails leave through the task
queue after the commit, so a rolled-back change never e-mails anybody.
"""

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.functional import Promise, lazy

from riposte.core.models import Notification


def date_param(value: dt.date | dt.datetime, fmt: str = "DATE_FORMAT") -> str:
    """A date (or time) for `params`, written in each recipient's language and local time: lazy,
    it is formatted when their message is."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return lazy(partial(formats.date_format, value, fmt), str)()  # type: ignore[no-any-return]


def notification_send(
    *,
    recipients: Iterable[Any],
    actor: Any | None,
    message: str | Promise,
    params: dict[str, Any] | None = None,
    url: str = "",
    emailed: bool = False,
) -> list[Notification]:
    """Notify each recipient once (the actor is never notified of their own action).

    `message` is a translatable string with %(name)s placeholders: it is rendered in each
    recipient's language (so are lazy params). `emailed`: the caller sends its own e-mail with
    the news, so the notification never leaves by e-mail, alone or in a digest.
    """
    from riposte.core.tasks import send_notification_email

    seen: set[int] = set()
    created: list[Notification] = []
    for recipient in recipients:
        if recipient.pk in seen or (actor is not None and recipient.pk == actor.pk):
            continue
        if not recipient.is_active:
            continue
        seen.add(recipient.pk)
        with translation.override(recipient.language):
            text = str(message) % (params or {})
        created.append(
            Notification(
                recipient=recipient,
                actor=actor,
                message=text[:500],
                url=url,
                emailed_at=timezone.now() if emailed else None,
            )
        )
    Notification.objects.bulk_create(created)
    if emailed:
        return created
    for notification in created:
        if notification.recipient.email_frequency == "immediate":
            transaction.on_commit(
                partial(send_notification_email.enqueue, notification_id=notification.pk)
            )
    return created


def notifications_unread(agent: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=agent, read_at__isnull=True)


def notifications_mark_read(*, agent: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the given notifications (or all of them) as read; only the agent's own."""
    qs = notifications_unread(agent)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
