"""Background jobs of the core: notification e-mails and the daily digest."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from riposte.core.models import Notification


@task()
def send_notification_email(*, notification_id: int) -> bool:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        with translation.override(recipient.language):
            body = render_to_string(
                "core/email/notification.txt",
                {
                    "notifications": [notification],
                    "agent": recipient,
                    "site_root": settings.SITE_ROOT,
                },
            )
            send_mail(
                _("[Riposte] %(message)s") % {"message": notification.message[:80]},
                body,
                None,
                [recipient.email],
            )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@task()
def send_daily_digests() -> int:
    """One e-mail per agent who chose the digest, with what they have not read nor been sent."""
    from riposte.directory.models import Agent

    since = timezone.now() - dt.timedelta(days=7)
    recipients = Agent.objects.filter(
        is_active=True,
        email_frequency="daily",
        notifications__read_at__isnull=True,
        notifications__emailed_at__isnull=True,
        notifications__created_at__gte=since,
    ).distinct()
    sent = 0
    for agent in recipients.iterator():
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update()
                .filter(
                    recipient=agent,
                    read_at__isnull=True,
                    emailed_at__isnull=True,
                    created_at__gte=since,
                )
                .order_by("created_at")
            )
            if not pending:
                continue
            with translation.override(agent.language):
                body = render_to_string(
                    "core/email/notification.txt",
                    {"notifications": pending, "agent": agent, "site_root": settings.SITE_ROOT},
                )
                send_mail(
                    _("[Riposte] Your daily digest: %(count)s new") % {"count": len(pending)},
                    body,
                    None,
                    [agent.email],
                )
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                emailed_at=timezone.now()
            )
            sent += 1
    return sent
