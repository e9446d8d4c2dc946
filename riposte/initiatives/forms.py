"""Forms of the initiatives pages. They validate input only; writes are in services.py."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from riposte.directory.forms import ServiceMultipleChoiceField
from riposte.directory.models import Agent, Commune, Service, SupportProfile
from riposte.directory.queries import service_options
from riposte.initiatives.models import TEXT_MAX, TITLE_MAX, Stage, Theme
from riposte.initiatives.services import InitiativeData

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _text(
    label: str | _StrPromise, help_text: str | _StrPromise = "", rows: int = 4
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class InitiativeForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("In a few words, e.g. “Calling isolated older people during heatwaves”."),
    )
    problem = _text(_("The problem"), _("What goes wrong today, and for whom?"))
    idea = _text(_("The idea"), _("What do you propose? What would change?"))
    beneficiaries = _text(_("Who benefits"), _("The public, colleagues, partners…"), rows=2)
    tried = _text(
        _("What has been tried"), _("What you already did, even small or failed."), rows=3
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    whole_department = forms.BooleanField(label=_("The whole département"), required=False)
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes concerned"),
        queryset=Commune.objects.all(),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    services = ServiceMultipleChoiceField(
        label=_("Services involved"),
        queryset=Service.objects.all(),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    coauthors = forms.CharField(
        label=_("Co-authors"),
        required=False,
        max_length=2000,
        help_text=_("Their e-mail addresses, separated by commas."),
    )
    needs_time = forms.BooleanField(label=_("Time to work on it"), required=False)
    needs_budget = forms.BooleanField(label=_("A budget"), required=False)
    budget_estimate = forms.IntegerField(
        label=_("Budget estimate (€)"), required=False, min_value=0, max_value=100_000_000
    )
    needs_partners = _text(
        _("Partners needed"), _("An association, another service, a commune…"), rows=2
    )
    needs_authorisation = forms.BooleanField(
        label=_("An authorisation or a derogation"), required=False
    )
    authorisation = _text(
        _("Which authorisation"), _("What you would need to be allowed to do."), rows=2
    )
    help_profiles = forms.MultipleChoiceField(
        label=_("Help from the support team"),
        choices=SupportProfile.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_coauthors(self) -> list[Agent]:
        emails = [e.strip().lower() for e in self.cleaned_data["coauthors"].split(",") if e.strip()]
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
        closed = [e for e in emails if not found[e].is_active]
        if closed:
            raise forms.ValidationError(
                ngettext(
                    "This colleague has left: %(emails)s",
                    "These colleagues have left: %(emails)s",
                    len(closed),
                ),
                params={"emails": ", ".join(closed)},
            )
        return list(found.values())

    def to_data(self) -> InitiativeData:
        d: dict[str, Any] = self.cleaned_data
        return InitiativeData(
            title=d["title"],
            problem=d["problem"],
            idea=d["idea"],
            beneficiaries=d["beneficiaries"],
            tried=d["tried"],
            needs_time=d["needs_time"],
            needs_budget=d["needs_budget"],
            budget_estimate=d["budget_estimate"],
            needs_partners=d["needs_partners"],
            needs_authorisation=d["needs_authorisation"],
            authorisation=d["authorisation"],
            whole_department=d["whole_department"],
            coauthors=d["coauthors"],
            services=list(d["services"]),
            communes=list(d["communes"]),
            themes=list(d["themes"]),
            help_profiles=d.get("help_profiles") or [],
        )


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Why"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The authors and followers read it. For an abandoned initiative: what was learned."
        ),
    )


class ContributeForm(forms.Form):
    skill = forms.CharField(label=_("What I can bring"), max_length=200)
    message = forms.CharField(
        label=_("Message to the authors"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HelpForm(forms.Form):
    profile = forms.ChoiceField(label=_("Help needed"), choices=SupportProfile.choices)
    message = forms.CharField(
        label=_("What help, precisely"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("Initiative to join"), min_value=1)


class ListFiltersForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    need = forms.ChoiceField(
        label=_("Needs"),
        required=False,
        choices=[
            ("", _("Any need")),
            ("time", _("Time")),
            ("budget", _("A budget")),
            ("partners", _("Partners")),
            ("authorisation", _("An authorisation")),
            ("help", _("Help from the support team")),
        ],
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    followed = forms.BooleanField(label=_("Followed"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("recent", _("Most recent")),
            ("oldest", _("Oldest")),
            ("supports", _("Most supported")),
            ("title", _("Title")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "theme": [("", _("All themes")), *((t.slug, str(t)) for t in Theme.objects.all())],
            "service": [
                ("", _("All services")),
                *service_options(),
            ],
            "commune": [
                ("", _("All communes")),
                *Commune.objects.values_list("insee_code", "name"),
            ],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values

    def selects(self) -> list[tuple[forms.BoundField, SafeString]]:
        """Each select field with its options written out. Django's select widget renders every
        option through a template of its own, and a loop of the template language is not much
        cheaper: with 200 services and 39 communes, the filters cost more than the page's results
        (bench/README.md). Plain string joins cost a fraction of a millisecond."""
        rendered = []
        for bound in self:
            field = bound.field
            if not isinstance(field, forms.ChoiceField) or bound.widget_type != "select":
                continue
            current = str(bound.value() or "")
            options = []
            for value, label in field.choices:  # type: ignore[misc, union-attr]  # normalised list
                selected = " selected" if str(value) == current else ""
                options.append(
                    f'<option value="{escape(str(value))}"{selected}>{escape(str(label))}</option>'
                )
            # Every value and label is escaped just above.
            rendered.append((bound, mark_safe("".join(options))))  # noqa: S308
        return rendered
