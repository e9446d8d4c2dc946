"""The workshop's report (the "compte-rendu"), built from the database in the seed document's order:
the title, the date, the group, the facilitators, the participants, the initial pitch, the line
naming the work steps, then for each axis its steps with their notes ("AXE #n", then its title),
and its stages and milestones by horizon ("AXE #n ... ÉTAPES ET JALONS"). Its headings are
joined by an en dash, as the seed's are.

`workshop_report` builds the structure once; the web page, the Markdown (here), the PDF
(report_pdf.py) and the DOCX (report_docx.py) only lay it out. Headings come from gettext in the
language active when the report is built (the viewer's; French by default, which gives the
seed's headings); what people wrote (titles, notes, milestones) stays as they wrote it.

What the report shows is the same for everyone who may read the workshop: it is the record of
the afternoon. Notes of a step whose notes are still hidden are left out until the facilitator
reveals them; anonymous notes carry no author; notes come with their dots, most voted first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markdown_it import MarkdownIt

from riposte.workshops.models import (
    Axis,
    Cluster,
    Horizon,
    Milestone,
    MilestoneStatus,
    Note,
    Participant,
    Step,
    StepKind,
    Workshop,
)


@dataclass(frozen=True)
class ReportNote:
    text: str
    author: str  # empty for an anonymous note
    dots: int


@dataclass(frozen=True)
class ReportCluster:
    """Notes put together under a title; its dots are its notes' dots."""

    title: str
    notes: list[ReportNote]

    @property
    def dots(self) -> int:
        return sum(note.dots for note in self.notes)


@dataclass(frozen=True)
class ReportStep:
    title: str
    kind: str
    hidden: bool  # notes not revealed yet: none is shown
    # Clusters and loose notes, most voted first.
    entries: list[ReportNote | ReportCluster]
    note_count: int


@dataclass(frozen=True)
class Became:
    """What a milestone was turned into: an initiative, a norm to debate, a cooperation."""

    kind: str  # "initiative", "norm", "cooperation"
    label: str  # "Initiative", in the current language
    title: str
    state: str  # its stage or status now
    url: str


@dataclass(frozen=True)
class ReportMilestone:
    title: str
    horizon: str
    owner: str
    due_on: dt.date | None
    status: str
    status_label: str
    done_on: dt.date | None
    late: bool
    became: list[Became]

    @property
    def details(self) -> list[str]:
        return milestone_details(self)


@dataclass(frozen=True)
class ReportHorizon:
    value: str
    label: str
    milestones: list[ReportMilestone]


@dataclass(frozen=True)
class ReportAxis:
    number: int
    title: str
    steps: list[ReportStep]  # "Où aller ?", "Avec quelles ressources ou leviers ?", others
    stages: list[ReportStep]  # "Par quelles étapes ?": its notes go with the milestones
    horizons: list[ReportHorizon]

    @property
    def heading(self) -> str:
        return _("Axis #%(number)d – %(title)s") % {"number": self.number, "title": self.title}  # noqa: RUF001

    @property
    def roadmap_heading(self) -> str:
        return _("Axis #%(number)d – %(title)s – stages and milestones") % {  # noqa: RUF001
            "number": self.number,
            "title": self.title,
        }

    @property
    def milestone_count(self) -> int:
        return sum(len(h.milestones) for h in self.horizons)

    @property
    def anchor(self) -> str:
        return f"axis-{self.number}"


@dataclass(frozen=True)
class Report:
    workshop_id: int
    title: str
    held_on: dt.date
    date_line: str  # "Compte-rendu de l'atelier du 18 novembre 2020"
    group_line: str  # "Groupe « Pérenniser le hors-norme »", or empty
    facilitators_line: str
    participants_line: str
    place: str
    pitch: str  # Markdown, as written
    pitch_html: str
    steps_line: str  # "3 étapes de travail : Où aller ? Avec quelles ... ?"
    axes: list[ReportAxis]
    generated_on: dt.date

    @property
    def pitch_heading(self) -> str:
        return _("Initial pitch")

    @property
    def roadmap_title(self) -> str:
        return _("Roadmap")

    @property
    def milestones(self) -> list[tuple[ReportAxis, ReportMilestone]]:
        return [(axis, m) for axis in self.axes for h in axis.horizons for m in h.milestones]


