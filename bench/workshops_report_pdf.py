"""Time to build the PDF report of a full workshop: 4 axes, 300 notes, 40 milestones.

    PYTHONPATH=. .venv/bin/python bench/workshops_report_pdf.py          # generate (once), 3 builds
    PYTHONPATH=. .venv/bin/python bench/workshops_report_pdf.py --runs 5 --regenerate

The workshop goes through Riposte's services, as a facilitator and 30 participants would have
made it: created with the Riposte template (4 axes of 3 steps), opened, 300 notes of one to three
sentences spread over the 12 steps (a tenth anonymous, some in groups), every participant's 5
dots spent, one step hidden; 40 milestones over the axes and horizons, with owners and statuses
(some done, some dropped); then closed. The data live in a throwaway SQLite file,
bench/out/workshops_report_pdf.sqlite3, reused by later runs.

Each build runs in a fresh Python process (Django set up, nothing cached) which takes the steps
of the PDF download (report_views.report_pdf), timed one by one: reading the workshop into the
report (`load`), the template with its timeline (`html`), WeasyPrint's parsing, styles and layout
(`layout`), and the PDF file (`pdf`). It prints the pages, the PDF's size and the process's peak
RSS. Loading Django's URLconf, which a server process does once and not for each PDF, is timed
apart, as in bench/guide_pdf.py.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from bench.pdf_builds import ROOT, child_builds, cpu_seconds, print_totals, setup, status_kib

DB = ROOT / "bench" / "out" / "workshops_report_pdf.sqlite3"

SENTENCES = [
    "Garder les binômes service et association nés pendant la crise.",
    "Un annuaire des partenaires joignables le week-end.",
    "Débriefer à chaud, dans le mois qui suit chaque crise.",
    "Une convention-type signable en quarante-huit heures.",
    "Des référents coopération dans chaque direction.",
    "Un budget d'amorçage pour les initiatives de terrain.",
    "Une demi-journée par mois pour travailler sur son initiative.",
    "Les designers de l'équipe d'appui, sollicitables sans passer par la hiérarchie.",
    "Rediscuter les dérogations de la crise avant qu'elles ne tombent.",
    "Des cafés en visio entre sites, pas seulement entre services.",
    "Que chaque canicule ait sa liste des coopérations à réactiver dès le premier jour.",
    "Ouvrir les tiers-lieux aux agents qui télétravaillent près de chez eux.",
    "Un guide pratique tenu à jour avec les partenaires.",
    "Publier les autorisations ouvertes pendant la crise, avec leur date de fin.",
    "Former les encadrants à accompagner les initiatives plutôt qu'à les valider.",
]
CLUSTERS = ["Ce qui existe déjà", "À construire", "Les partenaires", "Le temps", "Les moyens"]


def generate(notes: int, milestones: int, participants: int = 30, seed: int = 7) -> None:
    """The workshop, through the services."""
    import datetime as dt

    from django.core.management import call_command
    from django.utils import translation

    from riposte.directory.models import Agent, Role
    from riposte.workshops import board, rules
    from riposte.workshops import milestones as m
    from riposte.workshops.models import Horizon, MilestoneStatus, WorkshopStatus
    from riposte.workshops.services import (
        WorkshopData,
        participant_join,
        workshop_create,
        workshop_set_status,
    )

    rng = random.Random(seed)
    translation.activate("fr")
    call_command("migrate", verbosity=0)
    facilitator = Agent.objects.create_user(
        "facilitatrice@bench.test",
        None,
        role=Role.FACILITATOR,
        first_name="Fanny",
        last_name="Anime",
    )
    people = [
        Agent.objects.create_user(
            f"agent{i:02d}@bench.test", None, first_name=f"Agent {i:02d}", last_name="Bench"
        )
        for i in range(participants)
    ]
    workshop = workshop_create(
        by=facilitator,
        data=WorkshopData(
            title="Riposte créative territoriale",
            held_on=dt.date(2025, 11, 18),
            group_name="Pérenniser le hors-norme",
            pitch="\n\n".join(rng.sample(SENTENCES, 6)),
        ),
    )
    for agent in people:
        participant_join(workshop=workshop, agent=agent)
    workshop = workshop_set_status(workshop=workshop, by=facilitator, status=WorkshopStatus.LIVE)
    viewers = [rules.viewer_for(agent, {}, workshop) for agent in people]
    host = rules.viewer_for(facilitator, {}, workshop)
    axes = list(workshop.axes.order_by("position"))
    steps = [s for a in axes for s in a.steps.order_by("position")]
    groups = {
        step.pk: [
            board.cluster_create(step=step, by=host, title=t) for t in rng.sample(CLUSTERS, 2)
        ]
        for step in steps[::2]
    }
    started = time.perf_counter()
    posted = []
    for i in range(notes):
        step = steps[i % len(steps)]
        cluster = rng.choice([None, None, *groups.get(step.pk, [])])
        posted.append(
            board.note_post(
                step=step,
                by=rng.choice(viewers),
                text=" ".join(rng.sample(SENTENCES, rng.randint(1, 3))),
                anonymous=rng.random() < 0.1,
                cluster=cluster,
            )
        )
    for viewer in viewers:
        for note in rng.sample(posted, workshop.dots_per_participant):
            board.dot_add(note=note, by=viewer)
    board.step_hide(step=steps[4], by=host)
    print(f"  {notes} notes and the dots in {time.perf_counter() - started:.0f} s", flush=True)
    for i in range(milestones):
        milestone = m.milestone_add(
            axis=axes[i % len(axes)],
            by=facilitator,
            title=" ".join(rng.sample(SENTENCES, rng.randint(1, 2)))[:300],
            horizon=rng.choice(Horizon.values),
        )
        status = rng.choice(
            [MilestoneStatus.OPEN] * 3 + [MilestoneStatus.DONE, MilestoneStatus.DROPPED]
        )
        m.milestone_edit(
            milestone=milestone,
            by=facilitator,
            data=m.MilestoneData(
                title=milestone.title,
                owner=rng.choice(people),
                due_on=milestone.due_on,
                status=status,
            ),
            version=milestone.version,
        )
    workshop_set_status(workshop=workshop, by=facilitator, status=WorkshopStatus.CLOSED)
    print(f"  workshop {workshop.pk}: {notes} notes, {milestones} milestones, closed")


def build_once() -> dict[str, float]:
    """One build, as the download view makes it; run in a child process."""
    from django.urls import reverse
    from django.utils import translation
    from weasyprint import HTML

    from riposte.cooperations.guide_pdf import LocalOnlyFetcher
    from riposte.workshops.models import Workshop
    from riposte.workshops.report import workshop_report
    from riposte.workshops.report_pdf import report_html

    translation.activate("fr")
    # Django loads its URLconf and the view modules it names at a process's first reverse():
    # once in a server process's life, not once per PDF. Timed apart, out of the total.
    t_url = time.perf_counter()
    reverse("workshops:list")
    urlconf_s = time.perf_counter() - t_url
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    report = workshop_report(Workshop.objects.get())
    t1 = time.perf_counter()
    html = report_html(report)
    t2 = time.perf_counter()
    document = HTML(string=html, url_fetcher=LocalOnlyFetcher()).render()
    t3 = time.perf_counter()
    pdf = document.write_pdf(full_fonts=True)
    t4 = time.perf_counter()
    return {
        "notes": sum(s.note_count for a in report.axes for s in [*a.steps, *a.stages]),
        "milestones": len(report.milestones),
        "urlconf_s": urlconf_s,
        "load_s": t1 - t0,
        "html_s": t2 - t1,
        "layout_s": t3 - t2,
        "pdf_s": t4 - t3,
        "total_s": t4 - t0,
        "cpu_s": cpu_seconds() - cpu0,
        "pages": len(document.pages),
        "pdf_kib": len(pdf) / 1024,
        "peak_rss_mib": status_kib("VmHWM") / 1024,
    }


def _describe(r: dict[str, Any]) -> str:
    return (
        f"{r['notes']} notes, {r['milestones']} milestones, {r['pages']} pages, "
        f"{r['pdf_kib']:.0f} KiB PDF; (URLconf {r['urlconf_s']:.2f} s) load {r['load_s']:.2f} s, "
        f"html {r['html_s']:.2f} s, layout {r['layout_s']:.2f} s, pdf {r['pdf_s']:.2f} s, "
        f"total {r['total_s']:.2f} s (CPU {r['cpu_s']:.1f} s); peak RSS "
        f"{r['peak_rss_mib']:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--milestones", type=int, default=40)
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
        print(f"generating a workshop into {DB.relative_to(ROOT)}")
        started = time.perf_counter()
        setup(DB)
        generate(args.notes, args.milestones)
        print(f"  done in {time.perf_counter() - started:.0f} s")
    results = child_builds(__file__, args.runs, _describe)
    print_totals(results)


if __name__ == "__main__":
    main()
