"""Writes of the debate that services.py leaves out: a reply to an argument, and moderators
hiding a testimony or an argument (kept and audited, never deleted, like comments)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riposte.core.audit import audit_record
from riposte.core.comments import comment_create
from riposte.core.models import Comment
from riposte.core.notifications import notification_send
from riposte.norms import rules
from riposte.norms.models import Argument, Testimony

REASON_MAX = 300


@transaction.atomic
def argument_reply(
    *, argument: Argument, by: Any, body: str, parent: Comment | None = None
) -> Comment:
    """A reply to an argument (a threaded comment on it). Its author hears of it: nobody follows
    an argument, so the comments' own notification would reach only a replied-to comment's
    author."""
    if argument.hidden_at is not None:
        raise ValidationError({"body": _("This argument was hidden by a moderator.")})
    url = f"{argument.norm.get_absolute_url()}#argument-{argument.pk}"
    comment = comment_create(author=by, target=argument, body=body, parent=parent, url=url)
    if parent is None or parent.author_id != argument.author_id:
        notification_send(
            recipients=[argument.author],
            actor=by,
            message=gettext_lazy("%(author)s replied to your argument “%(title)s”"),
            params={"author": str(by), "title": argument.title},
            url=url,
        )
    return comment


def _hide(item: Testimony | Argument, *, by: Any, reason: str, action: str) -> None:
    if not rules.can_moderate(by):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it is hidden.")})
    if item.hidden_at is not None:
        return
    item.hidden_at = timezone.now()
    item.hidden_by = by
    item.save(update_fields=["hidden_at", "hidden_by"])
    audit_record(actor=by, action=action, target=item, changes={"reason": reason[:REASON_MAX]})


@transaction.atomic
def testimony_hide(*, testimony: Testimony, by: Any, reason: str) -> Testimony:
    _hide(testimony, by=by, reason=reason, action="norm.testimony.hide")
    return testimony


@transaction.atomic
def argument_hide(*, argument: Argument, by: Any, reason: str) -> Argument:
    _hide(argument, by=by, reason=reason, action="norm.argument.hide")
    return argument
