"""Demo debriefs and the first edition of the practical guide, on the cooperations the demo made.

Seven debriefs, written as the people of those cooperations would (no one is named): invitations,
two contributions each, a consolidated text (revised once for some), then most of them reviewed
and published; one waits in review, one is still a draft. Then a first edition is compiled and
published. Everything goes through the services, as in real use. Deterministic for a seed.

The lead's demo command calls `demo_build(seed=...)` after the cooperations; `demo_reset()` before
deleting them.
"""

from __future__ import annotations

import random
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from riposte.cooperations import debriefs as d
from riposte.cooperations.guide import guide_edition_compile, guide_edition_publish
from riposte.cooperations.models import (
    Cooperation,
    CooperationStatus,
    Debrief,
    DebriefStatus,
    GuideEdition,
)
from riposte.core.models import AuditEntry, Comment, Follow
from riposte.directory.models import Agent, Role
from riposte.initiatives.models import Theme

# Keyed by the cooperation's title in data/demo_cooperations.json; "final" is the consolidated
# text, "edit" a later rewording of one answer (a second revision), "status" where it stops.
DEBRIEFS: list[dict[str, Any]] = [
    {
        "title": "Colis alimentaires pour les familles privées de cantine",
        "status": "published",
        "contributions": [
            {
                "context": "Avec la fermeture des collèges, les familles qui comptaient sur la cantine à 1 € n'avaient plus de repas du midi pour les enfants.",
                "what_worked": "Les listes des familles boursières nous sont arrivées en trois jours grâce aux principaux des collèges.",
                "advice": "Demandez tout de suite aux collèges les listes des élèves boursiers : ce sont elles qui disent qui a faim.",
            },
            {
                "what_blocked": "Les premiers jours, nous n'avions pas de véhicule réfrigéré : les produits frais ont dû attendre.",
                "levers": "Une convention-cadre signée en une semaine avec la banque alimentaire.",
                "avoid": "Les livraisons sans créneau : les familles attendaient sur le trottoir.",
            },
        ],
        "final": {
            "context": "Premier confinement : les collèges ferment le 16 mars 2020 et les familles qui comptaient sur la cantine à 1 € n'ont plus de repas du midi pour leurs enfants.",
            "what_worked": "Les listes des élèves boursiers, obtenues en trois jours auprès des collèges ; la banque alimentaire qui a fourni les denrées ; les agents volontaires de quatre directions pour les tournées.",
            "what_blocked": "Pas de véhicule réfrigéré la première semaine ; des attestations de déplacement à refaire chaque jour pour les bénévoles.",
            "levers": "Une convention-cadre avec la banque alimentaire signée en une semaine ; le prêt de deux camions par la direction des bâtiments.",
            "do_again": "Des créneaux de retrait par SMS, un point d'étape de dix minutes chaque matin entre le Département, la mairie et l'association.",
            "avoid": "Les livraisons sans horaire annoncé : des familles attendaient des heures sur le trottoir.",
            "advice": "Avant la prochaine crise, gardez à jour la liste des contacts dans chaque collège et une convention type avec la banque alimentaire : le jour venu, tout part de là.",
        },
        "edit": {
            "advice": "Avant la prochaine crise, gardez à jour la liste des contacts dans chaque collège, une convention type avec la banque alimentaire et un véhicule réfrigéré réservé : le jour venu, tout part de là."
        },
    },
    {
        "title": "Appels aux personnes âgées isolées",
        "status": "published",
        "contributions": [
            {
                "context": "Les aînés seuls chez eux ne voyaient plus personne : plus d'aide à domicile certains jours, plus de visites.",
                "what_worked": "Des agents en télétravail qui avaient du temps ont appelé chacun une trentaine de personnes, deux fois par semaine.",
                "do_again": "Un script d'appel d'une page, avec les numéros utiles au dos.",
            },
            {
                "what_blocked": "Le registre des personnes fragiles n'était pas à jour : un numéro sur cinq ne répondait plus.",
                "avoid": "Appeler sans savoir à qui transmettre une situation inquiétante.",
                "advice": "Prévoyez qui rappelle quand un appelant s'inquiète : l'appel ne sert à rien sans relais.",
            },
        ],
        "final": {
            "context": "Printemps 2020 : les personnes âgées isolées ne voient plus personne, certaines aides à domicile sont suspendues.",
            "what_worked": "Des agents volontaires en télétravail ont appelé chacun une trentaine de personnes deux fois par semaine, avec un script d'une page.",
            "what_blocked": "Le registre des personnes fragiles n'était pas à jour : un numéro sur cinq ne répondait plus.",
            "levers": "L'accord de la déléguée à la protection des données pour partager le registre avec les CCAS, obtenu en deux jours.",
            "do_again": "Le script d'appel, le tableau partagé des appels, et un relais désigné au CCAS pour chaque commune.",
            "avoid": "Appeler sans savoir à qui transmettre une situation inquiétante.",
            "advice": "Mettez le registre à jour chaque printemps, avant l'été, et désignez à l'avance qui rappelle quand un appelant s'inquiète.",
        },
    },
    {
        "title": "Prêt d'ordinateurs aux collégiens",
        "status": "published",
        "contributions": [
            {
                "context": "Des collégiens suivaient les cours sur le téléphone d'un parent, quand il y en avait un.",
                "what_worked": "Les ordinateurs de remplacement du parc informatique, remis à zéro en une nuit.",
                "levers": "Une décision de la direction générale pour prêter le matériel sans passer par l'inventaire habituel.",
            },
            {
                "what_blocked": "Pas de connexion internet dans une partie des familles : il a fallu des clés 4G.",
                "avoid": "Prêter sans fiche de prêt : certains ordinateurs ont mis un an à revenir.",
                "advice": "Pensez à la connexion, pas seulement à l'appareil.",
            },
        ],
        "final": {
            "context": "Avril 2020 : des collégiens suivent les cours à distance sur le téléphone d'un parent, ou pas du tout.",
            "what_worked": "Les ordinateurs de remplacement du parc informatique, remis à zéro en une nuit par la DSI et distribués par les collèges.",
            "what_blocked": "Une partie des familles n'avait pas de connexion internet : les clés 4G sont arrivées trois semaines plus tard.",
            "levers": "Une décision de la direction générale autorisant le prêt hors inventaire, avec une fiche de prêt simplifiée.",
            "do_again": "La remise à zéro en série par la DSI et la distribution par les collèges, qui connaissent les familles.",
            "avoid": "Prêter sans fiche signée : certains ordinateurs ont mis un an à revenir.",
            "advice": "Prévoyez la connexion en même temps que l'appareil, et une fiche de prêt d'une page signée à la remise.",
        },
    },
    {
        "title": "Appels quotidiens aux aînés pendant la canicule",
        "status": "published",
        "contributions": [
            {
                "context": "Alerte canicule de niveau 3 : plusieurs jours au-dessus de 35 °C.",
                "what_worked": "Le registre, mis à jour au printemps, et le script d'appel repris de 2020.",
                "do_again": "Les appels du matin, avant la chaleur.",
            },
            {
                "what_blocked": "Les salles rafraîchies fermaient à 17 heures, au plus chaud.",
                "levers": "Les médiathèques ouvertes plus tard par décision du maire.",
                "advice": "Reprenez ce qui a marché pendant le confinement : le script et le tableau servent encore.",
            },
        ],
        "final": {
            "context": "Été 2022 : alerte canicule de niveau 3, plusieurs jours au-dessus de 35 °C.",
            "what_worked": "Le registre mis à jour au printemps et le script d'appel repris du confinement de 2020.",
            "what_blocked": "Les salles rafraîchies fermaient à 17 heures, au moment le plus chaud.",
            "levers": "L'ouverture des médiathèques en soirée par décision du maire ; les taxis conventionnés pour y conduire les aînés.",
            "do_again": "Les appels le matin, avant la chaleur, et un second appel l'après-midi pour les personnes signalées.",
            "avoid": "Des horaires de salles rafraîchies calés sur les horaires de bureau.",
            "advice": "Ce qui a marché pendant le confinement sert encore : gardez le script et le tableau prêts d'une crise à l'autre.",
        },
    },
    {
        "title": "Accueil des familles ukrainiennes à Romainville",
        "status": "published",
        "contributions": [
            {
                "context": "Des familles arrivaient sans prévenir, souvent des mères avec enfants.",
                "what_worked": "Un lieu unique où trouver la préfecture, la CAF et l'école le même jour.",
                "advice": "Un seul lieu, un seul jour : les familles ne peuvent pas courir d'un guichet à l'autre.",
            },
            {
                "what_blocked": "L'interprétariat : deux interprètes pour toute la semaine.",
                "levers": "Les bénévoles russophones et ukrainophones recrutés par l'association.",
                "avoid": "Les formulaires seulement en français.",
            },
        ],
        "final": {
            "context": "Mars 2022 : des familles déplacées d'Ukraine arrivent sans prévenir, le plus souvent des mères avec leurs enfants.",
            "what_worked": "Un guichet unique où trouver le même jour la préfecture, la CAF, la scolarisation et la santé.",
            "what_blocked": "L'interprétariat : deux interprètes professionnels pour toute la semaine.",
            "levers": "Des bénévoles ukrainophones recrutés par l'association ; une salle municipale prêtée sans convention pendant un mois.",
            "do_again": "Le guichet unique, et le dossier papier que la famille garde avec elle.",
            "avoid": "Des formulaires seulement en français.",
            "advice": "Un seul lieu, un seul jour, des interprètes dès le premier matin : les familles ne peuvent pas courir d'un guichet à l'autre.",
        },
    },
    {
        "title": "Centre de vaccination de Bobigny",
        "status": "review",
        "contributions": [
            {
                "context": "Janvier 2021 : ouverture de la vaccination aux plus de 75 ans, créneaux pris d'assaut.",
                "what_worked": "Les agents d'accueil des services sociaux formés en une demi-journée.",
                "advice": "Réservez des créneaux pour ceux qui n'ont pas internet.",
            },
            {
                "what_blocked": "Les livraisons de doses annoncées la veille pour le lendemain.",
                "avoid": "Ouvrir tous les créneaux en ligne d'un coup.",
            },
        ],
        "final": {
            "context": "Janvier 2021 : la vaccination s'ouvre aux plus de 75 ans ; les créneaux en ligne sont pris en quelques minutes.",
            "what_worked": "Des agents d'accueil des services sociaux formés en une demi-journée, et une ligne téléphonique réservée aux aînés.",
            "what_blocked": "Les livraisons de doses annoncées la veille pour le lendemain.",
            "levers": "La mise à disposition d'agents entre le Département et la ville, par simple échange de courriels validé ensuite.",
            "do_again": "Des créneaux réservés au téléphone pour ceux qui n'ont pas internet.",
            "avoid": "Ouvrir tous les créneaux en ligne d'un coup.",
            "advice": "Gardez un tiers des créneaux pour le téléphone et les CCAS : sinon, les plus isolés ne passent jamais.",
        },
    },
    {
        "title": "Relogement d'urgence des familles sinistrées de Gournay",
        "status": "draft",
        "contributions": [
            {
                "context": "La Marne a envahi les sous-sols en deux jours ; onze familles ne pouvaient plus rester chez elles.",
                "what_worked": "Les bénévoles de l'association ont déménagé les affaires avec leurs propres véhicules.",
                "advice": "Ayez une liste d'hébergements d'urgence à jour, avec un contact joignable le week-end.",
            },
        ],
        "final": None,
    },
]


