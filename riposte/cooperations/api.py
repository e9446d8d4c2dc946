"""The cooperations API: actors and cooperations, with the same services and rules as the pages.
The graph has its own router (graph_api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from riposte.cooperations import queries, rules, services
from riposte.cooperations.models import Actor, ActorKind, Cooperation, Event
from riposte.cooperations.models.actors import NAME_MAX, TEXT_MAX
from riposte.directory.models import Agent, Commune, Service
from riposte.initiatives.models import Initiative, Theme

router = Router(tags=["cooperations"])

MAX_LIMIT = 100


class ContactOut(Schema):
    name: str
    email: str
    phone: str
    public: bool


class ActorOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    service: str | None = Field(None, description="service code in the directory")
    commune: str | None = Field(None, description="INSEE code")
    latitude: float | None
    longitude: float | None
    website: str
    siret: str
    description: str
    merged_into: int | None
    # Null unless the person agreed to publish it, or the caller is a facilitator (GDPR).
    contact: ContactOut | None
    url: str


class ActorRef(Schema):
    id: int
    name: str
    kind: str
    role: str


class CooperationOut(Schema):
    id: int
    title: str
    description: str
    started_on: dt.date
    ended_on: dt.date | None
    event: int | None
    event_name: str | None
    status: str
    unprecedented: bool = Field(
        ..., description="at least two of its actors cooperated for the first time"
    )
    actors: list[ActorRef]
    new_pairs: list[list[int]] = Field(
        ..., description="the pairs of actors who worked together for the first time"
    )
    themes: list[str]
    initiatives: list[int]
    url: str


class _NoNul(Schema):
    @field_validator("*")
    @classmethod
    def no_nul(cls, value: object) -> object:
        # PostgreSQL refuses NUL in text: say so rather than fail with a 500.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("a NUL character is not allowed")
        return value


class ActorIn(_NoNul):
    name: str = Field(..., max_length=NAME_MAX)
    kind: str = Field(..., description=", ".join(ActorKind.values))
    service: str = Field("", description="service code, for kind=service", max_length=30)
    commune: str = Field("", description="INSEE code", max_length=5)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    website: str = Field("", max_length=200)
    siret: str = Field("", max_length=20)
    description: str = Field("", max_length=TEXT_MAX)
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=30)
    contact_public: bool = False
    same_name_ok: bool = Field(
        False, description="true: another organisation with the name of a known actor"
    )


class CooperationIn(_NoNul):
    title: str = Field(..., max_length=NAME_MAX)
    description: str = Field(..., max_length=TEXT_MAX)
    actors: list[int] = Field(..., description="actor ids, two or more", max_length=50)
    roles: dict[int, str] = Field({}, description="actor id -> role played (optional)")
    started_on: dt.date
    ended_on: dt.date | None = None
    event: int | None = Field(None, description="emergency id")
    themes: list[str] = Field([], description="theme slugs", max_length=20)
    initiatives: list[int] = Field([], description="initiative ids", max_length=50)

    @field_validator("roles")
    @classmethod
    def short_roles(cls, roles: dict[int, str]) -> dict[int, str]:
        if any(len(r) > 200 or "\x00" in r for r in roles.values()):
            raise ValueError("a role is at most 200 characters, without NUL")
        return roles


def _agent(request: HttpRequest) -> Agent:
    return request.user  # type: ignore[return-value]


def _errors(exc: ValidationError) -> HttpError:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in detail.items()))


def _nul_check(*values: str) -> None:
    if any("\x00" in v for v in values):
        raise HttpError(422, "A NUL character is not allowed in a parameter.")


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, min(offset, 100_000))


def _actor_out(actor: Actor, agent: Agent) -> dict[str, Any]:
    contact = None
    if rules.can_see_contact(agent, actor) and (
        actor.contact_name or actor.contact_email or actor.contact_phone
    ):
        contact = {
            "name": actor.contact_name,
            "email": actor.contact_email,
            "phone": actor.contact_phone,
            "public": actor.contact_public,
        }
    return {
        "id": actor.pk, "name": actor.name, "kind": actor.kind, "status": actor.status,
        "service": actor.service.code if actor.service else None,
        "commune": actor.commune.insee_code if actor.commune else None,
        "latitude": actor.latitude, "longitude": actor.longitude, "website": actor.website,
        "siret": actor.siret, "description": actor.description,
        "merged_into": actor.merged_into_id, "contact": contact,
        "url": actor.get_absolute_url(),
    }  # fmt: skip


def _cooperation_out(cooperation: Cooperation, *, pairs: bool = False) -> dict[str, Any]:
    participations = cooperation.participations.select_related("actor")
    return {
        "id": cooperation.pk, "title": cooperation.title,
        "description": cooperation.description, "started_on": cooperation.started_on,
        "ended_on": cooperation.ended_on, "event": cooperation.event_id,
        "event_name": cooperation.event.name if cooperation.event else None,
        "status": cooperation.status, "unprecedented": cooperation.is_unprecedented,
        "actors": [
            {"id": p.actor_id, "name": p.actor.name, "kind": p.actor.kind, "role": p.role}
            for p in participations
        ],
        "new_pairs": [
            [a.pk, b.pk] for a, b in services.new_pairs(cooperation)
        ] if pairs and cooperation.is_unprecedented else [],
        "themes": [t.slug for t in cooperation.themes.all()],
        "initiatives": [i.pk for i in cooperation.initiatives.all()],
        "url": cooperation.get_absolute_url(),
    }  # fmt: skip


@router.get("/actors", response=list[ActorOut], summary="Actors, with the page's filters")
def actor_list(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    commune: str = "",
    status: str = "",
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    _nul_check(q, kind, commune, status)
    filters = queries.ActorFilters(q=q[:200], kind=kind[:30], commune=commune[:5], status=status)
    limit, offset = _page(limit, offset)
    actors = queries.actors_list(filters).select_related("service")[offset : offset + limit]
    return [_actor_out(a, _agent(request)) for a in actors]


@router.get(
    "/actors/{int:pk}", response=ActorOut, summary="One actor (a merged one says where it went)"
)
def actor_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = Actor.objects.select_related("service", "commune").filter(pk=pk).first()
    if actor is None:
        raise Http404
    return _actor_out(actor, _agent(request))


@router.post(
    "/actors",
    response={201: ActorOut},
    summary="Propose an actor (validated at once when a facilitator proposes it)",
)
def actor_create(request: HttpRequest, payload: ActorIn) -> tuple[int, dict[str, Any]]:
    unknown: dict[str, list[str]] = {}
    if payload.kind not in ActorKind.values:
        unknown["kind"] = [f"unknown: {payload.kind}"]
    service = Service.objects.filter(code=payload.service).first() if payload.service else None
    if payload.service and service is None:
        unknown["service"] = [f"unknown: {payload.service}"]
    commune = (
        Commune.objects.filter(insee_code=payload.commune).first() if payload.commune else None
    )
    if payload.commune and commune is None:
        unknown["commune"] = [f"unknown: {payload.commune}"]
    if unknown:
        raise _errors(ValidationError(unknown))
    data = services.ActorData(
        name=payload.name, kind=payload.kind, service=service, commune=commune,
        latitude=payload.latitude, longitude=payload.longitude, website=payload.website,
        siret=payload.siret, description=payload.description,
        contact_name=payload.contact_name, contact_email=payload.contact_email,
        contact_phone=payload.contact_phone, contact_public=payload.contact_public,
    )  # fmt: skip
    try:
        actor = services.actor_propose(
            by=_agent(request), data=data, allow_same_name=payload.same_name_ok
        )
    except ValidationError as exc:
        raise _errors(exc) from exc
    return 201, _actor_out(actor, _agent(request))


@router.get(
    "/cooperations", response=list[CooperationOut], summary="Cooperations, with the page's filters"
)
def cooperation_list(
    request: HttpRequest,
    q: str = "",
    event: int | None = None,
    theme: str = "",
    actor: int | None = None,
    unprecedented: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    _nul_check(q, theme)
    filters = queries.CooperationFilters(
        q=q[:200], event=event, theme=theme[:100], actor=actor, unprecedented=unprecedented,
        since=since, until=until,
    )  # fmt: skip
    limit, offset = _page(limit, offset)
    page = queries.cooperations_list(filters).prefetch_related("themes", "initiatives")
    return [_cooperation_out(c) for c in page[offset : offset + limit]]


@router.get(
    "/cooperations/{int:pk}",
    response=CooperationOut,
    summary="One cooperation, with the pairs of actors who worked together for the first time",
)
def cooperation_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    cooperation = Cooperation.objects.select_related("event").filter(pk=pk).first()
    if cooperation is None or not rules.can_see_cooperation(_agent(request), cooperation):
        raise Http404
    return _cooperation_out(cooperation, pairs=True)


@router.post("/cooperations", response={201: CooperationOut}, summary="Record a cooperation")
def cooperation_create(request: HttpRequest, payload: CooperationIn) -> tuple[int, dict[str, Any]]:
    actors = list(Actor.objects.filter(pk__in=payload.actors))
    themes = list(Theme.objects.filter(slug__in=payload.themes))
    initiatives = list(
        Initiative.objects.filter(
            pk__in=payload.initiatives, submitted_at__isnull=False, merged_into__isnull=True
        )
    )
    event = Event.objects.filter(pk=payload.event).first() if payload.event else None
    unknown: dict[str, list[str]] = {}
    for name, given, found in (
        ("actors", payload.actors, {a.pk for a in actors}),
        ("themes", payload.themes, {t.slug for t in themes}),
        ("initiatives", payload.initiatives, {i.pk for i in initiatives}),
    ):
        missing = [str(g) for g in given if g not in found]
        if missing:
            unknown[name] = [f"unknown: {', '.join(missing)}"]
    if payload.event and event is None:
        unknown["event"] = [f"unknown: {payload.event}"]
    if unknown:
        raise _errors(ValidationError(unknown))
    data = services.CooperationData(
        title=payload.title, description=payload.description, started_on=payload.started_on,
        ended_on=payload.ended_on, actors=actors, roles=payload.roles, event=event,
        themes=themes, initiatives=initiatives,
    )  # fmt: skip
    try:
        cooperation = services.cooperation_create(by=_agent(request), data=data)
    except PermissionDenied as exc:  # no rule refuses it today; keep the API's answer right
        raise HttpError(403, "Not allowed.") from exc
    except ValidationError as exc:
        raise _errors(exc) from exc
    return 201, _cooperation_out(cooperation, pairs=True)
