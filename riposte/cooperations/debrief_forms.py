"""Forms of the debrief and guide pages. They validate input only; the writes are in debriefs.py
and guide.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from riposte.cooperations.debriefs import DebriefData
from riposte.cooperations.models import DEBRIEF_FIELDS, FIELD_NAMES
from riposte.cooperations.models.debriefs import FIELD_MAX
from riposte.cooperations.models.guide import TEXT_MAX
from riposte.directory.models import Agent
from riposte.initiatives.models import Theme


class DebriefForm(forms.Form):
    """The structured form: a contribution, or the consolidated text (with its version)."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The guide files each piece of advice under its themes."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        texts = {
            name: forms.CharField(
                label=label,
                help_text=question,
                required=False,
                max_length=FIELD_MAX,
                strip=False,  # the service strips; the form gives back what was typed
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            for name, label, question in DEBRIEF_FIELDS
        }
        # The texts first, in the order they are asked; the themes (and the version) after.
        self.fields = {**texts, **self.fields}

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FIELD_NAMES]

    def to_data(self) -> DebriefData:
        d = self.cleaned_data
        return DebriefData(**{name: d[name] for name in FIELD_NAMES}, themes=list(d["themes"]))


class ConsolidatedForm(DebriefForm):
    # The version the text was started from: a save from an older one is refused, not applied.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class InviteForm(forms.Form):
    suggested = forms.ModelMultipleChoiceField(
        label=_("People involved"),
        queryset=Agent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    emails = forms.CharField(
        label=_("Other colleagues"),
        required=False,
        max_length=2000,
        help_text=_("Their e-mail addresses, separated by commas."),
    )

    def __init__(self, *args: Any, suggestions: list[Agent] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["suggested"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Agent.objects.filter(pk__in=[a.pk for a in suggestions or []])
        field.label_from_instance = _agent_label  # type: ignore[method-assign, assignment]

    def clean_emails(self) -> list[Agent]:
        emails = [e.strip().lower() for e in self.cleaned_data["emails"].split(",") if e.strip()]
        found = {a.email.lower(): a for a in Agent.objects.filter(email__in=emails)}
        unknown = [e for e in emails if e not in found]
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "Nobody in the directory has this address: %(emails)s",
                    "Nobody in the directory has these addresses: %(emails)s",
                    len(unknown),
                ),
                params={"emails": ", ".join(unknown)},
            )
        return list(found.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("suggested") and not data.get("emails"):
            raise forms.ValidationError(_("Choose at least one person to invite."))
        return data

    def agents(self) -> list[Agent]:
        return [*self.cleaned_data["suggested"], *self.cleaned_data["emails"]]


def _agent_label(agent: Agent) -> str:
    service = agent.service.name if agent.service_id and agent.service else ""
    return f"{agent} ({service})" if service else str(agent)


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("review", "review"), ("publish", "publish"), ("draft", "draft")]
    )


class RemarkForm(forms.Form):
    body = forms.CharField(
        label=_("Your remark"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What should change in the consolidated text, and why."),
    )


class EditionForm(forms.Form):
    title = forms.CharField(label=_("Title of the guide"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Opens the guide: who it is for, how it was made."),
    )


class ChapterForm(forms.Form):
    intro = forms.CharField(
        label=_("Introduction of the chapter"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The version the introduction was started from: a save from an older one is refused.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class MoveForm(forms.Form):
    """Up or down by one place, or leave out / include an entry."""

    action = forms.ChoiceField(
        choices=[("up", "up"), ("down", "down"), ("leave_out", "leave_out"), ("include", "include")]
    )
