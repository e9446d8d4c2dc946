"""Forms of the workshop's pages (the list's filters, creating and editing a workshop, its
structure, its guests). They validate input only; the writes and their rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from riposte.directory.models import Agent, Role
from riposte.workshops.models import WorkshopStatus
from riposte.workshops.models.workshop import GUEST_NAME_MAX, PITCH_MAX, TITLE_MAX
from riposte.workshops.services import RIPOSTE_AXES, WorkshopData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# More axes than this is a seminar, not an afternoon: a typo (a pasted text) rather than a plan.
AXES_MAX = 12


def facilitator_choices() -> QuerySet[Agent]:
    """Who may co-facilitate: the active agents of the support team (and administrators)."""
    return Agent.objects.filter(
        Q(role=Role.FACILITATOR) | Q(role=Role.ADMIN), is_active=True
    ).order_by("last_name", "first_name", "pk")


class WorkshopForm(forms.Form):
    """Creating a workshop (`creating=True`: with the template and its axes, and co-facilitators
    besides the creator) or editing one (its facilitators, all of them)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("E.g. “Making the out-of-the-ordinary last”."),
    )
    group_name = forms.CharField(
        label=_("Group"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_("The event or the group it belongs to, e.g. “Riposte créative territoriale”."),
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(
        label=_("Video link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For participants who join remotely."),
    )
    pitch = forms.CharField(
        label=_("Pitch"),
        max_length=PITCH_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What the workshop is about, read out at the start. Markdown: **bold**, *italics*, "
            "lists starting with “-”, links."
        ),
    )
    dots_per_participant = forms.IntegerField(
        label=_("Dots per participant"),
        min_value=1,
        max_value=50,
        initial=5,
        help_text=_("How many votes each participant may put on the notes (from 1 to 50)."),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=Agent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    template = forms.BooleanField(
        label=_("Use the Riposte template: each axis below gets the three steps"),
        required=False,
        initial=True,
        help_text=_(
            "“Where to go?”, “With which resources or levers?”, “Through which stages?”. "
            "You can add, rename and reorder axes and steps afterwards."
        ),
    )
    axes = forms.CharField(
        label=_("Axes, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Used with the template only."),
    )

    def __init__(self, *args: Any, creating: bool, by: Agent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.by = by
        facilitators = self.fields["facilitators"]
        assert isinstance(facilitators, forms.ModelMultipleChoiceField)
        if creating:
            # The creator facilitates it anyway: the choice is of the others.
            facilitators.queryset = facilitator_choices().exclude(pk=by.pk)
            facilitators.label = _("Co-facilitators")
            facilitators.required = False
            facilitators.help_text = _("You facilitate it; choose colleagues to do it with you.")
            self.fields["axes"].initial = "\n".join(str(title) for title in RIPOSTE_AXES)
        else:
            facilitators.queryset = facilitator_choices()
            facilitators.help_text = _(
                "At least one. They run the board, the structure and the roadmap."
            )
            del self.fields["template"], self.fields["axes"]

    def clean_axes(self) -> list[str]:
        raw = self.cleaned_data.get("axes") or ""
        titles = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
        if len(titles) > AXES_MAX:
            raise forms.ValidationError(
                _("At most %(n)s axes; more can be added afterwards.") % {"n": AXES_MAX}
            )
        for title in titles:
            if len(title) > TITLE_MAX:
                raise forms.ValidationError(
                    _("An axis's title has at most %(n)s characters.") % {"n": TITLE_MAX}
                )
        return titles

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            self.creating
            and data.get("template")
            and not data.get("axes")
            and "axes" not in self.errors
        ):
            self.add_error(
                "axes", _("Give at least one axis, or untick the template to start empty.")
            )
        return data

    def to_data(self) -> WorkshopData:
        d = self.cleaned_data
        return WorkshopData(
            title=d["title"],
            held_on=d["held_on"],
            group_name=d["group_name"],
            place=d["place"],
            video_url=d["video_url"],
            pitch=d["pitch"],
            dots_per_participant=d["dots_per_participant"],
            facilitators=list(d["facilitators"]),
        )


class WorkshopFiltersForm(forms.Form):
    q = forms.CharField(label=_("Search by title"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *WorkshopStatus.choices],
    )

    def filters(self) -> tuple[str, str]:
        """(words, status); an unknown value drops that filter only."""
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        return d.get("q") or "", d.get("status") or ""


class TitleForm(forms.Form):
    """Adding or renaming an axis or a step."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


class GuestForm(forms.Form):
    name = forms.CharField(
        label=_("Guest's name"),
        max_length=GUEST_NAME_MAX,
        help_text=_("As the others will see it on the board, e.g. “Claire Martin (CCAS)”."),
    )
