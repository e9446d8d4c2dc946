"""Builders shared by the initiatives tests: French initiatives made through the real services."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from riposte.core.models import Notification
from riposte.directory.models import Agent, Commune, Role
from riposte.initiatives.models import Initiative, Theme
from riposte.initiatives.services import InitiativeData, initiative_create

PASSWORD = "a-long-test-password"  # as in tests/conftest.py

# Three initiatives that have nothing to do with each other (bikes, older people, canteen).
BIKES = {
    "title": "Prêter des vélos de service aux agents pour leurs trajets",
    "problem": "Les agents prennent leur voiture pour des déplacements courts entre les sites"
    " du département. Un vélo à assistance électrique suffirait pour la plupart de ces trajets.",
    "idea": "Acheter une flotte de vélos électriques partagés entre les services, réservables"
    " en ligne.",
}
ELDERS = {
    "title": "Appeler les aînés isolés pendant la canicule",
    "problem": "Des personnes âgées restent seules chez elles sans nouvelles pendant les fortes"
    " chaleurs.",
    "idea": "Une équipe d'agents volontaires les appelle chaque jour.",
}
CANTEEN = {
    "title": "Donner les invendus de la cantine à une épicerie solidaire",
    "problem": "Chaque jour, la cantine du collège jette des repas qui n'ont pas été servis.",
    "idea": "Une convention avec l'épicerie solidaire du quartier pour récupérer les plats le"
    " soir.",
}


def data(texts: dict[str, str] | None = None, **fields: Any) -> InitiativeData:
    """Complete data (the whole département unless communes are given), texts of `texts`."""
    values: dict[str, Any] = {**(texts or ELDERS), **fields}
    values.setdefault("whole_department", not values.get("communes"))
    return InitiativeData(**values)


def publish(author: Agent, texts: dict[str, str] | None = None, **fields: Any) -> Initiative:
    """A submitted initiative by `author`."""
    return initiative_create(author=author, data=data(texts, **fields), submit=True)


def draft(author: Agent, title: str = "Un brouillon pas encore fini", **fields: Any) -> Initiative:
    """A draft by `author`: a title and whatever `fields` say."""
    return initiative_create(
        author=author, data=InitiativeData(title=title, **fields), submit=False
    )


def colleague(email: str, role: str = Role.AGENT, **fields: Any) -> Agent:
    """Another agent of the directory, beside the named actors of tests/conftest.py."""
    return Agent.objects.create_user(email, PASSWORD, role=role, **fields)


def themes(*slugs: str) -> list[Theme]:
    """Themes loaded by the migration, by slug (a missing one fails here, not later)."""
    found = {t.slug: t for t in Theme.objects.filter(slug__in=slugs)}
    return [found[s] for s in slugs]


def communes(*insee_codes: str) -> list[Commune]:
    """Communes of Seine-Saint-Denis loaded by the migration, by INSEE code."""
    found = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=insee_codes)}
    return [found[c] for c in insee_codes]


def last_notification_id() -> int:
    return Notification.objects.aggregate(last=Max("pk"))["last"] or 0


def notified_since(last_id: int) -> list[str]:
    """E-mails of the recipients of the notifications created after `last_id`, sorted."""
    return sorted(
        Notification.objects.filter(pk__gt=last_id).values_list("recipient__email", flat=True)
    )
