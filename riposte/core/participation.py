"""What an agent takes part in, as their directory page lists it.

Each module registers a provider (in its AppConfig.ready) that says, for one agent, what they do in
that module; the directory knows no module.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import ngettext


@dataclass(frozen=True)
class Participation:
    text: str
    url: str = ""


Provider = Callable[[Any], list[Participation]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def participation_for(agent: Any) -> list[Participation]:
    return [item for provider in _providers for item in provider(agent)]


@register
def _comments(agent: Any) -> list[Participation]:
    count = agent.comments.filter(hidden_at__isnull=True).count()
    if not count:
        return []
    return [
        Participation(ngettext("%(count)s comment", "%(count)s comments", count) % {"count": count})
    ]