def _person(agent: object) -> str:
    """An agent as the report names them: their name, and their service when known."""
    name = str(agent)
    service = getattr(agent, "service", None)
    return f"{name}, {service.name}" if service is not None else name


def _became(milestone: Milestone) -> list[Became]:
    items: list[Became] = []
    initiative = milestone.initiative
    if initiative is not None:
        # A draft is its authors' own: its title is not told (the milestone still says it
        # became an initiative).
        draft = initiative.submitted_at is None
        items.append(
            Became(
                kind="initiative",
                label=_("Initiative"),
                title=_("(a draft)") if draft else initiative.title,
                state=_("draft") if draft else initiative.get_stage_display(),
                url="" if draft else initiative.get_absolute_url(),
            )
        )
    if milestone.norm is not None:
        norm = milestone.norm
        items.append(
            Became(
                kind="norm",
                label=_("Norm to debate"),
                title=norm.title,
                state=norm.get_status_display(),
                url=norm.get_absolute_url(),
            )
        )
    if milestone.cooperation is not None:
        cooperation = milestone.cooperation
        items.append(
            Became(
                kind="cooperation",
                label=_("Cooperation"),
                title=cooperation.title,
                state=cooperation.get_status_display(),
                url=cooperation.get_absolute_url(),
            )
        )
    return items


def _step(step: Step, dots: dict[int, int]) -> ReportStep:
    notes: list[Note] = list(step.notes.all())
    if step.notes_hidden:
        return ReportStep(step.title, step.kind, True, [], len(notes))

    def as_report(note: Note) -> ReportNote:
        author = "" if note.is_anonymous else note.author.display_name
        return ReportNote(note.text, author, dots.get(note.pk, 0))

    grouped: dict[int, list[ReportNote]] = {}
    loose: list[ReportNote] = []
    for note in notes:
        if note.cluster_id is not None:
            grouped.setdefault(note.cluster_id, []).append(as_report(note))
        else:
            loose.append(as_report(note))
    items: list[ReportNote | ReportCluster] = [
        ReportCluster(cluster.title, sorted(grouped[cluster.pk], key=lambda n: -n.dots))
        for cluster in step.clusters.all()
        if cluster.pk in grouped
    ]
    items += loose
    # Most voted first; equal votes keep the board's order (clusters, then loose notes): the
    # sort is stable.
    entries = sorted(items, key=lambda item: -item.dots)
    return ReportStep(step.title, step.kind, False, entries, len(notes))


def _milestone(milestone: Milestone, today: dt.date) -> ReportMilestone:
    return ReportMilestone(
        title=milestone.title,
        horizon=milestone.horizon,
        owner=str(milestone.owner) if milestone.owner is not None else "",
        due_on=milestone.due_on,
        status=milestone.status,
        status_label=milestone.get_status_display(),
        done_on=milestone.done_on,
        late=milestone.is_late(today),
        became=_became(milestone),
    )


