"""Follows: an agent follows any object to be notified of what happens to it."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from riposte.core.models import Follow


def follow_toggle(*, agent: Any, target: models.Model) -> bool:
    """Follow if not following, unfollow otherwise. Returns whether the agent now follows."""
    content_type = ContentType.objects.get_for_model(target)
    deleted, _ = Follow.objects.filter(
        agent=agent, content_type=content_type, object_id=target.pk
    ).delete()
    if deleted:
        return False
    Follow.objects.get_or_create(agent=agent, content_type=content_type, object_id=target.pk)
    return True


def is_following(*, agent: Any, target: models.Model) -> bool:
    return Follow.objects.filter(
        agent=agent, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).exists()


def followers_of(target: models.Model) -> models.QuerySet[Any]:
    from riposte.directory.models import Agent

    return Agent.objects.filter(
        follows__content_type=ContentType.objects.get_for_model(target),
        follows__object_id=target.pk,
        is_active=True,
    )
