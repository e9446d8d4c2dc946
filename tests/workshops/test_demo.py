"""The workshops of `riposte demo` (riposte/workshops/demo.py): the seed workshop recreated, whose
Markdown report has the seed document's headings in the seed's order, its milestones turned
into tracked work; one workshop running today; rebuilt the same with --reset.

The seed document is read from riposte/workshops/data/seed_report.txt, the copy kept in the
repository (the tests run from a clean checkout)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from markdown_it import MarkdownIt

import riposte.workshops
from riposte.directory.demo import DEMO_DOMAIN
from riposte.workshops import demo as workshops_demo
from riposte.workshops.demo import seed_pitch, seed_workshop
from riposte.workshops.models import (
    Dot,
    Horizon,
    Milestone,
    MilestoneStatus,
    Note,
    Workshop,
    WorkshopStatus,
)
from riposte.workshops.report import report_markdown, workshop_report

SEED = Path(riposte.workshops.__file__).parent / "data" / "seed_report.txt"

# The seed's headings in its order: as the seed writes them, and as the report writes them when
# they differ. They differ twice, where the seed slipped: axis 3's "ÉTAPES ET JALONS" heading
# lacks its dash, and axis 4's is numbered 3.
A1 = "AXE #1 – URGENCES ET COOPÉRATIONS"  # noqa: RUF001
A2 = "AXE #2 – ACCÉLÉRATION DES INITIATIVES DE TERRAIN"  # noqa: RUF001
A3 = "AXE #3 – DÉBATTRE DES AUTORISATIONS"  # noqa: RUF001
A4 = "AXE #4 – L'INFORMEL À DISTANCE"  # noqa: RUF001
STAGES = " – ÉTAPES ET JALONS"  # noqa: RUF001
WHERE, LEVERS = "Où aller ?", "Avec quelles ressources ou leviers ?"
SEED_HEADINGS: list[tuple[str, str]] = [
    ("RIPOSTE CRÉATIVE TERRITORIALE", ""),
    ("PITCH INITIAL", ""),
    (A1, ""),
    (WHERE, ""),
    (LEVERS, ""),
    (A1 + STAGES, ""),
    ("1 Mois", ""),
    ("6 Mois", ""),
    ("1 an", ""),
    ("2 ans", ""),
    ("Idéal", ""),
    (A2, ""),
    (WHERE, ""),
    (LEVERS, ""),
    (A2 + STAGES, ""),
    (A3, ""),
    (WHERE, ""),
    (LEVERS, ""),
    (A3 + " ÉTAPES ET JALONS", A3 + STAGES),
    (A4, ""),
    (WHERE, ""),
    (LEVERS, ""),
    ("AXE #3 – L'INFORMEL À DISTANCE" + STAGES, A4 + STAGES),  # noqa: RUF001
]


def _lines(text: str) -> list[str]:
    """The text's lines, blank ones dropped and spaces evened out; "1\\nMois" is one heading
    cut in two by the seed's layout."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    joined: list[str] = []
    for line in lines:
        if joined and re.fullmatch(r"\d+", joined[-1]) and line in ("Mois", "an", "ans"):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def _in_order(wanted: list[str], found: list[str]) -> list[str]:
    """What of `wanted` is missing from `found` in that order (case and spaces aside)."""
    rest = iter(w.casefold() for w in found)
    return [w for w in wanted if not any(w.casefold() == f for f in rest)]


def _headings(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        " ".join(tokens[n + 1].content.split())
        for n, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


@pytest.fixture
def demo(db) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, verbosity=0, size="small", seed=93)
    return out.getvalue()


def test_the_seed_headings_are_read_from_the_seed() -> None:
    """The list above is the seed's: each heading is a line of it, in its order, and every line
    in capitals (its title and section headings) is in the list."""
    lines = _lines(SEED.read_text(encoding="utf-8"))
    as_written = [seed for seed, _report in SEED_HEADINGS]

    assert _in_order(as_written, lines) == []
    capitals = [line for line in lines if line == line.upper() and re.search(r"[A-Z]{3}", line)]
    assert [c for c in capitals if c not in as_written] == []


