"""The workshops of `riposte demo`: the seed workshop recreated, and one running today.

- The seed workshop: "Riposte créative territoriale", group « Pérenniser le hors-norme », held on
  18 November 2020 and closed, facilitated by the demo facilitator. Its pitch is the seed
  document's (read from data/seed_report.txt, the project's own seed, copied here); its four
  axes with the three standard steps; the milestones of axis 1 by horizon as the seed places
  them, and axis 4's "instaurer des machines à café en visio". As in the seed, what was said on
  the sticky notes was never typed up: the steps have no notes. Its participants are demo
  agents and fictional guests, none of the seed's real names. Some milestones became tracked
  work: the actors' map is linked to a demo cooperation with a debrief, "hacker les CTAP" is a
  norm up for debate, the support team and the coffee machine are initiatives (the coffee one
  says where the coffee machine is), and their owners and statuses say what happened since.
- A workshop running today (live): notes on the board, some anonymous, a group of notes, dots,
  a step locked, a step whose notes stay hidden until the facilitator reveals them, two
  milestones made from notes of a "Par quelles étapes ?" step. 10 agents and 2 guests take part
  with the facilitator; 30 agents with `size="full"`.

Where the seed is ambiguous: "Mettre des espaces de travail à des échelles territorialisées
pertinentes" (with its "= instances détachées des territoires instit.") comes right after the
"1 an" and "2 ans" headings; it is put at 2 years, the heading it follows. "instaurer des
machines à café en visio" has no horizon in the seed: it is put at 1 month.

Everything goes through the services (services.py, board.py, milestones.py), as a facilitator
and participants would have done it; then the dates the services stamped "now" are moved to
the day the seed workshop was held, or to the days its milestones were done (a seeding step).
Texts are in data/demo_workshops.json. Deterministic for a seed.

The demo command calls `demo_reset()` first (participants and workshops point to the agents) and
`demo_build(seed=..., size=...)` last (milestones point to the initiatives, norms, cooperations).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from riposte.cooperations.models import Cooperation
from riposte.core.models import AuditEntry, Notification
from riposte.directory.demo import DEMO_DOMAIN, ROLE_LOGINS
from riposte.directory.models import Agent, Role
from riposte.initiatives.services import InitiativeData, initiative_move, initiative_update
from riposte.workshops import board, milestones, rules
from riposte.workshops.models import (
    Milestone,
    MilestoneStatus,
    Note,
    Participant,
    Workshop,
    WorkshopStatus,
)
from riposte.workshops.services import (
    WorkshopData,
    guest_invite,
    participant_join,
    workshop_create,
    workshop_set_status,
)

DATA = Path(__file__).parent / "data" / "demo_workshops.json"
SEED = Path(__file__).parent / "data" / "seed_report.txt"
FACILITATOR = f"facilitatrice@{DEMO_DOMAIN}"
DEMO_AGENT = f"agent@{DEMO_DOMAIN}"


def seed_pitch() -> str:
    """The seed document's pitch: what is between its "PITCH INITIAL" and the line of the work
    steps, as written (its bold is Markdown already)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index("PITCH INITIAL") + 1
    end = next(n for n, line in enumerate(lines) if line.startswith("3 étapes de travail"))
    return "\n".join(lines[start:end]).strip()


@transaction.atomic
def demo_reset() -> None:
    """Delete every workshop (their axes, notes, dots and milestones go with them) and what the
    services recorded about them, so that the agents they point to can go next."""
    # A note protects its author (the record of who said what): notes go first.
    Note.objects.all().delete()
    Workshop.objects.all().delete()
    AuditEntry.objects.filter(action__startswith="workshop.").delete()
    Notification.objects.filter(url__startswith=reverse("workshops:list")).delete()


def demo_build(*, seed: int = 93, size: str = "small") -> int:
    """Build the two workshops; returns how many workshops there are."""
    with translation.override("fr"):
        return _build(seed, size)


