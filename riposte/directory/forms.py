from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from riposte.directory.models import EmailFrequency, SupportProfile
from riposte.directory.queries import services_by_name


class _ServicesByName(ModelChoiceIterator):
    """A service field's options in services_by_name's order, whatever the database's collation."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for service in services_by_name(self.queryset):
            yield self.choice(service)


class ServiceChoiceField(forms.ModelChoiceField):
    iterator = _ServicesByName


class ServiceMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _ServicesByName


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.Form):
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas, e.g. urban planning, spreadsheets, Arabic"),
    )
    support_profiles = forms.MultipleChoiceField(
        label=_("I can help others with (support team)"),
        choices=SupportProfile.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email_frequency = forms.ChoiceField(
        label=_("E-mail notifications"), choices=EmailFrequency.choices
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean_skills(self) -> list[str]:
        skills = [s.strip() for s in self.cleaned_data["skills"].split(",") if s.strip()]
        if any(len(s) > 100 for s in skills):
            raise forms.ValidationError(_("A skill is limited to 100 characters."))
        return skills


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What will use it, e.g. 'my script'")
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, comma or semicolon separated"))
    dry_run = forms.BooleanField(
        label=_("Dry run: check only, write nothing"), required=False, initial=True
    )
