"""The five modules of Riposte, as the navigation and the home page show them."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    slug: str
    name: str | Promise
    axis: str | Promise
    summary: str | Promise


MODULES = [
    Module(
        "initiatives",
        _("Initiatives"),
        _("Axis 2 — Accelerating field initiatives"),
        _(
            "Bring an idea forward, find colleagues who had the same one, get help from the support team."
        ),
    ),
    Module(
        "cooperations",
        _("Cooperations"),
        _("Axis 1 — Emergencies and cooperations"),
        _(
            "Map the cooperations born in emergencies, debrief with their actors, compile a practical guide."
        ),
    ),
    Module(
        "norms",
        _("Norms & authorisations"),
        _("Axis 3 — Debating authorisations"),
        _(
            "Put the authorisations opened in crises up for debate, consultation and dated decisions."
        ),
    ),
    Module(
        "coffee",
        _("Coffee machine"),
        _("Axis 4 — The informal, remotely"),
        _("Random coffees across services and sites, and always-open video coffee rooms."),
    ),
    Module(
        "workshops",
        _("Workshops"),
        _("The workshop format"),
        _("Run a workshop live (notes, votes, roadmap) and turn its roadmap into tracked work."),
    ),
]