def workshop_report(workshop: Workshop, *, today: dt.date | None = None) -> Report:
    """The report of the workshop as it is now, in the current language. A fixed number of
    queries whatever the size of the workshop."""
    today = today or timezone.localdate()
    steps = Step.objects.order_by("position", "id").prefetch_related(
        Prefetch(
            "notes",
            queryset=Note.objects.select_related("author__agent").order_by("position", "id"),
        ),
        Prefetch("clusters", queryset=Cluster.objects.order_by("position", "id")),
    )
    milestones = Milestone.objects.select_related(
        "owner", "initiative", "norm", "cooperation"
    ).order_by("position", "id")
    axes: list[Axis] = list(
        workshop.axes.order_by("position", "id").prefetch_related(
            Prefetch("steps", queryset=steps), Prefetch("milestones", queryset=milestones)
        )
    )
    dots = dict(
        Note.objects.filter(step__axis__workshop=workshop)
        .annotate(n=Count("dots"))
        .filter(n__gt=0)
        .values_list("pk", "n")
    )
    facilitators = list(workshop.facilitators.select_related("service").order_by("pk"))
    facilitator_ids = {agent.pk for agent in facilitators}
    participants: list[Participant] = [
        p
        for p in workshop.participants.select_related("agent").order_by("joined_at", "id")
        if p.agent_id not in facilitator_ids
    ]

    report_axes = []
    for number, axis in enumerate(axes, start=1):
        all_steps = [_step(step, dots) for step in axis.steps.all()]
        by_horizon: dict[str, list[ReportMilestone]] = {h: [] for h in Horizon.values}
        for milestone in axis.milestones.all():
            by_horizon[milestone.horizon].append(_milestone(milestone, today))
        report_axes.append(
            ReportAxis(
                number=number,
                title=axis.title,
                steps=[s for s in all_steps if s.kind != StepKind.STAGES],
                stages=[s for s in all_steps if s.kind == StepKind.STAGES],
                horizons=[
                    ReportHorizon(h.value, str(h.label), by_horizon[h.value]) for h in Horizon
                ],
            )
        )

    # The work steps as the first axis names them (a facilitator may have renamed them).
    step_titles = [step.title for step in axes[0].steps.all()] if axes else []
    facilitator_names = [_person(agent) for agent in facilitators]
    participant_names = [p.display_name for p in participants]
    return Report(
        workshop_id=workshop.pk,
        title=workshop.title,
        held_on=workshop.held_on,
        date_line=_("Report of the workshop of %(date)s")
        % {"date": date_format(workshop.held_on, "DATE_FORMAT")},
        group_line=_("Group “%(name)s”") % {"name": workshop.group_name}
        if workshop.group_name
        else "",
        facilitators_line=ngettext(
            "Facilitator: %(names)s", "Facilitators: %(names)s", len(facilitator_names)
        )
        % {"names": "; ".join(facilitator_names)}
        if facilitator_names
        else "",
        participants_line=_("Participants: %(names)s")
        % {"names": ", ".join(participant_names) or _("none")},
        place=workshop.place,
        pitch=workshop.pitch,
        pitch_html=workshop.pitch_html,
        steps_line=ngettext(
            "%(count)d work step: %(steps)s", "%(count)d work steps: %(steps)s", len(step_titles)
        )
        % {"count": len(step_titles), "steps": " ".join(step_titles)}
        if step_titles
        else "",
        axes=report_axes,
        generated_on=today,
    )


# -- Markdown