def _facilitator() -> Agent:
    agent = (
        Agent.objects.filter(role=Role.FACILITATOR, is_active=True).order_by("pk").first()
        or Agent.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    )
    if agent is None:
        raise RuntimeError("The demo debriefs need a facilitator: build the directory first.")
    return agent


def _people(debrief: Debrief, rng: random.Random, facilitator: Agent) -> list[Agent]:
    """Two people to invite: those the debrief page would suggest, or colleagues at random."""
    people = [a for a in d.invite_suggestions(debrief, limit=10) if a.pk != facilitator.pk]
    if len(people) < 2:
        others = list(Agent.objects.filter(is_active=True, role=Role.AGENT).order_by("pk")[:200])
        people += rng.sample(others, min(2, len(others)))
    return people[:2]


def _data(texts: dict[str, str], themes: list[Theme]) -> d.DebriefData:
    return d.DebriefData(**texts, themes=themes)


@transaction.atomic
def demo_build(*, seed: int) -> int:
    """Open the demo debriefs on the cooperations that exist, publish most of them, then compile
    and publish the guide's first edition. Returns how many debriefs were opened."""
    rng = random.Random(seed)
    facilitator = _facilitator()
    confirmed = Cooperation.objects.filter(status=CooperationStatus.CONFIRMED, debrief__isnull=True)
    by_title = {c.title: c for c in confirmed.order_by("pk")}
    titles = {spec["title"] for spec in DEBRIEFS}
    spare = [c for c in confirmed.order_by("started_on", "pk") if c.title not in titles]
    rng.shuffle(spare)
    opened = 0
    for spec in DEBRIEFS:
        cooperation = by_title.get(spec["title"])
        if cooperation is None:  # other demo data: any other confirmed cooperation will do
            if not spare:
                break
            cooperation = spare.pop()
        _debrief_one(spec, cooperation, facilitator, rng)
        opened += 1
    if Debrief.objects.filter(status=DebriefStatus.PUBLISHED).exists():
        guide_edition_publish(edition=guide_edition_compile(by=facilitator), by=facilitator)
    return opened


