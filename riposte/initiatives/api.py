"""Initiatives over HTTP: the same services and rules as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from riposte.directory.models import Agent, Commune, Service
from riposte.initiatives import queries, rules, services, similarity
from riposte.initiatives.models import TEXT_MAX, TITLE_MAX, Initiative, Theme

router = Router(tags=["initiatives"])


class InitiativeOut(Schema):
    id: int
    title: str
    problem: str
    idea: str
    beneficiaries: str
    tried: str
    stage: str
    draft: bool = Field(..., alias="is_draft")
    author_id: int
    submitted_at: datetime | None
    merged_into_id: int | None
    whole_department: bool
    needs_time: bool
    needs_budget: bool
    needs_authorisation: bool
    themes: list[str]
    communes: list[str]
    support_count: int
    url: str = Field(..., alias="get_absolute_url")

    @staticmethod
    def resolve_themes(obj: Initiative) -> list[str]:
        return [t.slug for t in obj.themes.all()]

    @staticmethod
    def resolve_communes(obj: Initiative) -> list[str]:
        return [c.insee_code for c in obj.communes.all()]

    @staticmethod
    def resolve_support_count(obj: Initiative) -> int:
        # Annotated by the list (one query for the page), counted for a single initiative.
        annotated = getattr(obj, "n_supports", None)
        return annotated if annotated is not None else obj.supports.count()


class InitiativeIn(Schema):
    @field_validator("*")
    @classmethod
    def no_nul(cls, value: object) -> object:
        # PostgreSQL refuses NUL in text: say so rather than fail with a 500.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("a NUL character is not allowed")
        return value

    title: str = Field(..., max_length=TITLE_MAX)
    problem: str = Field("", max_length=TEXT_MAX)
    idea: str = Field("", max_length=TEXT_MAX)
    beneficiaries: str = Field("", max_length=TEXT_MAX)
    tried: str = Field("", max_length=TEXT_MAX)
    themes: list[str] = Field([], max_length=20)
    communes: list[str] = Field([], description="INSEE codes", max_length=100)
    services: list[str] = Field([], description="service codes", max_length=50)
    whole_department: bool = False
    coauthors: list[str] = Field([], description="e-mail addresses", max_length=30)
    needs_time: bool = False
    needs_budget: bool = False
    budget_estimate: int | None = Field(None, ge=0)
    needs_partners: str = Field("", max_length=TEXT_MAX)
    needs_authorisation: bool = False
    authorisation: str = Field("", max_length=TEXT_MAX)
    help_profiles: list[str] = Field([], max_length=6)
    draft: bool = False


class SimilarOut(Schema):
    id: int
    title: str
    score: float


class MoveIn(Schema):
    to_stage: str
    reason: str = Field(..., max_length=TEXT_MAX)


class SupportOut(Schema):
    supported: bool
    support_count: int


def _agent(request: HttpRequest) -> Agent:
    return request.user  # type: ignore[return-value]


def _visible(request: HttpRequest, pk: int) -> Initiative:
    initiative = Initiative.objects.filter(pk=pk).first()
    if initiative is None or not rules.can_view(_agent(request), initiative):
        raise Http404
    return initiative


def _errors(exc: ValidationError) -> HttpError:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in detail.items()))


def _to_data(payload: InitiativeIn) -> services.InitiativeData:
    unknown: dict[str, list[str]] = {}
    themes = list(Theme.objects.filter(slug__in=payload.themes))
    communes = list(Commune.objects.filter(insee_code__in=payload.communes))
    service_list = list(Service.objects.filter(code__in=payload.services))
    coauthors = list(Agent.objects.filter(email__in=[e.lower() for e in payload.coauthors]))
    for name, given, found in (
        ("themes", payload.themes, {t.slug for t in themes}),
        ("communes", payload.communes, {c.insee_code for c in communes}),
        ("services", payload.services, {s.code for s in service_list}),
        ("coauthors", [e.lower() for e in payload.coauthors], {a.email.lower() for a in coauthors}),
    ):
        missing = [g for g in given if g not in found]
        if missing:
            unknown[name] = [f"unknown: {', '.join(missing)}"]
    if unknown:
        raise ValidationError(unknown)
    return services.InitiativeData(
        title=payload.title, problem=payload.problem, idea=payload.idea,
        beneficiaries=payload.beneficiaries, tried=payload.tried,
        needs_time=payload.needs_time, needs_budget=payload.needs_budget,
        budget_estimate=payload.budget_estimate, needs_partners=payload.needs_partners,
        needs_authorisation=payload.needs_authorisation, authorisation=payload.authorisation,
        whole_department=payload.whole_department, coauthors=coauthors, services=service_list,
        communes=communes, themes=themes, help_profiles=payload.help_profiles,
    )  # fmt: skip


@router.get(
    "/initiatives/similar", response=list[SimilarOut], summary="Initiatives like a text, best first"
)
def similar(request: HttpRequest, text: str, limit: int = 5) -> list[similarity.Match]:
    if "\x00" in text:
        raise HttpError(422, "A NUL character is not allowed in the text.")
    return similarity.similar_to_text(text[:2000], limit=max(1, min(limit, 20)))


@router.get(
    "/initiatives", response=list[InitiativeOut], summary="The list, with the page's filters"
)
def initiative_list(
    request: HttpRequest,
    q: str = "",
    stage: str = "",
    theme: str = "",
    service: str = "",
    commune: str = "",
    need: str = "",
    mine: bool = False,
    followed: bool = False,
    sort: str = "recent",
    limit: int = 20,
    offset: int = 0,
) -> list[Initiative]:
    filters = queries.Filters(
        stage=stage, theme=theme[:100], service=service[:30], commune=commune[:5], need=need,
        mine=mine, followed=followed, q=q[:200], sort=sort,
    )  # fmt: skip
    if "\x00" in "".join((stage, theme, service, commune, need, q, sort)):
        raise HttpError(422, "A NUL character is not allowed in a parameter.")
    limit, offset = max(1, min(limit, 100)), max(0, min(offset, 100_000))
    qs = (
        queries.initiatives_list(_agent(request), filters)
        .defer("embedding")
        .prefetch_related("communes")
        .annotate(n_supports=Count("supports", distinct=True))
    )
    return list(qs[offset : offset + limit])


@router.post(
    "/initiatives", response={201: InitiativeOut}, summary="Submit an initiative (or a draft)"
)
def initiative_create(request: HttpRequest, payload: InitiativeIn) -> tuple[int, Initiative]:
    try:
        initiative = services.initiative_create(
            author=_agent(request), data=_to_data(payload), submit=not payload.draft
        )
    except ValidationError as exc:
        raise _errors(exc) from exc
    return 201, initiative


@router.get("/initiatives/{pk}", response=InitiativeOut, summary="One initiative")
def initiative_detail(request: HttpRequest, pk: int) -> Initiative:
    return _visible(request, pk)


@router.post(
    "/initiatives/{pk}/stage",
    response=InitiativeOut,
    summary="Move to another stage (facilitators)",
)
def initiative_move(request: HttpRequest, pk: int, payload: MoveIn) -> Initiative:
    initiative = _visible(request, pk)
    try:
        services.initiative_move(
            initiative=initiative,
            by=_agent(request),
            to_stage=payload.to_stage,
            reason=payload.reason,
        )
    except PermissionDenied as exc:
        raise HttpError(403, "Only a facilitator moves an initiative.") from exc
    except ValidationError as exc:
        raise _errors(exc) from exc
    return Initiative.objects.get(pk=pk)


@router.post(
    "/initiatives/{pk}/support", response=SupportOut, summary="Support, or take the support back"
)
def initiative_support(request: HttpRequest, pk: int) -> dict[str, object]:
    initiative = _visible(request, pk)
    try:
        supported = services.support_toggle(initiative=initiative, agent=_agent(request))
    except PermissionDenied as exc:
        raise HttpError(403, "A draft cannot be supported.") from exc
    except ValidationError as exc:
        raise _errors(exc) from exc
    return {"supported": supported, "support_count": initiative.supports.count()}
