from django.http import HttpRequest
from ninja import Field, Router, Schema

from riposte.directory.models import Agent
from riposte.directory.queries import agents_search

router = Router(tags=["directory"])


class ServiceOut(Schema):
    code: str
    name: str
    level: str


class AgentOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    job_title: str
    service: ServiceOut | None
    site: str | None = Field(None, alias="site.name")


class MeOut(AgentOut):
    role: str
    language: str
    support_profiles: list[str]


@router.get("/me", response=MeOut, summary="The agent making the request")
def me(request: HttpRequest) -> dict:
    agent: Agent = request.user  # type: ignore[assignment]
    return {
        **AgentOut.from_orm(agent).dict(),
        "role": agent.role,
        "language": agent.language,
        "support_profiles": list(agent.support_profiles.values_list("profile", flat=True)),
    }


@router.get("/agents", response=list[AgentOut], summary="Search the directory (accents ignored)")
def agents(request: HttpRequest, q: str = "", limit: int = 20, offset: int = 0) -> list[Agent]:
    limit = max(1, min(limit, 100))
    offset = max(0, offset)
    return list(agents_search(q[:200]).select_related("site")[offset : offset + limit])
