"""Request types for views, so that `request.user` is an Agent and `request.htmx` is known to mypy."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from riposte.directory.models import Agent


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AgentRequest(HtmxRequest):
    """A request in a view behind @login_required."""

    user: "Agent"  # type: ignore[assignment]
