"""The graph's filters as a form: one parser for the page, the map, the exports and the API, so
that one query string means the same graph everywhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from riposte.cooperations.graph import GraphFilters
from riposte.cooperations.models import ActorKind, Event
from riposte.initiatives.models import Theme


class GraphFiltersForm(forms.Form):
    event = forms.ModelChoiceField(
        Event.objects.all(), required=False, label=_("Emergency"), empty_label=_("All")
    )
    start = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        required=False,
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.MultipleChoiceField(
        choices=ActorKind.choices,
        required=False,
        label=_("Kinds of actors"),
        widget=forms.CheckboxSelectMultiple,
    )
    theme = forms.ModelMultipleChoiceField(
        Theme.objects.all(), to_field_name="slug", required=False, label=_("Theme")
    )
    unprecedented = forms.BooleanField(
        required=False,
        label=_("Only the cooperations between actors who had never worked together"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes after its start."))
        return data

    def filters(self) -> GraphFilters:
        """The filters that are valid; a wrong one is left out (and the form says why)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        event = data.get("event")
        return GraphFilters(
            event=event.pk if event else None,
            start=data.get("start"),
            end=data.get("end") if "end" not in self.errors else None,
            kinds=tuple(data.get("kind") or ()),
            themes=tuple(t.slug for t in data.get("theme") or ()),
            unprecedented=bool(data.get("unprecedented")),
        )


def filters_from(query: QueryDict) -> tuple[GraphFilters, GraphFiltersForm]:
    form = GraphFiltersForm(query)
    return form.filters(), form
