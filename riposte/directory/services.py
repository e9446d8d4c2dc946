"""Writes on the directory: tokens, profiles, roles."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riposte.core.audit import audit_record
from riposte.directory.models import Agent, AgentSupportProfile, ApiToken, Skill, hash_token


def api_token_create(*, agent: Agent, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it with its raw value, which is never stored nor shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. 'my script'.")})
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken(agent=agent, name=name[:100], token_hash=hash_token(raw), hint=raw[:10])
        token.full_clean()
        token.save()
        audit_record(actor=agent, action="api_token.create", target=token)
    return token, raw


def api_token_revoke(*, agent: Agent, token: ApiToken) -> None:
    if token.agent_id != agent.pk:
        raise PermissionError("not your token")
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=agent, action="api_token.revoke", target=token)


def api_token_authenticate(raw: str) -> Agent | None:
    token = (
        ApiToken.objects.select_related("agent")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, agent__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token: a script hammering the API should not hammer the DB.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.agent


@transaction.atomic
def agent_update_profile(
    *,
    agent: Agent,
    job_title: str,
    phone: str,
    skills: list[str],
    support_profiles: list[str],
    email_frequency: str,
    language: str,
) -> Agent:
    agent.job_title = job_title.strip()
    agent.phone = phone.strip()
    agent.email_frequency = email_frequency
    agent.language = language
    agent.full_clean(exclude=["password"])
    agent.save()
    names = sorted({s.strip() for s in skills if s.strip()})
    Skill.objects.bulk_create([Skill(name=n[:100]) for n in names], ignore_conflicts=True)
    agent.skills.set(Skill.objects.filter(name__in=[n[:100] for n in names]))
    before = sorted(agent.support_profiles.values_list("profile", flat=True))
    after = sorted(set(support_profiles))
    if before != after:
        AgentSupportProfile.objects.filter(agent=agent).delete()
        AgentSupportProfile.objects.bulk_create(
            [AgentSupportProfile(agent=agent, profile=p) for p in after]
        )
        audit_record(
            actor=agent,
            action="agent.support_profiles",
            target=agent,
            changes={"before": before, "after": after},
        )
    return agent


@transaction.atomic
def agent_set_role(*, actor: Agent, agent: Agent, role: str) -> Agent:
    if not actor.has_role("admin"):
        raise PermissionError("only administrators change roles")
    before = agent.role
    agent.role = role
    agent.full_clean(exclude=["password"])
    agent.save(update_fields=["role"])
    audit_record(
        actor=actor, action="agent.role", target=agent, changes={"before": before, "after": role}
    )
    return agent
