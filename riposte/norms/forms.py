"""Forms of the register and debate pages. They validate input only; the writes and their rules
are in services.py (and moderation.py)."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from riposte.cooperations.models import Event
from riposte.directory.forms import ServiceMultipleChoiceField
from riposte.directory.models import Role, Service, Site
from riposte.directory.queries import service_options
from riposte.norms.models import NormKind, NormStatus
from riposte.norms.models.debate import ARGUMENT_BODY_MAX, ARGUMENT_TITLE_MAX
from riposte.norms.models.register import TEXT_MAX, TITLE_MAX
from riposte.norms.queries import DUE_SOON_DAYS, NormFilters
from riposte.norms.services import PROPOSABLE, NormData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_MAX = 300
# A reply is a comment: core.comments checks the same limit.
REPLY_MAX = 10_000
TESTIMONY_MAX = 5000


class NormForm(forms.Form):
    """Proposing a norm (`proposing=True`: with its starting status) or editing one (with the
    version the form was opened on, so that a stale save is refused and nothing overwritten)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("In a few words, e.g. “Signing purchase orders under €1,500 alone”."),
    )
    text = forms.CharField(
        label=_("What it allows, in plain words"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who may do what, in which case, and what it replaces."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=NormKind.choices)
    status = forms.ChoiceField(
        label=_("Where it stands"),
        choices=[(s.value, s.label) for s in PROPOSABLE],
        initial=NormStatus.DEBATE,
        widget=forms.RadioSelect,
        help_text=_(
            "Temporary: it was granted and is in use until its sunset date. Under debate: it is "
            "wished for, or its future is to be discussed."
        ),
    )
    origin_event = forms.ModelChoiceField(
        label=_("Emergency"),
        queryset=Event.objects.all(),
        required=False,
        empty_label=_("None: outside an emergency"),
    )
    origin = forms.CharField(
        label=_("Decision or note that opened it"),
        max_length=300,
        required=False,
        help_text=_("E.g. “Note of the director general of 17 March 2020”."),
    )
    origin_date = forms.DateField(label=_("Opened on"), required=False, widget=DATE)
    granted_by = forms.CharField(label=_("Granted by"), max_length=200, required=False)
    services = ServiceMultipleChoiceField(
        label=_("Services concerned"),
        queryset=Service.objects.none(),
        required=False,
        help_text=_("None chosen: every service. Hold Ctrl (or ⌘) to choose several."),
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites concerned"),
        queryset=Site.objects.none(),
        required=False,
        help_text=_("None chosen: every site."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles concerned"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every agent."),
    )
    review_on = forms.DateField(label=_("Review date"), required=False, widget=DATE)
    sunset_on = forms.DateField(
        label=_("Sunset date"),
        required=False,
        widget=DATE,
        help_text=_("For a temporary authorisation: the day it lapses unless a decision keeps it."),
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=NOTE_MAX,
        required=False,
        help_text=_("A line for the history of versions, e.g. “clarified the threshold”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # The initiative the norm is proposed from (linked both ways).
    initiative = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, proposing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = self.fields["services"]
        assert isinstance(services, forms.ModelMultipleChoiceField)
        services.queryset = Service.objects.all()
        sites = self.fields["sites"]
        assert isinstance(sites, forms.ModelMultipleChoiceField)
        sites.queryset = Site.objects.all()
        if proposing:
            del self.fields["version"], self.fields["note"]
        else:
            del self.fields["status"], self.fields["initiative"]
            self.fields["version"].required = True

    def to_data(self) -> NormData:
        d = self.cleaned_data
        event = d.get("origin_event")
        return NormData(
            title=d["title"],
            text=d["text"],
            kind=d["kind"],
            origin=d["origin"],
            origin_event_id=event.pk if event is not None else None,
            origin_date=d["origin_date"],
            granted_by=d["granted_by"],
            services=list(d["services"]),
            sites=list(d["sites"]),
            roles=list(d["roles"]),
            review_on=d["review_on"],
            sunset_on=d["sunset_on"],
        )


def _options(bound: forms.BoundField) -> SafeString:
    """A select's options written out: Django's widget renders each option through a template,
    which costs more than the list itself with 200 services (see initiatives.forms)."""
    field = bound.field
    assert isinstance(field, forms.ChoiceField)
    current = str(bound.value() or "")
    options = []
    for value, label in field.choices:  # type: ignore[misc, union-attr]  # normalised
        selected = " selected" if str(value) == current else ""
        options.append(
            f'<option value="{escape(str(value))}"{selected}>{escape(str(label))}</option>'
        )
    # Every value and label is escaped just above.
    return mark_safe("".join(options))  # noqa: S308


class NormFiltersForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *NormStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *NormKind.choices]
    )
    service = forms.ChoiceField(label=_("Service"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("recent", _("Most recently changed")),
            ("due", _("Next review or sunset")),
            ("title", _("Title")),
        ],
    )
    due = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language (a lazy string formatted at import is not).
        self.fields["due"].label = _("Review or sunset due within %(days)s days") % {
            "days": DUE_SOON_DAYS
        }
        service = self.fields["service"]
        assert isinstance(service, forms.ChoiceField)
        service.choices = [
            ("", _("All services")),
            *service_options(),
        ]

    def selects(self) -> list[tuple[forms.BoundField, SafeString]]:
        return [
            (self[name], _options(self[name])) for name in ("status", "kind", "service", "sort")
        ]

    def to_filters(self) -> NormFilters:
        self.is_valid()  # an unknown value drops that filter only
        d = getattr(self, "cleaned_data", {})
        return NormFilters(
            q=d.get("q") or "",
            status=d.get("status") or "",
            kind=d.get("kind") or "",
            service=d.get("service") or "",
            due_within_days=DUE_SOON_DAYS if d.get("due") else None,
            sort=d.get("sort") or "recent",
        )


class TestimonyForm(forms.Form):
    made_possible = forms.CharField(
        label=_("What it made possible"),
        max_length=TESTIMONY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    went_wrong = forms.CharField(
        label=_("What went wrong (if anything)"),
        max_length=TESTIMONY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ArgumentForm(forms.Form):
    """One per side on the page: its prefix is the side, so that the two forms' ids differ, and
    the side itself is posted beside it (`side`)."""

    title = forms.CharField(label=_("The argument in one line"), max_length=ARGUMENT_TITLE_MAX)
    body = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=ARGUMENT_BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why hide it"), max_length=300)


_NUMBER = re.compile(r"(\d+)/?$")


def _number(value: str) -> int | None:
    """ "12", "#12" or the page's address ".../initiatives/12/": the number at the end."""
    text = value.strip().lstrip("#").split("?")[0].split("#")[0]
    match = _NUMBER.search(text)
    return int(match.group(1)) if match else None


class LinkForm(forms.Form):
    """ "This initiative (or cooperation) relied on it": by its number or its page's address."""

    initiative = forms.CharField(
        label=_("An initiative"),
        required=False,
        max_length=300,
        help_text=_("Its number or the address of its page, e.g. /initiatives/12/"),
    )
    cooperation = forms.CharField(
        label=_("A cooperation"),
        required=False,
        max_length=300,
        help_text=_("Its number or the address of its page, e.g. /cooperations/7/"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = False
        for name in ("initiative", "cooperation"):
            raw = data.get(name) or ""
            if not raw.strip():
                data[name] = None
                continue
            number = _number(raw)
            if number is None:
                self.add_error(name, _("Give its number or the address of its page."))
            data[name] = number
            found = True
        if not found:
            raise forms.ValidationError(_("Give an initiative or a cooperation."))
        return data
