"""Forms of the actors, emergencies and cooperations pages. They validate input only; the writes
and the rules that span models are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from riposte.cooperations import queries
from riposte.cooperations.models import Actor, ActorKind, ActorStatus, Event
from riposte.cooperations.models.actors import NAME_MAX, TEXT_MAX, EventKind
from riposte.cooperations.services import ActorData, CooperationData, EventData
from riposte.directory.forms import ServiceChoiceField
from riposte.directory.models import Commune, Service
from riposte.initiatives.models import Initiative, Theme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROLE_MAX = 200


class ActorChoiceField(forms.ModelMultipleChoiceField):
    """Actors as the picker lists them: name, kind and commune, and a mark while proposed."""

    def label_from_instance(self, obj: Actor) -> str:  # type: ignore[override]
        bits = [str(obj.get_kind_display())]
        if obj.commune is not None:
            bits.append(obj.commune.name)
        label = f"{obj.name} ({', '.join(bits)})"
        if obj.status == ActorStatus.PROPOSED:
            label += " — " + str(_("proposed, not yet validated"))
        return label


class InitiativeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Initiative) -> str:  # type: ignore[override]
        return obj.title


class CooperationForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=NAME_MAX,
        help_text=_("In a few words, e.g. “Food parcels for families in Bondy”."),
    )
    description = forms.CharField(
        label=_("What was done"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who did what, for whom, how it was organised."),
    )
    actors = ActorChoiceField(
        label=_("Actors involved"),
        queryset=Actor.objects.none(),
        help_text=_(
            "Choose two actors or more. Without the search box: hold Ctrl (or ⌘) to choose several."
        ),
        widget=forms.SelectMultiple(attrs={"data-picker": "actors", "size": 10}),
    )
    started_on = forms.DateField(label=_("Start"), widget=DATE)
    ended_on = forms.DateField(
        label=_("End"), required=False, widget=DATE, help_text=_("Leave empty if it goes on.")
    )
    event = forms.ModelChoiceField(
        label=_("Emergency"),
        queryset=Event.objects.all(),
        required=False,
        empty_label=_("None: outside an emergency"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    initiatives = InitiativeChoiceField(
        label=_("Related initiatives"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"data-picker": "initiatives", "size": 6}),
    )

    def __init__(self, *args: Any, roles: dict[int, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = roles or {}
        actors = self.fields["actors"]
        assert isinstance(actors, forms.ModelMultipleChoiceField)
        actors.queryset = queries.actor_choices()
        initiatives = self.fields["initiatives"]
        assert isinstance(initiatives, forms.ModelMultipleChoiceField)
        initiatives.queryset = Initiative.objects.filter(
            submitted_at__isnull=False, merged_into__isnull=True
        ).only("id", "title")

    def clean_actors(self) -> list[Actor]:
        actors = list(self.cleaned_data["actors"])
        if len(actors) < 2:
            raise forms.ValidationError(_("A cooperation has at least two actors: choose another."))
        return actors

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end comes after the start."))
        if any(len(role) > ROLE_MAX or "\x00" in role for role in self.roles.values()):
            self.add_error(None, _("A role is limited to 200 characters."))
        return data

    def to_data(self) -> CooperationData:
        d = self.cleaned_data
        ids = {a.pk for a in d["actors"]}
        return CooperationData(
            title=d["title"],
            description=d["description"],
            started_on=d["started_on"],
            ended_on=d["ended_on"],
            actors=d["actors"],
            roles={pk: role for pk, role in self.roles.items() if pk in ids},
            event=d["event"],
            themes=list(d["themes"]),
            initiatives=list(d["initiatives"]),
        )


def roles_from(post: Any) -> dict[int, str]:
    """The `role_<actor id>` inputs of the cooperation form."""
    roles = {}
    for key, value in post.items():
        if key.startswith("role_") and key[5:].isdigit():
            roles[int(key[5:])] = value.strip()
    return roles


class QuickActorForm(forms.Form):
    """ "This actor is not in the list": proposed from the cooperation form, which stays as typed."""

    new_actor_name = forms.CharField(label=_("Name of the actor"), max_length=NAME_MAX)
    new_actor_kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(v, label) for v, label in ActorKind.choices if v != ActorKind.SERVICE],
    )
    new_actor_commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.all(),
        required=False,
        empty_label=_("Outside the communes of the département, or unknown"),
    )

    def to_data(self) -> ActorData:
        d = self.cleaned_data
        return ActorData(
            name=d["new_actor_name"], kind=d["new_actor_kind"], commune=d["new_actor_commune"]
        )


class ActorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActorKind.choices)
    service = ServiceChoiceField(
        label=_("Service in the directory"),
        queryset=Service.objects.all(),
        required=False,
        help_text=_("Only for an internal service of the département."),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.all(),
        required=False,
        empty_label=_("Outside the communes of the département, or unknown"),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    siret = forms.CharField(
        label=_("SIRET number"),
        required=False,
        max_length=20,
        help_text=_("14 digits, for an association, a company or a public body. Optional."),
    )
    description = forms.CharField(
        label=_("What it does"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Optional: the map places the actor in its commune otherwise."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=30)
    contact_public = forms.BooleanField(
        label=_("The contact person agreed to the publication of these details"),
        required=False,
        help_text=_("Otherwise only the support team sees them (personal data: the GDPR applies)."),
    )
    same_name_ok = forms.BooleanField(
        label=_("I checked: it is another organisation with the same name"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, service = data.get("kind"), data.get("service")
        if kind == ActorKind.SERVICE and service is None:
            self.add_error("service", _("Choose the service in the directory."))
        if kind and kind != ActorKind.SERVICE and service is not None:
            self.add_error("service", _("Only an internal service is linked to the directory."))
        return data

    def to_data(self) -> ActorData:
        d = self.cleaned_data
        return ActorData(
            name=d["name"],
            kind=d["kind"],
            service=d["service"],
            commune=d["commune"],
            latitude=d["latitude"],
            longitude=d["longitude"],
            website=d["website"],
            siret=d["siret"],
            description=d["description"],
            contact_name=d["contact_name"],
            contact_email=d["contact_email"],
            contact_phone=d["contact_phone"],
            contact_public=d["contact_public"],
        )


def actor_initial(actor: Actor) -> dict[str, Any]:
    return {
        name: getattr(actor, name)
        for name in (
            "name", "kind", "service", "commune", "website", "siret", "description", "latitude",
            "longitude", "contact_name", "contact_email", "contact_phone", "contact_public",
        )
    }  # fmt: skip


class EventForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("As agents call it, e.g. “Heatwave of summer 2022”."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(
        label=_("End"), required=False, widget=DATE, help_text=_("Leave empty if it goes on.")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end comes after the start."))
        return data

    def to_data(self) -> EventData:
        return EventData(**self.cleaned_data)


class _TargetField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Actor) -> str:  # type: ignore[override]
        where = f", {obj.commune.name}" if obj.commune else ""
        return f"{obj.name} ({obj.get_kind_display()}{where})"


class MergeForm(forms.Form):
    target = _TargetField(
        label=_("The actor to keep"),
        queryset=Actor.objects.none(),
        help_text=_("The record that stays; this one will lead to it."),
    )

    def __init__(self, *args: Any, source: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = queries.merge_candidates(source).select_related("commune")


class ActorFiltersForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActorKind.choices]
    )
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ActorStatus.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ChoiceField)
        commune.choices = [
            ("", _("All communes")),
            *Commune.objects.values_list("insee_code", "name"),
        ]

    def to_filters(self) -> queries.ActorFilters:
        self.is_valid()  # an unknown value drops that filter only
        data = getattr(self, "cleaned_data", {})
        return queries.ActorFilters(**{k: v for k, v in data.items() if v})


class CooperationFiltersForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    event = forms.TypedChoiceField(label=_("Emergency"), required=False, coerce=int)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    actor = forms.TypedChoiceField(label=_("Actor"), required=False, coerce=int)
    since = forms.DateField(label=_("Under way from"), required=False, widget=DATE)
    until = forms.DateField(label=_("until"), required=False, widget=DATE)
    unprecedented = forms.BooleanField(label=_("First-time cooperations only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[Any]] = {
            "event": [("", _("All emergencies")), *Event.objects.values_list("pk", "name")],
            "theme": [("", _("All themes")), *((t.slug, str(t)) for t in Theme.objects.all())],
            # Only the actors that took part in something: the others would list nothing.
            "actor": [
                ("", _("All actors")),
                *Actor.objects.filter(merged_into__isnull=True, participations__isnull=False)
                .distinct()
                .order_by("name_key")
                .values_list("pk", "name"),
            ],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values

    def to_filters(self) -> queries.CooperationFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return queries.CooperationFilters(
            **{k: v for k, v in data.items() if v not in (None, "", False)}
        )
