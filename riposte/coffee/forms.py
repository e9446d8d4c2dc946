"""Forms of the coffee pages. They validate input only; the writes are in services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riposte.coffee.models import Frequency, Membership, Preference
from riposte.coffee.models.membership import DAYS, SLOTS
from riposte.directory.models import Agent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DAY_NAMES = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
}
HALF_NAMES = {"am": _("Morning"), "pm": _("Afternoon")}


class MembershipForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, initial=Frequency.FORTNIGHTLY
    )
    group_size = forms.TypedChoiceField(
        label=_("Group size"),
        choices=[(2, _("Two")), (3, _("Three"))],
        coerce=int,
        initial=2,
        help_text=_(
            "A group of three when two others asked for three too; otherwise a coffee for two."
        ),
    )
    preference = forms.ChoiceField(
        label=_("Whom to meet"), choices=Preference.choices, initial=Preference.SURPRISE
    )
    # The half-days, one checkbox each; the template groups them by day (fieldset per day).
    availability = forms.MultipleChoiceField(
        label=_("When you are free"),
        choices=[(code, code) for code in SLOTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any time."),
    )
    paused_until = forms.DateField(
        label=_("Pause until"),
        required=False,
        widget=DATE,
        help_text=_("Included: no coffee for the rounds made up to this date."),
    )

    def availability_days(self) -> list[dict[str, Any]]:
        """For the template: each day with its two half-days (code, label, checked)."""
        value = self["availability"].value() or []
        return [
            {
                "code": day,
                "name": DAY_NAMES[day],
                "halves": [
                    {
                        "code": f"{day}-{half}",
                        "name": HALF_NAMES[half],
                        "checked": f"{day}-{half}" in value,
                    }
                    for half in ("am", "pm")
                ],
            }
            for day in DAYS
        ]


class ExclusionForm(forms.Form):
    """The colleague chosen in the picker, by id. Each refusal says why: the id comes from a
    page that may be old (the colleague left since, or was excluded from another tab)."""

    agent = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            key: _("Choose a colleague in the list.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_agent(self) -> Agent:
        found = Agent.objects.filter(pk=self.cleaned_data["agent"]).first()
        if found is None:
            raise forms.ValidationError(_("This colleague is not in the directory."))
        if found.pk == self.membership.agent_id:
            raise forms.ValidationError(_("You cannot exclude yourself."))
        if not found.is_active:
            raise forms.ValidationError(
                _("This colleague's account is closed: they are paired with nobody.")
            )
        if self.membership.exclusions.filter(excluded=found).exists():
            raise forms.ValidationError(
                _("%(name)s is already among the people you never meet."),
                params={"name": found.full_name or _("This colleague")},
            )
        return found


class MoveSlotForm(forms.Form):
    start = forms.DateTimeField(
        label=_("New time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("The coffee lasts 30 minutes; the others get the new time by e-mail."),
    )

    def clean_start(self) -> dt.datetime:
        start: dt.datetime = self.cleaned_data["start"]
        if start <= timezone.now():
            raise forms.ValidationError(_("Choose a time to come."))
        return start


class AnswerForm(forms.Form):
    met = forms.TypedChoiceField(
        label=_("Did you meet?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    wants_cooperation = forms.BooleanField(
        label=_("We'd like to work together"),
        required=False,
        help_text=_("A cooperation between your services is proposed to the support team."),
    )
