"""A fictional département over the real communes of Seine-Saint-Denis, for demos and benchmarks.

Everything but the communes is invented; the same seed always gives the same directory.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from riposte.core.text import fold
from riposte.directory.models import (
    Agent,
    AgentSupportProfile,
    Commune,
    Role,
    Service,
    Site,
    Skill,
    SupportProfile,
)

DEMO_PASSWORD = "riposte-demo"  # noqa: S105 (printed for the demo accounts, on purpose)
DEMO_DOMAIN = "demo.riposte.test"

# One login per role, printed at the end of `riposte demo`.
ROLE_LOGINS = [
    (Role.AGENT, "agent", "Camille", "Martin-Lefort", "Chargée de projet insertion"),
    (Role.FACILITATOR, "facilitatrice", "Inès", "Benali-Roux", "Designer de services publics"),
    (Role.DECISION_MAKER, "decideur", "Thomas", "Ngoma-Vidal", "Directeur adjoint"),
    (Role.MODERATOR, "moderatrice", "Léa", "Dufresne-Kaci", "Chargée de communication interne"),
    (Role.ADMIN, "admin", "Karim", "Lemoine-Said", "Administrateur fonctionnel"),
]

FIRST_NAMES = [
    "Adèle",
    "Aïcha",
    "Alice",
    "Amandine",
    "Anaïs",
    "Aurélie",
    "Bérénice",
    "Camille",
    "Céline",
    "Chloé",
    "Claire",
    "Clémence",
    "Elsa",
    "Émilie",
    "Fatou",
    "Fatima",
    "Hélène",
    "Inès",
    "Jeanne",
    "Julie",
    "Karima",
    "Laura",
    "Léa",
    "Lina",
    "Louise",
    "Lucie",
    "Manon",
    "Maëlle",
    "Mariam",
    "Marion",
    "Mélanie",
    "Nadia",
    "Noémie",
    "Océane",
    "Pauline",
    "Rose",
    "Sarah",
    "Sofia",
    "Yasmine",
    "Zoé",
    "Adrien",
    "Ahmed",
    "Alexandre",
    "Antoine",
    "Arthur",
    "Bastien",
    "Benoît",
    "Bilal",
    "Cédric",
    "Clément",
    "Damien",
    "David",
    "Dylan",
    "Éric",
    "Étienne",
    "Fabien",
    "François",
    "Gaël",
    "Guillaume",
    "Hugo",
    "Ibrahim",
    "Jérôme",
    "Jules",
    "Julien",
    "Karim",
    "Kevin",
    "Léo",
    "Louis",
    "Lucas",
    "Mamadou",
    "Mathieu",
    "Maxime",
    "Mehdi",
    "Nicolas",
    "Olivier",
    "Omar",
    "Paul",
    "Pierre",
    "Raphaël",
    "Romain",
    "Samir",
    "Samuel",
    "Sébastien",
    "Théo",
    "Thomas",
    "Vincent",
    "Yanis",
    "Youssef",
    "Célia",
    "Noé",
    "Hélio",
    "Anouk",
]
# "_" joins the words of a compound surname, which split() would otherwise cut in two.
LAST_NAMES = [
    name.replace("_", " ")
    for name in [
        "Abadie",
        "Aubert",
        "Barbier",
        "Baron",
        "Benoît",
        "Bertin",
        "Blanchard",
        "Bonnet",
        "Boucher",
        "Bouvier",
        "Brun",
        "Carpentier",
        "Carré",
        "Chevalier",
        "Clément",
        "Colin",
        "Collet",
        "Coulibaly",
        "Da_Silva",
        "Daniel",
        "Delmas",
        "Deschamps",
        "Diallo",
        "Diop",
        "Dubois",
        "Dumas",
        "Dupuis",
        "Durand",
        "Fabre",
        "Faure",
        "Fernandes",
        "Fontaine",
        "Fournier",
        "Gaillard",
        "Garnier",
        "Gauthier",
        "Gérard",
        "Girard",
        "Guérin",
        "Haddad",
        "Hamel",
        "Henry",
        "Huet",
        "Jacob",
        "Joly",
        "Kanté",
        "Keita",
        "Lacroix",
        "Lambert",
        "Laurent",
        "Leclerc",
        "Lefèvre",
        "Legrand",
        "Lemaire",
        "Leroy",
        "Lopez",
        "Lucas",
        "Marchand",
        "Martinez",
        "Masson",
        "Mercier",
        "Meunier",
        "Meyer",
        "Michel",
        "Morel",
        "Moreau",
        "Muller",
        "Nguyen",
        "Noël",
        "Perrin",
        "Petit",
        "Picard",
        "Poirier",
        "Renard",
        "Rey",
        "Richard",
        "Rivière",
        "Robin",
        "Roche",
        "Rousseau",
        "Roussel",
        "Roux",
        "Sanchez",
        "Schmitt",
        "Simon",
        "Sylla",
        "Touré",
        "Traoré",
        "Vasseur",
        "Vidal",
        "Vincent",
        "Wagner",
        "Weber",
    ]
]

DIRECTIONS = [
    (
        "DEF",
        "Direction de l'enfance et de la famille",
        [
            "Aide sociale à l'enfance",
            "Protection maternelle et infantile",
            "Accueil familial",
            "Adoption et accès aux origines",
            "Modes d'accueil",
        ],
    ),
    (
        "DPAS",
        "Direction de la prévention et de l'action sociale",
        [
            "Service social départemental",
            "Insertion et RSA",
            "Logement et hébergement",
            "Prévention spécialisée",
            "Aide alimentaire",
        ],
    ),
    (
        "DPA",
        "Direction de l'autonomie",
        [
            "Personnes âgées",
            "Personnes handicapées",
            "Maison départementale des personnes handicapées",
            "Aide à domicile",
        ],
    ),
    (
        "DEJ",
        "Direction de l'éducation et de la jeunesse",
        ["Collèges", "Restauration scolaire", "Jeunesse et engagement", "Réussite éducative"],
    ),
    (
        "DCPSL",
        "Direction de la culture, du patrimoine, du sport et des loisirs",
        ["Culture", "Patrimoine et archives", "Sport", "Lecture publique"],
    ),
    (
        "DNPB",
        "Direction de la nature, des paysages et de la biodiversité",
        ["Parcs départementaux", "Biodiversité", "Jardins partagés"],
    ),
    (
        "DEA",
        "Direction de l'eau et de l'assainissement",
        ["Réseaux", "Prévention des inondations", "Qualité de l'eau"],
    ),
    (
        "DVD",
        "Direction de la voirie et des déplacements",
        ["Voirie", "Mobilités douces", "Transports en commun"],
    ),
    (
        "DBL",
        "Direction des bâtiments et de la logistique",
        ["Bâtiments", "Logistique", "Énergie et climat", "Moyens généraux"],
    ),
    (
        "DINSI",
        "Direction de l'innovation numérique et des systèmes d'information",
        [
            "Applications métier",
            "Infrastructures",
            "Données",
            "Assistance aux utilisateurs",
            "Innovation",
        ],
    ),
    (
        "DRH",
        "Direction des ressources humaines",
        ["Recrutement", "Formation", "Qualité de vie au travail", "Carrières et paie"],
    ),
    (
        "DFIN",
        "Direction des finances et de la commande publique",
        ["Budget", "Marchés publics", "Contrôle de gestion"],
    ),
    (
        "DSTE",
        "Direction de la stratégie et de la transformation",
        [
            "Évaluation des politiques publiques",
            "Design et innovation publique",
            "Participation citoyenne",
        ],
    ),
    (
        "DAJ",
        "Direction des affaires juridiques",
        ["Conseil juridique", "Contentieux", "Assemblées"],
    ),
    (
        "DSAN",
        "Direction de la santé",
        ["Prévention santé", "Centres de dépistage", "Vaccination", "Santé environnementale"],
    ),
    (
        "DCOM",
        "Direction de la communication",
        ["Communication externe", "Communication interne", "Événements"],
    ),
]
UNIT_NAMES = ["Pôle Nord", "Pôle Sud", "Pôle Est", "Pôle Ouest", "Cellule projets", "Accueil"]
JOBS = [
    "Assistant·e social·e",
    "Chargé·e de mission",
    "Chef·fe de projet",
    "Éducateur·rice spécialisé·e",
    "Puéricultrice",
    "Agent·e d'accueil",
    "Gestionnaire administratif·ve",
    "Technicien·ne",
    "Ingénieur·e",
    "Juriste",
    "Responsable de pôle",
    "Conseiller·e en insertion",
    "Médiateur·rice",
    "Développeur·se",
    "Cheffe de service",
    "Agent·e d'entretien des parcs",
    "Bibliothécaire",
    "Infirmier·e",
    "Médecin",
    "Chargé·e de communication",
    "Data analyst",
    "Designer de services",
]
SKILLS = [
    "Animation de réunions",
    "Tableurs",
    "Arabe",
    "Anglais",
    "Langue des signes",
    "Urbanisme",
    "Marchés publics",
    "Cartographie",
    "Photographie",
    "Rédaction",
    "Gestion de projet",
    "Python",
    "Médiation",
    "Prise de parole",
    "Vidéo",
    "Premiers secours",
    "Jardinage",
    "Droit social",
    "Budget",
    "Facilitation graphique",
]
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "boulevard Gabriel-Péri",
    "rue Victor-Hugo",
    "place de la Mairie",
    "rue des Écoles",
    "avenue Paul-Vaillant-Couturier",
    "rue de Paris",
]


@dataclass(frozen=True)
class Size:
    agents: int
    units_per_service: int
    sites: int


SIZES = {
    "small": Size(agents=300, units_per_service=0, sites=8),
    "full": Size(agents=8000, units_per_service=2, sites=25),
}

Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def directory_has_data() -> bool:
    return Service.objects.exists() or Agent.objects.exists()


@transaction.atomic
def demo_reset() -> None:
    from riposte.core.models import AuditEntry, Comment, Follow, Notification

    Comment.objects.all().delete()
    Follow.objects.all().delete()
    Notification.objects.all().delete()
    AuditEntry.objects.all().delete()
    Agent.objects.all().delete()
    Site.objects.all().delete()
    # Units, then services, then directions: the tree is protected bottom-up.
    for level in ("unit", "service", "direction"):
        Service.objects.filter(level=level).delete()
    Skill.objects.all().delete()


@transaction.atomic
def demo_build(
    *, size: str = "small", seed: int = 93, progress: Progress = _no_progress
) -> dict[str, int]:
    spec = SIZES[size]
    rng = random.Random(seed)
    communes = list(Commune.objects.order_by("insee_code"))
    if not communes:
        raise RuntimeError("no communes: run `riposte migrate` first")

    services = _build_services(spec, rng)
    progress("services", len(services), len(services))
    sites = _build_sites(spec, rng, communes)
    skills = Skill.objects.bulk_create([Skill(name=n) for n in SKILLS])

    # Agents hang on the leaves of the tree (units where there are some, else services).
    parents = {s.parent_id for s in services if s.parent_id}
    leaves = [s for s in services if s.pk not in parents and s.level != Service.Level.DIRECTION]
    by_id = {s.pk: s for s in services}
    used_emails: set[str] = set()
    agents: list[Agent] = []
    for _role, key, *_rest in ROLE_LOGINS:
        used_emails.add(f"{key}@{DEMO_DOMAIN}")
    total = spec.agents
    for i in range(total - len(ROLE_LOGINS)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base = fold(f"{first}.{last}").replace(" ", "-").replace("'", "")
        email, n = f"{base}@{DEMO_DOMAIN}", 1
        while email in used_emails:
            n += 1
            email = f"{base}{n}@{DEMO_DOMAIN}"
        used_emails.add(email)
        service = rng.choice(leaves)
        agent = Agent(
            email=email,
            first_name=first,
            last_name=last,
            job_title=rng.choice(JOBS),
            service=service,
            site=rng.choice(sites),
            role=Role.AGENT,
            email_frequency=rng.choice(["daily", "daily", "immediate", "never"]),
        )
        agent.set_unusable_password()
        agent.service = service
        agent.search_text = fold(
            " ".join([first, last, email, agent.job_title, service.name, service.code])
        )
        agents.append(agent)
        if (i + 1) % 500 == 0:
            progress("agents", i + 1, total)
    # One hash for the five demo logins: each costs a full PBKDF2 run (about 0.5 s here).
    password_hash = make_password(DEMO_PASSWORD)
    for role, key, first, last, job in ROLE_LOGINS:
        service = (
            by_id[leaves[0].pk]
            if role != Role.DECISION_MAKER
            else next(s for s in services if s.level == Service.Level.DIRECTION)
        )
        agent = Agent(
            email=f"{key}@{DEMO_DOMAIN}",
            first_name=first,
            last_name=last,
            job_title=job,
            service=service,
            site=sites[0],
            role=role,
            is_superuser=role == Role.ADMIN,
        )
        agent.password = password_hash
        agent.search_text = agent.build_search_text()
        agents.append(agent)
    created = Agent.objects.bulk_create(agents, batch_size=1000)
    progress("agents", total, total)

    through = Agent.skills.through
    links, profiles = [], []
    for agent in created:
        for skill in rng.sample(skills, rng.randint(0, 3)):
            links.append(through(agent_id=agent.pk, skill_id=skill.pk))
        if rng.random() < 0.03 or agent.role == Role.FACILITATOR:
            for profile in rng.sample(SupportProfile.values, rng.randint(1, 2)):
                profiles.append(AgentSupportProfile(agent_id=agent.pk, profile=profile))
    through.objects.bulk_create(links, batch_size=2000)
    AgentSupportProfile.objects.bulk_create(profiles, batch_size=2000)
    progress("skills", len(created), len(created))
    return {"services": len(services), "sites": len(sites), "agents": len(created)}


def _build_services(spec: Size, rng: random.Random) -> list[Service]:
    services: list[Service] = []
    for code, name, children in DIRECTIONS:
        direction = Service.objects.create(code=code, name=name, level=Service.Level.DIRECTION)
        services.append(direction)
        for i, child in enumerate(children, start=1):
            service = Service.objects.create(
                code=f"{code}-{i:02d}", name=child, level=Service.Level.SERVICE, parent=direction
            )
            services.append(service)
            for j, unit in enumerate(rng.sample(UNIT_NAMES, spec.units_per_service), start=1):
                services.append(
                    Service.objects.create(
                        code=f"{code}-{i:02d}-{j}",
                        name=f"{child} — {unit}",
                        level=Service.Level.UNIT,
                        parent=service,
                    )
                )
    return services


def _build_sites(spec: Size, rng: random.Random, communes: list[Commune]) -> list[Site]:
    sites = []
    for i, commune in enumerate(rng.sample(communes, min(spec.sites, len(communes)))):
        name = "Hôtel du Département" if i == 0 else f"Site {commune.name}"
        sites.append(
            Site(
                name=name,
                address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                commune=commune,
                latitude=commune.latitude + rng.uniform(-0.004, 0.004),
                longitude=commune.longitude + rng.uniform(-0.004, 0.004),
            )
        )
    return Site.objects.bulk_create(sites)
