"""The five modules of Riposte, as the navigation and the home page show them."""

import functools
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    slug: str
    name: str | Promise
    axis: str | Promise
    summary: str | Promise
    # A module's own start page once it is built; until then the shared empty state (core.views).
    url_name: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name) if self.url_name else reverse("module", args=[self.slug])


@dataclass(frozen=True)
class ModuleLink:
    """A module as a page shows it: its URL and its texts already in the page's language."""

    slug: str
    url: str
    name: str
    axis: str
    summary: str


MODULES = [
    Module(
        "initiatives",
        _("Initiatives"),
        _("Axis 2 — Accelerating field initiatives"),
        _(
            "Bring an idea forward, find colleagues who had the same one, get help from the support team."
        ),
        url_name="initiatives:list",
    ),
    Module(
        "cooperations",
        _("Cooperations"),
        _("Axis 1 — Emergencies and cooperations"),
        _(
            "Map the cooperations born in emergencies, debrief with their actors, compile a practical guide."
        ),
        url_name="cooperations:list",
    ),
    Module(
        "norms",
        _("Norms & authorisations"),
        _("Axis 3 — Debating authorisations"),
        _(
            "Put the authorisations opened in crises up for debate, consultation and dated decisions."
        ),
        url_name="norms:list",
    ),
    Module(
        "coffee",
        _("Coffee machine"),
        _("Axis 4 — The informal, remotely"),
        _("Random coffees across services and sites, and always-open video coffee rooms."),
        url_name="coffee:home",
    ),
    Module(
        "workshops",
        _("Workshops"),
        _("The workshop format"),
        _("Run a workshop live (notes, votes, roadmap) and turn its roadmap into tracked work."),
        url_name="workshops:list",
    ),
]


def module_links() -> tuple[ModuleLink, ...]:
    """The modules in the current language, for the menu of every page and the home page."""
    return _module_links(translation.get_language(), get_script_prefix())


@functools.cache
def _module_links(language: str, script_prefix: str) -> tuple[ModuleLink, ...]:
    # Built once per language and process: resolved in the template on each page, the URLs and
    # lazy translations were a fifth of the home page's rendering time (bench/README.md).
    with translation.override(language):
        return tuple(
            ModuleLink(m.slug, m.url, str(m.name), str(m.axis), str(m.summary)) for m in MODULES
        )
