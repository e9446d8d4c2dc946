"""Threaded comments on any object of any module."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riposte.core.audit import audit_record
from riposte.core.follows import followers_of
from riposte.core.markdown import render_markdown
from riposte.core.models import Comment
from riposte.core.notifications import notification_send

MAX_LENGTH = 10_000


@transaction.atomic
def comment_create(
    *, author: Any, target: models.Model, body: str, parent: Comment | None = None, url: str = ""
) -> Comment:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("A comment cannot be empty.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError({"body": _("A comment is limited to 10,000 characters.")})
    content_type = ContentType.objects.get_for_model(target)
    if parent is not None and (parent.content_type_id, parent.object_id) != (
        content_type.pk,
        target.pk,
    ):
        raise ValidationError({"parent": _("The reply must be on the same page as its comment.")})
    comment = Comment(
        content_type=content_type,
        object_id=target.pk,
        parent=parent,
        author=author,
        body=body,
        body_html=render_markdown(body),
    )
    comment.full_clean()
    comment.save()
    recipients = list(followers_of(target))
    if parent is not None:
        recipients.append(parent.author)
    notification_send(
        recipients=recipients,
        actor=author,
        message=_("%(author)s commented on %(target)s"),
        params={"author": str(author), "target": str(target)},
        url=url,
    )
    return comment


def comment_hide(*, moderator: Any, comment: Comment, reason: str) -> Comment:
    """Moderators hide abusive content; it is kept (and audited), never deleted."""
    if not moderator.has_role("moderator"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the comment is hidden.")})
    with transaction.atomic():
        comment.hidden_at = timezone.now()
        comment.hidden_by = moderator
        comment.hidden_reason = reason.strip()[:300]
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit_record(
            actor=moderator, action="comment.hide", target=comment, changes={"reason": reason}
        )
    return comment


def comments_for(target: models.Model) -> list[Comment]:
    """The comments of a target as a tree: top-level comments, each with `.thread` (its replies)."""
    comments = list(
        Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        ).select_related("author")
    )
    by_parent: dict[int | None, list[Comment]] = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.thread = by_parent.get(comment.pk, [])  # type: ignore[attr-defined]
    return by_parent.get(None, [])