@transaction.atomic
def _build(seed: int, size: str) -> int:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    demo_reset()
    facilitator = Agent.objects.get(email=FACILITATOR)
    demo_agent = Agent.objects.get(email=DEMO_AGENT)
    logins = {f"{key}@{DEMO_DOMAIN}" for _role, key, *_rest in ROLE_LOGINS}
    pool = list(
        Agent.objects.filter(is_active=True, role=Role.AGENT)
        .exclude(email__in=logins)
        .order_by("pk")
    )
    _seed_workshop(data["seed"], facilitator, demo_agent, pool, rng)
    # The same four axes: the format's own.
    _live_workshop(data["live"], data["seed"]["axes"], facilitator, demo_agent, pool, rng, size)
    return Workshop.objects.count()


def _people(
    workshop: Workshop,
    facilitator: Agent,
    agents: list[Agent],
    guests: list[str],
) -> list[Participant]:
    """The agents join by themselves; the facilitator invites the guests (their secret links
    are not kept: a facilitator makes a new one from the participants' page)."""
    people = [participant_join(workshop=workshop, agent=agent) for agent in agents]
    for name in guests:
        guest, _key = guest_invite(workshop=workshop, by=facilitator, name=name)
        people.append(guest)
    return people


def _seed_workshop(
    spec: dict[str, Any],
    facilitator: Agent,
    demo_agent: Agent,
    pool: list[Agent],
    rng: random.Random,
) -> Workshop:
    held_on = dt.date.fromisoformat(spec["held_on"])
    workshop = workshop_create(
        by=facilitator,
        data=WorkshopData(
            title=spec["title"],
            held_on=held_on,
            group_name=spec["group_name"],
            place=spec["place"],
            pitch=seed_pitch(),
        ),
        axes=spec["axes"],
    )
    agents = [demo_agent, *rng.sample(pool, spec["agents"])]
    people = _people(workshop, facilitator, agents, spec["guests"])
    owners = {"facilitator": facilitator, "demo_agent": demo_agent, "participant": agents[1]}
    axes = list(workshop.axes.order_by("position"))

    workshop = workshop_set_status(workshop=workshop, by=facilitator, status=WorkshopStatus.LIVE)
    planned = [
        (
            entry,
            milestones.milestone_add(
                axis=axes[entry["axis"]],
                by=facilitator,
                title=entry["title"],
                horizon=entry["horizon"],
            ),
        )
        for entry in spec["milestones"]
    ]
    workshop = workshop_set_status(workshop=workshop, by=facilitator, status=WorkshopStatus.CLOSED)

    # What became of the milestones since: followed up after the workshop closed.
    for entry, milestone in planned:
        owner = owners.get(entry.get("owner", ""))
        status = entry.get("status", MilestoneStatus.OPEN)
        if owner is not None or status != MilestoneStatus.OPEN:
            milestone = milestones.milestone_edit(
                milestone=milestone,
                by=facilitator,
                data=milestones.MilestoneData(
                    title=milestone.title, owner=owner, due_on=milestone.due_on, status=status
                ),
                version=milestone.version,
            )
        if entry.get("cooperation"):
            cooperation = Cooperation.objects.filter(title=entry["cooperation"]).first()
            if cooperation is not None:  # the cooperations' demo data may have changed
                milestones.milestone_to_cooperation(
                    milestone=milestone, by=facilitator, cooperation=cooperation
                )
        if entry.get("norm"):
            milestones.milestone_to_norm(milestone=milestone, by=facilitator)
        if entry.get("initiative"):
            _initiative(milestone, facilitator, entry["initiative"])
        if entry.get("done_on"):
            Milestone.objects.filter(pk=milestone.pk).update(
                done_on=dt.date.fromisoformat(entry["done_on"])
            )

    # The services stamped "now": the workshop was prepared, held and closed in 2020.
    held = timezone.make_aware(dt.datetime.combine(held_on, dt.time(14)))
    Workshop.objects.filter(pk=workshop.pk).update(
        created_at=held - dt.timedelta(days=21), updated_at=held + dt.timedelta(hours=4)
    )
    Participant.objects.filter(pk__in=[p.pk for p in people]).update(
        joined_at=held - dt.timedelta(days=7)
    )
    Participant.objects.filter(workshop=workshop, agent=facilitator).update(
        joined_at=held - dt.timedelta(days=21)
    )
    Milestone.objects.filter(axis__workshop=workshop).update(
        created_at=held + dt.timedelta(hours=3)
    )
    return workshop


