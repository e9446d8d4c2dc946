"""The form a facilitator opens a coffee room with. It validates input only: rooms.room_create
writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from riposte.directory.models import Site


class RoomForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("E.g. “The Bobigny coffee machine”, “Newcomers' break”."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.all(),
        required=False,
        empty_label=_("None: a room by theme"),
    )
    theme = forms.CharField(label=_("Theme"), max_length=120, required=False)