def _debrief_one(
    spec: dict[str, Any], cooperation: Cooperation, facilitator: Agent, rng: random.Random
) -> Debrief:
    themes = list(cooperation.themes.all())
    debrief = d.debrief_open(cooperation=cooperation, by=facilitator)
    people = _people(debrief, rng, facilitator)
    if people:
        d.debrief_invite(debrief=debrief, agents=people, by=facilitator)
    for author, texts in zip(people, spec["contributions"], strict=False):
        d.debrief_contribute(debrief=debrief, author=author, data=_data(texts, themes))
    if spec["final"] is None:
        return debrief
    debrief = d.debrief_edit(
        debrief=debrief, by=facilitator, data=_data(spec["final"], themes), version=0
    )
    if spec.get("edit"):
        debrief = d.debrief_edit(
            debrief=debrief, by=facilitator, version=1,
            data=_data({**spec["final"], **spec["edit"]}, themes),
        )  # fmt: skip
    if spec["status"] in ("review", "published"):
        debrief = d.debrief_submit_for_review(debrief=debrief, by=facilitator)
    if spec["status"] == "published":
        debrief = d.debrief_publish(debrief=debrief, by=facilitator)
    return debrief


@transaction.atomic
def demo_reset() -> None:
    """Delete the guide and the debriefs, and what hangs on them (remarks, follows, audit), so
    that the cooperations and the agents can go next."""
    GuideEdition.objects.all().delete()  # chapters, entries and PDFs go with them
    content_type = ContentType.objects.get_for_model(Debrief)
    Comment.objects.filter(content_type=content_type, parent__isnull=False).delete()
    Comment.objects.filter(content_type=content_type).delete()
    Follow.objects.filter(content_type=content_type).delete()
    # A published debrief points to its revision, which points back to it: unpublish, untie.
    Debrief.objects.update(status=DebriefStatus.DRAFT, published_revision=None)
    Debrief.objects.all().delete()  # invitations, contributions and revisions go with them
    AuditEntry.objects.filter(action__startswith="debrief.").delete()
    AuditEntry.objects.filter(action__startswith="guide.").delete()