# The pitch's Markdown as riposte.core.markdown renders it, to find its headings.
_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*)([-+=>#]|\d+[.)])")
# "Titre ##" would lose its closing hashes in a heading.
_TRAILING_HASHES = re.compile(r"(\s)(#+\s*)$")


def md_escape(text: str) -> str:
    """What someone wrote, as Markdown that shows it as written: no heading, list, link, HTML or
    emphasis can come out of a note, whatever it holds."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _INLINE_SPECIAL.sub(r"\\\1", line.rstrip())
        line = _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), line)
        line = _TRAILING_HASHES.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines).strip("\n")


def _escape_marker(marker: str) -> str:
    if marker[-1] in ".)":
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _pitch_markdown(source: str) -> str:
    """The pitch as written, its headings moved below the report's own (a "# Titre" in the pitch
    would otherwise break the report's outline). Headings found by markdown-it, as rendered."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tokens = _md.parse(source)
    # Rewritten from the last so that the line numbers of the earlier ones stay right.
    for index in reversed(range(len(tokens))):
        token = tokens[index]
        if token.type != "heading_open" or token.map is None:
            continue
        level = int(token.tag[1])
        content = tokens[index + 1].content.replace("\n", " ")
        start, end = token.map
        lines[start:end] = ["#" * min(6, level + 3) + " " + content]
    return "\n".join(lines).strip()


def _heading(level: int, text: str) -> str:
    # Upper case, as the seed document writes its headings.
    return "#" * level + " " + md_escape(text.upper())


def _note_md(note: ReportNote, indent: str = "") -> str:
    body = md_escape(note.text).replace("\n", "  \n" + indent + "  ")
    extra = []
    if note.author:
        extra.append(md_escape(note.author))
    if note.dots:
        extra.append(ngettext("%(n)d dot", "%(n)d dots", note.dots) % {"n": note.dots})
    suffix = f" ({', '.join(extra)})" if extra else ""
    return f"{indent}- {body}{suffix}"


def _step_md(step: ReportStep) -> list[str]:
    out = [f"### {md_escape(step.title)}", ""]
    if step.hidden:
        out += [f"*{_('The notes of this step have not been revealed yet.')}*", ""]
        return out
    if not step.entries:
        out += [f"*{_('No note.')}*", ""]
        return out
    for entry in step.entries:
        if isinstance(entry, ReportCluster):
            dots = ngettext("%(n)d dot", "%(n)d dots", entry.dots) % {"n": entry.dots}
            out.append(f"- **{md_escape(entry.title)}**" + (f" ({dots})" if entry.dots else ""))
            out += [_note_md(note, "  ") for note in entry.notes]
        else:
            out.append(_note_md(entry))
    out.append("")
    return out


def milestone_details(milestone: ReportMilestone) -> list[str]:
    """The facts about a milestone, each a short phrase, in the current language."""
    details = []
    if milestone.owner:
        details.append(_("owner: %(name)s") % {"name": milestone.owner})
    if milestone.due_on is not None:
        details.append(_("due %(date)s") % {"date": date_format(milestone.due_on, "DATE_FORMAT")})
    if milestone.status == MilestoneStatus.DONE and milestone.done_on is not None:
        details.append(
            _("done on %(date)s") % {"date": date_format(milestone.done_on, "DATE_FORMAT")}
        )
    else:
        details.append(milestone.status_label.lower())
    if milestone.late:
        details.append(_("late"))
    return details


def _milestone_md(milestone: ReportMilestone, site_root: str) -> list[str]:
    line = f"- {md_escape(milestone.title)} — {md_escape(' · '.join(milestone_details(milestone)))}"
    out = [line]
    for item in milestone.became:
        what = f"{item.label} « {md_escape(item.title)} » ({md_escape(item.state)})"
        if item.url:
            what = f"{item.label} [« {md_escape(item.title)} »]({site_root}{item.url}) ({md_escape(item.state)})"
        out.append("  - " + _("Became: %(what)s") % {"what": what})
    return out


def report_markdown(report: Report, *, site_root: str = "") -> str:
    """The report as Markdown (UTF-8 text): one "#" title, "##" sections, "###" steps and
    horizons. Links to what milestones became are absolute when `site_root` is given."""
    out = [_heading(1, report.title), ""]
    out += [md_escape(report.date_line), ""]
    if report.group_line:
        out += [md_escape(report.group_line), ""]
    if report.facilitators_line:
        out += [md_escape(report.facilitators_line), ""]
    out += [md_escape(report.participants_line), ""]
    if report.place:
        out += [md_escape(_("Place: %(place)s") % {"place": report.place}), ""]
    out += [_heading(2, report.pitch_heading), ""]
    out += [_pitch_markdown(report.pitch) if report.pitch.strip() else f"*{_('No pitch.')}*", ""]
    if report.steps_line:
        out += [md_escape(report.steps_line), ""]
    for axis in report.axes:
        out += [_heading(2, axis.heading), ""]
        for step in axis.steps:
            out += _step_md(step)
        out += [_heading(2, axis.roadmap_heading), ""]
        for step in axis.stages:
            out += _step_md(step)
        for horizon in axis.horizons:
            out += [f"### {md_escape(horizon.label)}", ""]
            if not horizon.milestones:
                out += [f"*{_('No milestone.')}*", ""]
                continue
            for milestone in horizon.milestones:
                out += _milestone_md(milestone, site_root)
            out.append("")
    generated = _("Generated by Riposte on %(date)s.") % {
        "date": date_format(report.generated_on, "DATE_FORMAT")
    }
    out += ["---", "", f"*{md_escape(generated)}*", ""]
    return "\n".join(out)
