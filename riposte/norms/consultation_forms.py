"""Forms of the consultation, vote and decision pages. They validate input only; the rules (dates,
electorate, quorum, who may) are the services' (services.py, ballots.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from riposte.directory.forms import ServiceChoiceField
from riposte.directory.models import Role, Service
from riposte.norms import ballots
from riposte.norms.models import Consultation, Electorate, Method, Norm, Outcome
from riposte.norms.models.consultations import QUESTION_MAX, REASON_MAX
from riposte.norms.models.register import TEXT_MAX
from riposte.norms.services import ConsultationData, DecisionData

# Browsers send "2026-03-17T09:30" from <input type="datetime-local">: read in the site's timezone.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONSULTATION_DAYS = 14


def _datetime_local() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


class ConsultationForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        max_length=QUESTION_MAX,
        strip=False,
        help_text=_("What the agents answer, in one sentence."),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=Method.choices, widget=forms.RadioSelect, initial=Method.VOTE
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"), input_formats=[DATETIME_LOCAL], widget=_datetime_local()
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"), input_formats=[DATETIME_LOCAL], widget=_datetime_local()
    )
    electorate = forms.ChoiceField(
        label=_("Who may vote"),
        choices=Electorate.choices,
        widget=forms.RadioSelect,
        initial=Electorate.ALL,
    )
    service = ServiceChoiceField(
        label=_("Service"),
        queryset=Service.objects.all(),
        required=False,
        help_text=_(
            "With “the agents of a service”: its agents and those of the services under it."
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "—"), *Role.choices],
        required=False,
        help_text=_("With “the agents with a role”."),
    )
    quorum = forms.IntegerField(
        label=_("Quorum"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        help_text=_("The minimum number of voters for the result to count (0: no quorum)."),
    )
    secret = forms.BooleanField(
        label=_("Secret ballot: nobody sees who voted what, results only after the close"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, norm: Norm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lapses_on = norm.lapses_on if norm is not None else None
        if lapses_on is not None:
            # Said before it is refused (services.consultation_open).
            self.fields["closes_at"].help_text = _(
                "This authorisation lapses on %(date)s: the consultation closes the day before "
                "at the latest, so that a decision can keep it."
            ) % {"date": formats.date_format(lapses_on, "DATE_FORMAT")}
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            closes = now + dt.timedelta(days=CONSULTATION_DAYS)
            if lapses_on is not None and closes.date() >= lapses_on:
                # The day before the sunset, at noon: the decision then has its last afternoon.
                noon = dt.datetime.combine(lapses_on - dt.timedelta(days=1), dt.time(12))
                closes = timezone.make_aware(noon)
                if closes <= now:  # that noon has passed: the end of that day
                    closes = closes.replace(hour=23, minute=59)
            self.initial.setdefault("opens_at", now)
            self.initial.setdefault("closes_at", closes)

    def to_data(self) -> ConsultationData:
        d = self.cleaned_data
        return ConsultationData(
            question=d["question"],
            method=d["method"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            electorate=d["electorate"],
            service=d["service"],
            role=d["role"] or "",
            quorum=d["quorum"],
            secret=d["secret"],
        )


class VoteForm(forms.Form):
    """Read by the vote view only to pick the fields out: every rule is ballots.vote_cast's, so the
    API and the page refuse the same votes with the same messages."""

    choice = forms.CharField(required=False, max_length=20)
    # No max_length here: a reason too long is vote_cast's to refuse, with its message, and the
    # typed text comes back (a form limit would drop the field and say "needs a reason").
    reason = forms.CharField(required=False, strip=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to this objection"),
        required=False,
        strip=False,  # no max_length: objection_answer refuses a long one with its message
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why: the agents concerned will read it."),
    )
    new_text = forms.CharField(
        label=_("New text"),
        required=False,
        max_length=TEXT_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Only when the norm is adapted: what it allows from now on."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    next_review_on = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=DATE,
        help_text=_("Required unless the norm is withdrawn. Reminders go out before it."),
    )
    consultation = forms.ModelChoiceField(
        label=_("After the consultation"),
        empty_label=pgettext_lazy("a consultation", "None"),
        queryset=Consultation.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, norm: Norm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The consultations that closed and have not been decided on yet, latest first.
        closed = ballots.undecided(norm.pk).order_by("-closes_at", "-id")
        field = self.fields["consultation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = closed
        field.label_from_instance = _consultation_label  # type: ignore[method-assign, assignment]
        if not self.is_bound:
            self.initial.setdefault("new_text", norm.text)
            self.initial.setdefault("decided_on", timezone.localdate())
            self.initial.setdefault("consultation", closed.first())

    def to_data(self) -> DecisionData:
        d = self.cleaned_data
        return DecisionData(
            outcome=d["outcome"],
            rationale=d["rationale"],
            decided_on=d["decided_on"],
            next_review_on=d["next_review_on"],
            new_text=d["new_text"] or "",
            consultation=d["consultation"],
        )


def _consultation_label(consultation: Consultation) -> str:
    closed = formats.date_format(timezone.localtime(consultation.closes_at), "SHORT_DATE_FORMAT")
    return f"{consultation.question} ({closed})"