def test_the_markdown_report_has_the_seeds_headings_in_the_seeds_order(demo) -> None:
    """THE test of the issue: the demo's seed workshop, reported in Markdown (in French, the
    default language), has the seed document's headings in the seed's order."""
    workshop = seed_workshop()
    assert workshop is not None

    with translation.override("fr"):
        markdown = report_markdown(workshop_report(workshop))

    wanted = [report or seed for seed, report in SEED_HEADINGS]
    assert _in_order(wanted, _headings(markdown)) == []
    # Between the title and the pitch, the seed's lines about the afternoon, in its order; the
    # line of the three steps after the pitch.
    lines = _lines(markdown)
    date, group, facilitator, participants = lines[1:5]
    assert date == "Compte-rendu de l'atelier du 18 novembre 2020"
    assert group == "Groupe « Pérenniser le hors-norme »"
    assert facilitator.startswith("Facilitation : Inès Benali-Roux")
    assert participants.startswith("Participant.e.s : ")
    steps = (
        "3 étapes de travail : Où aller ? Avec quelles ressources ou leviers ? Par quelles étapes ?"
    )
    assert lines.index("## PITCH INITIAL") < lines.index(steps) < lines.index("## " + A1)


def test_the_seed_workshop(demo) -> None:
    workshop = seed_workshop()
    assert workshop is not None
    seed = SEED.read_text(encoding="utf-8")

    assert (workshop.group_name, workshop.held_on.isoformat(), workshop.status) == (
        "Pérenniser le hors-norme",
        "2020-11-18",
        WorkshopStatus.CLOSED,
    )
    assert [a.email for a in workshop.facilitators.all()] == [f"facilitatrice@{DEMO_DOMAIN}"]
    assert workshop.pitch == seed_pitch() and "**catalyseurs de coopérations**" in workshop.pitch
    # Fictional participants: none of the seed's real names.
    real = re.search(r"Participant\.e\.s : (.*)", seed).group(1).split(", ")[:-1]  # type: ignore[union-attr]
    real.append(re.search(r"^(.*), CD93, porteur", seed, re.M).group(1))  # type: ignore[union-attr]
    assert len(real) == 10
    names = {p.display_name for p in workshop.participants.all()}
    assert len(names) >= 10 and not names & set(real)
    with translation.override("fr"):
        markdown = report_markdown(workshop_report(workshop))
    assert not [name for name in real if name in markdown]

    # The milestones of axis 1 where the seed puts them; axis 4's coffee machines.
    axes = list(workshop.axes.order_by("position"))
    by_horizon = {
        h: list(axes[0].milestones.filter(horizon=h).values_list("title", flat=True))
        for h in Horizon.values
    }
    assert by_horizon == {
        "1m": [
            "Identifier les coopérations inédites",
            "cartographier les acteurs coopérant et debriefer avec eux",
        ],
        "6m": [
            "voter la loi 4D",
            "développer un guide pratique à partir du debrief",
            "mobiliser les « Fabriques de territoire »",
        ],
        "1y": [],
        "2y": [
            "Mettre des espaces de travail à des échelles territorialisées pertinentes "
            "= instances détachées des territoires instit."
        ],
        "ideal": [
            "mettre en place une équipe pluridisciplinaire avec des profils créatifs / divergents "
            "type designer, facilitateur qui seront là pour venir en aide aux agents qui "
            "souhaitent développer des projets***",
            "hacker les CTAP",
            "Ouvrir des maisons collaboratives sur le territoire",
        ],
    }
    for title in [t for titles in by_horizon.values() for t in titles]:
        assert " ".join(title.replace("« ", '"').replace(" »", '"').split()) in " ".join(
            seed.split()
        ), title
    assert list(axes[3].milestones.values_list("title", flat=True)) == [
        "instaurer des machines à café en visio"
    ]
    assert not Milestone.objects.filter(axis__in=axes[1:3]).exists()


