"""Time to build the practical guide's PDF from 500 published debriefs (target: 15 s at most).

    PYTHONPATH=. .venv/bin/python bench/guide_pdf.py            # generate (once), then 3 builds
    PYTHONPATH=. .venv/bin/python bench/guide_pdf.py --runs 5 --debriefs 500 --regenerate

The data go through Riposte's services, as agents would have made them: 500 cooperations between
60 actors in 8 emergencies, each with a debrief opened, written (7 answers of 2 to 6 sentences,
1 to 3 themes), reviewed and published; then an edition is compiled and published. They live in
a throwaway SQLite file, bench/out/guide_pdf.sqlite3, reused by later runs.

Each build runs in a fresh Python process (Django set up, nothing cached), which reads the
published edition's snapshot and builds the PDF exactly as the download view does on a cache
miss. It prints the seconds of each step, the pages, the PDF's size and the process's peak RSS.
Loading Django's URLconf, which a worker does once and not for each PDF, is timed apart.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from bench.pdf_builds import ROOT, child_builds, cpu_seconds, print_totals, setup, status_kib

DB = ROOT / "bench" / "out" / "guide_pdf.sqlite3"

SENTENCES = [
    "Pendant le premier confinement, les familles suivies par la PMI ne pouvaient plus se déplacer.",
    "Le centre social a prêté ses locaux et ses bénévoles dès la deuxième semaine.",
    "Nous avons tenu un tableur partagé, mis à jour chaque soir par les deux équipes.",
    "Les attestations de déplacement des bénévoles ont bloqué les premières tournées.",
    "Une dérogation préfectorale a permis d'ouvrir le gymnase le week-end.",
    "Le service juridique a validé la convention en quarante-huit heures au lieu de trois mois.",
    "Un point téléphonique de cinq minutes chaque matin a suffi à coordonner tout le monde.",
    "Les listes de bénéficiaires ont circulé par courriel sans protection : à ne pas refaire.",
    "Les agents volontaires venaient de six directions différentes et ne se connaissaient pas.",
    "La mairie a fourni les véhicules, le Département les colis, l'association les bras.",
    "Il a fallu traduire les consignes en arabe, en tamoul et en soninké.",
    "Le numéro unique a reçu plus de trois cents appels la première semaine.",
    "Nous aurions dû prévenir plus tôt les gardiens d'immeuble, qui connaissent les habitants.",
    "La commande publique d'urgence a permis d'acheter les masques sans appel d'offres.",
    "Les collèges ont ouvert leurs cuisines pour préparer les repas des personnes isolées.",
    "Échangez vos numéros directs avant la crise : le jour venu, il est trop tard.",
    "Nommez un référent par structure, joignable à toute heure, et tenez la liste à jour.",
    "Gardez une trace écrite des décisions prises au téléphone, même en une ligne.",
    "Les bénévoles se sont épuisés au bout de trois semaines faute de relève organisée.",
    "Le tiers-lieu a servi de point de retrait, avec des créneaux réservés aux aînés.",
]
EVENTS = [
    ("Confinement du printemps 2020", "confinement", "2020-03-17"),
    ("Deuxième confinement 2020", "confinement", "2020-10-30"),
    ("Vaccination de masse 2021", "epidemie", "2021-01-18"),
    ("Canicule de juin 2022", "canicule", "2022-06-15"),
    ("Canicule de juillet 2022", "canicule", "2022-07-12"),
    ("Inondations de janvier 2024", "inondation", "2024-01-08"),
    ("Tempête Ciarán 2023", "tempete", "2023-11-02"),
    ("Accueil des déplacés d'Ukraine", "crise_sociale", "2022-03-01"),
]


def generate(count: int, seed: int = 4) -> None:
    """Cooperations, debriefs and a published edition, through the services."""
    import datetime as dt

    from django.core.management import call_command

    from riposte.cooperations import debriefs as d
    from riposte.cooperations.guide import guide_edition_compile, guide_edition_publish
    from riposte.cooperations.models import ActorKind, Event
    from riposte.cooperations.services import (
        ActorData,
        CooperationData,
        actor_propose,
        cooperation_create,
    )
    from riposte.directory.models import Agent, Role
    from riposte.initiatives.models import Theme

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    facilitator = Agent.objects.create_user(
        "facilitatrice@bench.test", None, role=Role.FACILITATOR, first_name="Fanny"
    )
    kinds = [k for k in ActorKind.values if k != ActorKind.SERVICE]
    actors = [
        actor_propose(
            by=facilitator,
            data=ActorData(
                name=f"Partenaire {i:02d} {rng.choice(SENTENCES)[:40]}", kind=rng.choice(kinds)
            ),
        )
        for i in range(60)
    ]
    events = [
        Event.objects.create(name=n, kind=k, starts_on=dt.date.fromisoformat(s))
        for n, k, s in EVENTS
    ]
    themes = list(Theme.objects.all())
    started = time.perf_counter()
    for i in range(count):
        event = rng.choice([*events, None])
        start = (event.starts_on if event else dt.date(2023, 1, 1)) + dt.timedelta(
            rng.randint(0, 60)
        )
        cooperation = cooperation_create(
            by=facilitator,
            data=CooperationData(
                title=f"Coopération {i + 1} : {rng.choice(SENTENCES)[:60].rstrip(' .,')}",
                description=rng.choice(SENTENCES),
                started_on=start,
                actors=rng.sample(actors, rng.randint(2, 4)),
                event=event,
                themes=rng.sample(themes, rng.randint(1, 3)),
            ),
        )
        debrief = d.debrief_open(cooperation=cooperation, by=facilitator)
        texts = {
            name: " ".join(rng.sample(SENTENCES, rng.randint(2, 6)))
            for name in (
                "context",
                "what_worked",
                "what_blocked",
                "levers",
                "do_again",
                "avoid",
                "advice",
            )
        }
        debrief = d.debrief_edit(
            debrief=debrief,
            by=facilitator,
            data=d.DebriefData(**texts, themes=list(cooperation.themes.all())),
            version=0,
        )
        d.debrief_submit_for_review(debrief=debrief, by=facilitator)
        d.debrief_publish(debrief=debrief, by=facilitator)
        if (i + 1) % 100 == 0:
            print(
                f"  {i + 1} debriefs published ({time.perf_counter() - started:.0f} s)", flush=True
            )
    edition = guide_edition_publish(edition=guide_edition_compile(by=facilitator), by=facilitator)
    print(f"  edition {edition.number} published with {len(edition.snapshot['debriefs'])} debriefs")


def build_once() -> dict[str, float]:
    """One build, as the download view makes it on a cache miss; run in a child process."""
    from django.urls import reverse
    from django.utils import translation
    from weasyprint import HTML

    from riposte.cooperations.guide import edition_content, latest_published
    from riposte.cooperations.guide_pdf import LocalOnlyFetcher, guide_html

    translation.activate("fr")
    # Django loads its URLconf, and the modules of the views it names, at a process's first
    # reverse(): a worker pays it once in its life, not once per PDF. Timed on its own, and out
    # of the total. (Here it also compiles those modules: PYTHONDONTWRITEBYTECODE is set on
    # this machine, so no .pyc is ever kept.)
    t_url = time.perf_counter()
    reverse("cooperations:guide")
    urlconf_s = time.perf_counter() - t_url
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    edition = latest_published()
    assert edition is not None
    content = edition_content(edition)
    t1 = time.perf_counter()
    # The steps of guide_pdf.pdf_build, timed one by one.
    html = guide_html(content)
    t2 = time.perf_counter()
    document = HTML(string=html, url_fetcher=LocalOnlyFetcher()).render()
    t3 = time.perf_counter()
    pdf = document.write_pdf(full_fonts=True)
    t4 = time.perf_counter()
    cpu = cpu_seconds() - cpu0
    peak_kib = status_kib("VmHWM")
    return {
        "debriefs": len(content["debriefs"]),
        "html_kib": len(html.encode()) / 1024,
        "urlconf_s": urlconf_s,
        "load_s": t1 - t0,
        "html_s": t2 - t1,
        "layout_s": t3 - t2,  # parsing, styles and layout
        "pdf_s": t4 - t3,
        "total_s": (t2 - t1) + (t3 - t2) + (t4 - t3),
        "cpu_s": cpu,
        "pages": len(document.pages),
        "pdf_mib": len(pdf) / 1024 / 1024,
        "peak_rss_mib": peak_kib / 1024,
    }


def _describe(r: dict[str, Any]) -> str:
    return (
        f"{r['debriefs']} debriefs, {r['pages']} pages, {r['pdf_mib']:.1f} MiB PDF; "
        f"(URLconf {r['urlconf_s']:.2f} s) html {r['html_s']:.2f} s, layout "
        f"{r['layout_s']:.2f} s, pdf {r['pdf_s']:.2f} s, total {r['total_s']:.2f} s "
        f"(CPU {r['cpu_s']:.1f} s); peak RSS {r['peak_rss_mib']:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--debriefs", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup(DB)
        print(json.dumps(build_once()))
        return
    DB.parent.mkdir(parents=True, exist_ok=True)
    if args.regenerate or not DB.exists():
        DB.unlink(missing_ok=True)
        print(f"generating {args.debriefs} published debriefs into {DB.relative_to(ROOT)}")
        started = time.perf_counter()
        setup(DB)
        generate(args.debriefs)
        print(f"  done in {time.perf_counter() - started:.0f} s")
    results = child_builds(__file__, args.runs, _describe)
    print_totals(results, " (target <= 15 s)")


if __name__ == "__main__":
    main()