def _initiative(milestone: Milestone, facilitator: Agent, spec: dict[str, Any]) -> None:
    """The milestone becomes a draft initiative (milestones.milestone_to_initiative), which its
    author completes and submits; the support team then moves it along its stages."""
    initiative = milestones.milestone_to_initiative(milestone=milestone, by=facilitator)
    initiative = initiative_update(
        initiative=initiative,
        by=facilitator,
        data=InitiativeData(
            title=spec["title"],
            problem=spec["problem"],
            idea=f"{spec['idea']}\n\n{initiative.idea}",
            whole_department=True,
            coauthors=list(initiative.coauthors.all()),
        ),
        submit=True,
    )
    for stage in spec["stage"]:
        initiative_move(
            initiative=initiative, by=facilitator, to_stage=stage, reason=spec["reason"]
        )


def _live_workshop(
    spec: dict[str, Any],
    axes: list[str],
    facilitator: Agent,
    demo_agent: Agent,
    pool: list[Agent],
    rng: random.Random,
    size: str,
) -> Workshop:
    workshop = workshop_create(
        by=facilitator,
        data=WorkshopData(
            title=spec["title"],
            held_on=timezone.localdate(),
            group_name=spec["group_name"],
            place=spec["place"],
            pitch=spec["pitch"],
            dots_per_participant=spec["dots_per_participant"],
        ),
        axes=axes,
    )
    agents = [demo_agent, *rng.sample(pool, spec["agents"][size])]
    people = _people(workshop, facilitator, agents, spec["guests"])
    workshop = workshop_set_status(workshop=workshop, by=facilitator, status=WorkshopStatus.LIVE)
    steps = {
        (a, s): step
        for a, axis in enumerate(workshop.axes.order_by("position"))
        for s, step in enumerate(axis.steps.order_by("position"))
    }
    host = rules.viewer_for(facilitator, {}, workshop)
    viewers = [_as_viewer(person, workshop) for person in people]

    notes: list[Note] = []
    clusters: dict[tuple[int, int, str], Any] = {}
    for entry in spec["notes"]:
        step = steps[(entry["axis"], entry["step"])]
        by = rng.choice(viewers)
        cluster = None
        if entry.get("cluster"):
            key = (entry["axis"], entry["step"], entry["cluster"])
            if key not in clusters:
                clusters[key] = board.cluster_create(step=step, by=by, title=entry["cluster"])
            cluster = clusters[key]
        notes.append(
            board.note_post(
                step=step,
                by=by,
                text=entry["text"],
                anonymous=entry.get("anonymous", False),
                cluster=cluster,
            )
        )

    # Everyone votes, keeping a dot or two in hand.
    for viewer in viewers:
        for note in rng.sample(notes, rng.randint(1, spec["dots_per_participant"] - 1)):
            board.dot_add(note=note, by=viewer)

    hidden = spec["hidden_step"]
    board.step_hide(step=steps[(hidden["axis"], hidden["step"])], by=host)
    locked = spec["locked_step"]
    board.step_lock(step=steps[(locked["axis"], locked["step"])], by=host)
    for entry in spec["milestones_from_notes"]:
        milestones.milestone_from_note(
            note=notes[entry["note"]], by=facilitator, horizon=entry["horizon"]
        )
    # "Bring everyone" to the axis being worked on.
    board.workshop_focus(workshop=workshop, by=host, axis=steps[(hidden["axis"], 0)].axis)
    return workshop


def _as_viewer(participant: Participant, workshop: Workshop) -> rules.Viewer:
    if participant.agent is not None:
        return rules.viewer_for(participant.agent, {}, workshop)
    return rules.Viewer(agent=None, participant=participant, facilitates=False)


def seed_workshop() -> Workshop | None:
    """The demo's seed workshop, for the tests and the bench."""
    title = json.loads(DATA.read_text(encoding="utf-8"))["seed"]["title"]
    return Workshop.objects.filter(title=title, status=WorkshopStatus.CLOSED).order_by("pk").first()