def test_the_seed_milestones_became_tracked_work(demo) -> None:
    milestones = Milestone.objects.filter(axis__workshop=seed_workshop())
    mapped = milestones.get(title__startswith="cartographier")
    norm = milestones.get(title="hacker les CTAP")
    team = milestones.get(title__startswith="mettre en place une équipe")
    coffee = milestones.get(title="instaurer des machines à café en visio")

    assert mapped.cooperation is not None and mapped.cooperation.debrief is not None
    assert norm.norm is not None and norm.norm.status == "en_debat"
    assert team.initiative is not None and team.initiative.stage == "accompagnee"
    assert coffee.initiative is not None and coffee.initiative.stage == "perennisee"
    assert "/coffee/" in coffee.initiative.idea
    assert coffee.status == MilestoneStatus.DONE and coffee.done_on.year == 2021  # type: ignore[union-attr]
    assert coffee.owner is not None and coffee.owner.email == f"agent@{DEMO_DOMAIN}"
    # Links kept both ways: the initiative, the norm and the cooperation know their milestone.
    assert team.initiative.workshop_milestones.get() == team
    assert norm.norm.workshop_milestones.get() == norm
    assert mapped.cooperation.workshop_milestones.get() == mapped
    # Some still to do, and late by now.
    assert milestones.filter(status=MilestoneStatus.OPEN, due_on__isnull=False).exists()
    assert milestones.filter(status=MilestoneStatus.DROPPED).count() == 1


def test_the_workshop_running_today(demo) -> None:
    workshop = Workshop.objects.get(status=WorkshopStatus.LIVE)
    notes = Note.objects.filter(step__axis__workshop=workshop)
    steps = [s for a in workshop.axes.order_by("position") for s in a.steps.order_by("position")]

    assert workshop.participants.count() == 1 + 10 + 2  # the facilitator, agents, guests
    assert notes.count() == 17 and notes.filter(is_anonymous=True).count() == 4
    assert notes.filter(cluster__isnull=False).count() == 2
    assert notes.filter(author__agent__isnull=True).exists()  # guests post too
    assert Dot.objects.filter(note__step__axis__workshop=workshop).count() > 20
    hidden = [s for s in steps if s.notes_hidden]
    assert len(hidden) == 1 and hidden[0].notes.exists()
    assert len([s for s in steps if s.is_locked]) == 1
    assert Milestone.objects.filter(axis__workshop=workshop, source_note__isnull=False).count() == 2
    assert workshop.focus_axis is not None
    # Its report leaves out the hidden step's notes.
    markdown = report_markdown(workshop_report(workshop))
    assert all(n.text not in markdown for n in hidden[0].notes.all())


def test_rebuilt_the_same_with_reset(demo) -> None:
    def state() -> list:
        return [
            (
                w.title,
                w.status,
                sorted(p.display_name for p in w.participants.all()),
                sorted(Note.objects.filter(step__axis__workshop=w).values_list("text", flat=True)),
                Dot.objects.filter(note__step__axis__workshop=w).count(),
                sorted(
                    Milestone.objects.filter(axis__workshop=w).values_list(
                        "title", "horizon", "status", "done_on"
                    )
                ),
            )
            for w in Workshop.objects.order_by("held_on")
        ]

    before = state()
    call_command("demo", stdout=io.StringIO(), verbosity=0, size="small", seed=93, reset=True)

    assert state() == before
    assert Workshop.objects.count() == 2

    # The full size: thirty people on the board running today.
    workshops_demo.demo_build(seed=93, size="full")
    assert Workshop.objects.get(status=WorkshopStatus.LIVE).participants.count() == 1 + 30 + 2
