"""`riposte cooperations-generate --actors 10000 --cooperations 50000`: a large network of
cooperations for the benchmarks (bench/README.md) and for trying the graph and the map.

The network looks like a real one: each actor belongs to a commune of Seine-Saint-Denis (or to the
whole département), most cooperations bring together actors of one commune, some of them with a
département-wide actor (a directory service, a State service, a hospital), and a few actors take
part in far more cooperations than the others (a power law), as food banks and social centres do.
Emergencies (the lockdown of 2020, heatwaves...) gather many cooperations in their weeks.

Everything is bulk-inserted, then "inédite" is computed once for all the cooperations.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from riposte.cooperations.models import (
    Actor,
    ActorKind,
    ActorStatus,
    Cooperation,
    CooperationActor,
    CooperationStatus,
    Event,
)
from riposte.cooperations.services import cooperations_unprecedented_refresh, name_key
from riposte.directory.models import Commune, Service
from riposte.initiatives.models import Theme

BATCH = 5000

EVENTS = [
    ("Confinement du printemps 2020", "confinement", date(2020, 3, 17), date(2020, 5, 11)),
    ("Deuxième confinement 2020", "confinement", date(2020, 10, 30), date(2020, 12, 15)),
    ("Vaccination Covid-19 2021", "epidemie", date(2021, 1, 18), date(2021, 9, 30)),
    ("Canicule de l'été 2019", "canicule", date(2019, 6, 24), date(2019, 7, 26)),
    ("Canicule d'août 2023", "canicule", date(2023, 8, 18), date(2023, 8, 26)),
    ("Inondations de janvier 2018", "inondation", date(2018, 1, 22), date(2018, 2, 10)),
    ("Tempête Ciarán 2023", "tempete", date(2023, 11, 2), date(2023, 11, 4)),
    ("Violences urbaines de l'été 2023", "crise_sociale", date(2023, 6, 27), date(2023, 7, 5)),
]

PEOPLE = [
    "Louise-Michel", "Jean-Jaurès", "Victor-Hugo", "Simone-Veil", "Pablo-Neruda", "Aimé-Césaire",
    "Angela-Davis", "Paul-Éluard", "Joséphine-Baker", "Gisèle-Halimi", "Nelson-Mandela",
    "Marie-Curie", "Jean-Moulin", "Lucie-Aubrac", "Frida-Kahlo", "Olympe-de-Gouges",
    "Rosa-Parks", "Albert-Camus", "Jules-Vallès", "Danielle-Casanova", "Henri-Barbusse",
    "Toussaint-Louverture", "Germaine-Tillion", "Colette-Besson", "Missak-Manouchian",
]  # fmt: skip
NAMES: dict[str, list[str]] = {
    ActorKind.ASSOCIATION: [
        "Secours populaire", "Restos du cœur", "Croix-Rouge, unité locale", "Régie de quartier",
        "Centre social {p}", "Club de prévention", "Association des locataires {p}",
        "Épicerie solidaire", "Amicale des aînés", "Maison des femmes", "Collectif d'entraide",
        "Banque alimentaire, antenne", "Association sportive {p}", "Atelier vélo solidaire",
        "Emmaüs, communauté", "Association de parents d'élèves {p}", "Boutique de quartier",
    ],
    ActorKind.COMMUNE: [
        "CCAS", "Mairie, service jeunesse", "Mairie, service des sports", "Police municipale",
        "Centre municipal de santé {p}", "Mairie, direction des solidarités",
        "Médiathèque {p}", "Mairie, service de l'éducation",
    ],
    ActorKind.COMPANY: [
        "Boulangerie {p}", "Supermarché du centre", "Pharmacie {p}", "Transports {p}",
        "Bailleur social, agence", "Entreprise d'insertion {p}", "Traiteur {p}",
        "Imprimerie {p}", "Garage solidaire",
    ],
    ActorKind.STATE: [
        "France Travail, agence", "Préfecture, bureau de la cohésion sociale",
        "Éducation nationale, circonscription", "CAF, antenne", "CPAM, accueil",
        "Protection judiciaire de la jeunesse, unité",
    ],
    ActorKind.THIRD_PLACE: [
        "Fabrique de territoire {p}", "Tiers-lieu {p}", "Ressourcerie", "Jardin partagé {p}",
        "Café associatif {p}",
    ],
    ActorKind.SCHOOL: ["École élémentaire {p}", "Collège {p}", "Lycée {p}", "École maternelle {p}"],
    ActorKind.HOSPITAL: ["Centre hospitalier", "Hôpital {p}", "Clinique {p}", "EHPAD {p}"],
    ActorKind.OTHER: ["Paroisse", "Mosquée", "Collectif d'habitants", "Conseil citoyen"],
}  # fmt: skip
INTERCOMMUNALITIES = [
    "Plaine Commune",
    "Est Ensemble",
    "Paris Terres d'Envol",
    "Grand Paris Grand Est",
]
INTERCOMMUNALITY_UNITS = [
    "direction de la propreté", "direction de l'habitat", "direction de l'emploi",
    "direction de la culture", "cellule de crise", "direction des mobilités",
]  # fmt: skip
# Share of each kind among the actors (the directory services come on top, when there are any).
KINDS = [
    (ActorKind.ASSOCIATION, 40), (ActorKind.COMMUNE, 12), (ActorKind.COMPANY, 12),
    (ActorKind.SCHOOL, 12), (ActorKind.THIRD_PLACE, 6), (ActorKind.STATE, 5),
    (ActorKind.OTHER, 5), (ActorKind.HOSPITAL, 2), (ActorKind.INTERCOMMUNALITY, 2),
]  # fmt: skip
# These act across the whole département: any commune's cooperations may call on them.
WIDE = {ActorKind.SERVICE, ActorKind.STATE, ActorKind.HOSPITAL, ActorKind.INTERCOMMUNALITY}
TITLES = [
    "Distribution de colis alimentaires", "Appels quotidiens aux personnes isolées",
    "Hébergement d'urgence", "Prêt d'ordinateurs aux élèves", "Fabrication de masques",
    "Livraison de repas aux aînés", "Accueil de jour rafraîchi", "Maraudes communes",
    "Soutien scolaire à distance", "Collecte de vêtements", "Centre de vaccination éphémère",
    "Nettoyage après les inondations", "Ateliers numériques", "Permanence d'accès aux droits",
    "Chantier d'insertion", "Cellule d'écoute psychologique", "Transport solidaire",
]  # fmt: skip


class Command(BaseCommand):
    help = "Add generated actors and cooperations (benchmarks). Run `riposte demo` first for directory services."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--actors", type=int, default=10_000)
        parser.add_argument("--cooperations", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=93)

    def handle(self, *args: Any, actors: int, cooperations: int, seed: int, **options: Any) -> None:
        if actors < 2 or cooperations < 0:
            raise CommandError("At least 2 actors, and no negative number of cooperations.")
        communes = list(Commune.objects.all())
        if not communes:
            raise CommandError("No commune: run `riposte migrate` first.")
        rng = random.Random(seed)
        started = time.perf_counter()
        with transaction.atomic():
            made = self._actors(rng, actors, communes)
        self._say(options, f"{len(made)} actors")
        events = [
            Event.objects.get_or_create(
                name=name, defaults={"kind": kind, "starts_on": start, "ends_on": end}
            )[0]
            for name, kind, start, end in EVENTS
        ]
        self._cooperations(rng, cooperations, made, events, options)
        changed = cooperations_unprecedented_refresh()
        # Fresh statistics, as autovacuum would gather soon after (see initiatives_generate).
        # VACUUM cannot run in a transaction (a test's): ANALYZE alone then.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(
            f"\n{len(made)} actors and {cooperations} cooperations generated in "
            f"{time.perf_counter() - started:.1f} s ({changed} marked as inédites; "
            f"{Actor.objects.count()} actors, {Cooperation.objects.count()} cooperations in all)."
        )

    def _say(self, options: dict[str, Any], text: str) -> None:
        if options["verbosity"]:
            self.stdout.write(f"\r{text}", ending="")

    def _actors(
        self, rng: random.Random, count: int, communes: list[Commune]
    ) -> list[tuple[int, str, int | None]]:
        """Bulk-create the actors; return (id, kind, commune id or None for département-wide)."""
        taken = set(Actor.objects.values_list("name_key", flat=True))
        # Directory services without an actor yet become actors first (one per service).
        free = list(Service.objects.filter(actors__isnull=True).order_by("code")[: count // 10])
        now = timezone.now()
        rows: list[Actor] = []

        def add(name: str, kind: str, commune: Commune | None, **fields: Any) -> None:
            base, n = name, 2
            while name_key(name) in taken:
                name, n = f"{base} ({n})", n + 1
            taken.add(name_key(name))
            validated = kind == ActorKind.SERVICE or rng.random() < 0.9
            rows.append(
                Actor(
                    name=name, name_key=name_key(name), kind=kind, commune=commune,
                    status=ActorStatus.VALIDATED if validated else ActorStatus.PROPOSED,
                    validated_at=now if validated else None, created_at=now, updated_at=now,
                    **fields,
                )
            )  # fmt: skip

        for service in free:
            add(service.name, ActorKind.SERVICE, None, service=service)
        kinds, weights = zip(*KINDS, strict=True)
        while len(rows) < count:
            kind = rng.choices(kinds, weights)[0]
            commune = rng.choice(communes)
            if kind == ActorKind.INTERCOMMUNALITY:
                name = f"{rng.choice(INTERCOMMUNALITIES)}, {rng.choice(INTERCOMMUNALITY_UNITS)}"
                add(name, kind, None)
                continue
            template = rng.choice(NAMES[kind]).replace("{p}", rng.choice(PEOPLE))
            add(f"{template}, {commune.name}", kind, None if kind in WIDE else commune)
        created = Actor.objects.bulk_create(rows, batch_size=BATCH)
        return [(a.pk, a.kind, a.commune_id) for a in created]

    def _cooperations(
        self,
        rng: random.Random,
        count: int,
        actors: list[tuple[int, str, int | None]],
        events: list[Event],
        options: dict[str, Any],
    ) -> None:
        by_commune: dict[int, list[int]] = {}
        wide: list[int] = []
        for pk, _kind, commune in actors:
            (by_commune.setdefault(commune, []) if commune else wide).append(pk)
        # A power law: a few actors are in many cooperations, most in a few.
        weight = {pk: rng.paretovariate(1.5) for pk, _k, _c in actors}
        local = {c: (ids, [weight[pk] for pk in ids]) for c, ids in by_commune.items()}
        wide_weights = [weight[pk] for pk in wide]
        communes = list(local) or [0]
        themes = list(Theme.objects.values_list("pk", flat=True))
        earliest = date(2017, 1, 1)
        span = (date(2025, 12, 31) - earliest).days
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                rows, picks = [], []
                for i in range(size):
                    commune = rng.choice(communes)
                    n = rng.choices([2, 3, 4, 5, 6], [55, 27, 11, 5, 2])[0]
                    chosen: set[int] = set()
                    for _ in range(n * 3):  # a few tries: the commune may have few actors
                        if len(chosen) == n:
                            break
                        if (rng.random() < 0.2 and wide) or commune not in local:
                            chosen.add(rng.choices(wide, wide_weights)[0])
                        else:
                            ids, weights = local[commune]
                            chosen.add(rng.choices(ids, weights)[0])
                    if len(chosen) < 2:
                        chosen.add(rng.choice(actors)[0])
                        chosen.add(rng.choice(actors)[0])
                    event = rng.choice(events) if rng.random() < 0.6 else None
                    if event is not None:
                        length = ((event.ends_on or event.starts_on) - event.starts_on).days
                        started = event.starts_on + timedelta(days=rng.randint(0, length))
                    else:
                        started = earliest + timedelta(days=rng.randint(0, span))
                    ended = (
                        started + timedelta(days=rng.randint(0, 180))
                        if rng.random() < 0.7
                        else None
                    )
                    title = f"{rng.choice(TITLES)} ({done + i + 1})"
                    rows.append(
                        Cooperation(
                            title=title, description="Coopération générée pour les mesures.",
                            started_on=started, ended_on=ended, event=event,
                            status=CooperationStatus.SUGGESTED if rng.random() < 0.03 else CooperationStatus.CONFIRMED,
                        )
                    )  # fmt: skip
                    picks.append(
                        (sorted(chosen), rng.sample(themes, min(len(themes), rng.randint(1, 2))))
                    )
                created = Cooperation.objects.bulk_create(rows)
                CooperationActor.objects.bulk_create(
                    [CooperationActor(cooperation_id=c.pk, actor_id=a) for c, (ids, _t) in zip(created, picks, strict=True) for a in ids]
                )  # fmt: skip
                Cooperation.themes.through.objects.bulk_create(
                    [Cooperation.themes.through(cooperation_id=c.pk, theme_id=t) for c, (_a, ts) in zip(created, picks, strict=True) for t in ts]
                )  # fmt: skip
            done += size
            self._say(options, f"{len(actors)} actors, {done}/{count} cooperations")
