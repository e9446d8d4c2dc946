"""The HTTP API: django-ninja under /api/, session or personal-token auth, OpenAPI at /api/openapi.json."""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from riposte.coffee.api import router as coffee_router
from riposte.cooperations.api import router as cooperations_router
from riposte.cooperations.graph_api import router as cooperations_graph_router
from riposte.directory.api import router as directory_router
from riposte.directory.services import api_token_authenticate
from riposte.initiatives.api import router as initiatives_router
from riposte.norms.api import router as norms_router
from riposte.workshops.api import router as workshops_router
from riposte.workshops.report_api import router as workshops_report_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        agent = api_token_authenticate(token)
        if agent is not None:
            request.user = agent
        return agent


api = NinjaAPI(
    title="Riposte API",
    version="1",
    # The browser session (with CSRF on unsafe methods) for HTMX and the front-end islands.
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)
api.add_router("/", directory_router)
api.add_router("/", initiatives_router)
api.add_router("/", cooperations_router)
api.add_router("/", cooperations_graph_router)
api.add_router("/", norms_router)
api.add_router("/", coffee_router)
api.add_router("/", workshops_router)
api.add_router("/", workshops_report_router)
