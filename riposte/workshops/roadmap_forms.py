"""Forms of the roadmap's pages. They validate input only; the writes and their rules are in
milestones.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from riposte.directory.models import Agent
from riposte.norms.models import NormKind
from riposte.workshops.milestones import MilestoneData
from riposte.workshops.models import Horizon, Milestone, MilestoneStatus, Workshop
from riposte.workshops.models.roadmap import MILESTONE_MAX
from riposte.workshops.roadmap_queries import Filters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MilestoneAddForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=MILESTONE_MAX)
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)


class HorizonForm(forms.Form):
    """Making a milestone of a note: on which horizon."""

    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)


class MilestoneMoveForm(forms.Form):
    """Up or down in its horizon (`offset`), or to a horizon at a position (the end if none):
    the buttons and the select of the roadmap, and the drag and drop that fills them in."""

    horizon = forms.ChoiceField(choices=Horizon.choices, required=False)
    position = forms.IntegerField(min_value=0, max_value=10_000, required=False)
    offset = forms.TypedChoiceField(choices=[("-1", "-1"), ("1", "1")], coerce=int,
                                    required=False, empty_value=None)  # fmt: skip


def owner_choices(workshop: Workshop, current: Agent | None) -> QuerySet[Agent]:
    """Who may carry a milestone from the form's list: the workshop's agents (participants and
    facilitators), and its current owner; anyone else is chosen by e-mail."""
    people = Q(workshop_participations__workshop=workshop) | Q(workshops_facilitated=workshop)
    if current is not None:
        people |= Q(pk=current.pk)
    return (
        Agent.objects.filter(people, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=MILESTONE_MAX)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Agent.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Who carries it: one of the workshop's participants."),
    )
    owner_email = forms.EmailField(
        label=_("Or another agent's e-mail"),
        required=False,
        help_text=_("Someone who did not take part, e.g. the head of the service concerned."),
    )
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=DATE,
        help_text=_(
            "Given by the horizon from the workshop's date. A date you choose stays when the "
            "milestone moves to another horizon."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, workshop: Workshop, current: Agent | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owner_choices(workshop, current)
        if workshop.is_closed:
            # The title is the record of what was said; the rest is the follow-up.
            self.fields["title"].widget.attrs["readonly"] = True
            self.fields["title"].help_text = _("The workshop is closed: the title stays as it was.")

    def clean_owner_email(self) -> Agent | None:
        email = self.cleaned_data.get("owner_email", "").strip().lower()
        if not email:
            return None
        agent = Agent.objects.filter(email=email, is_active=True).first()
        if agent is None:
            raise forms.ValidationError(_("No agent has this e-mail address in the directory."))
        return agent

    def to_data(self) -> MilestoneData:
        d = self.cleaned_data
        return MilestoneData(
            title=d["title"],
            owner=d.get("owner_email") or d.get("owner"),
            due_on=d.get("due_on"),
            status=d["status"],
        )


def milestone_initial(milestone: Milestone) -> dict[str, Any]:
    return {
        "title": milestone.title,
        "owner": milestone.owner_id,
        "due_on": milestone.due_on,
        "status": milestone.status,
        "version": milestone.version,
    }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)


class NormKindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of norm"), choices=NormKind.choices)


class RoadmapFiltersForm(forms.Form):
    """The roadmap across workshops. No status given means "to do": what is still to follow."""

    workshop = forms.ModelChoiceField(
        label=_("Workshop"),
        queryset=Workshop.objects.order_by("-held_on", "-id").only("id", "title", "held_on"),
        required=False,
        empty_label=_("All workshops"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(MilestoneStatus.OPEN, _("To do")), ("all", _("All")),
                 (MilestoneStatus.DONE, MilestoneStatus.DONE.label),
                 (MilestoneStatus.DROPPED, MilestoneStatus.DROPPED.label)],
    )  # fmt: skip
    mine = forms.BooleanField(label=_("Only my milestones"), required=False)
    late = forms.BooleanField(label=_("Only the late ones"), required=False)

    def filters(self, agent: Agent) -> Filters:
        """An unknown value drops that filter only."""
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        status = d.get("status") or MilestoneStatus.OPEN
        return Filters(
            workshop=d.get("workshop"),
            owner=agent if d.get("mine") else None,
            status="" if status == "all" else status,
            late_only=bool(d.get("late")),
        )
