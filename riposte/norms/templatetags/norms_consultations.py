"""What the norm's page includes of consultations and decisions (norms/_consultation.html and
norms/_decision_panel.html) computes its own data: the page's view only hands over the norm, the
consultation and the request."""

from __future__ import annotations

from typing import Any

from django import template

from riposte.norms import consultation_views

register = template.Library()


@register.simple_tag(takes_context=True)
def consultation_panel(context: template.Context) -> dict[str, Any]:
    return consultation_views.consultation_panel(
        context["request"],
        context["norm"],
        context.get("consultation"),
        # A vote or an answer just refused (consultation_views._norm_page).
        context.get("consultation_refusal"),
    )


@register.simple_tag(takes_context=True)
def decision_panel(context: template.Context) -> dict[str, Any]:
    return consultation_views.decision_panel(context["request"], context["norm"])
