"""Rows of the access table for the cooperations module's actors, emergencies and cooperations
(see tests/cooperations/access.py), and of the API table for their endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.cooperations.models import Actor, Cooperation, CooperationStatus
from riposte.cooperations.services import ActorData, actor_merge, actor_propose
from tests.access_table import OBJECT, Redirect, Route, logged_in, only
from tests.cooperations.builders import make_cooperation, make_event, make_service_actor

FACILITATORS = ("facilitator", "admin")
AUTHOR_AND_FACILITATORS = ("agent", "facilitator", "admin")


def _association(actors: dict[str, Any], name: str = "Secours populaire de Bondy") -> Actor:
    """An association proposed by the `agent` actor (not validated yet)."""
    return actor_propose(by=actors["agent"], data=ActorData(name=name, kind="association"))


def _cooperation(
    actors: dict[str, Any], *, suggested: bool = False, declined: bool = False
) -> Cooperation:
    """A cooperation recorded by the `agent` actor between a service and an association (or a
    suggestion, or a suggestion turned down)."""
    cooperation = make_cooperation(
        [make_service_actor(), _association(actors)], by=actors["agent"], event=make_event()
    )
    if suggested or declined:
        status = CooperationStatus.DECLINED if declined else CooperationStatus.SUGGESTED
        Cooperation.objects.filter(pk=cooperation.pk).update(status=status, created_by=None)
    actors["made"] = cooperation.get_absolute_url()
    return cooperation


def _cooperation_url(
    name: str, *, suggested: bool = False, declined: bool = False
) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        cooperation = _cooperation(actors, suggested=suggested, declined=declined)
        return reverse(name, args=[cooperation.pk])

    return build


def _actor_url(name: str, *, validated: bool = False) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        actor = (
            actor_propose(by=actors["facilitator"], data=ActorData("Mairie de Bondy", "commune"))
            if validated
            else _association(actors)
        )
        actors["made"] = actor.get_absolute_url()
        return reverse(name, args=[actor.pk])

    return build


def _merged_actor_url(actors: dict[str, Any]) -> str:
    source = _association(actors, "Restos du cœur de Bondy")
    target = _association(actors)
    actor_merge(source=source, target=target, by=actors["facilitator"])
    actors["made"] = target.get_absolute_url()
    return reverse("cooperations:actor", args=[source.pk])


def _merge_url(actors: dict[str, Any]) -> str:
    source = _association(actors, "Secours Populaire - Bondy")
    target = _association(actors, "Épicerie solidaire de Bondy")
    actors["target"] = target.pk
    actors["made"] = target.get_absolute_url()
    return reverse("cooperations:actor-merge", args=[source.pk])


def _distinct_url(actors: dict[str, Any]) -> str:
    """Two records a facilitator may say are two organisations ("not a duplicate")."""
    actor = _association(actors, "Restos du cœur de Bondy")
    other = _association(actors, "Restos du cœur de Pantin")
    actors["other"] = other.pk
    actors["made"] = actor.get_absolute_url()
    return reverse("cooperations:actor-distinct", args=[actor.pk])


def _event_url(actors: dict[str, Any]) -> str:
    return reverse("cooperations:event-edit", args=[make_event().pk])


ROUTES: list[Route] = [
    Route("cooperations:list", "GET", logged_in(200)),
    Route("cooperations:new", "GET", logged_in(200)),
    # An empty form is refused (200, with its errors): what matters is who gets that far.
    Route("cooperations:new", "POST", logged_in(200), data={"title": ""}),
    Route(
        "cooperations:detail", "GET", logged_in(200), path=_cooperation_url("cooperations:detail")
    ),
    # A suggestion is the facilitators' work item until they confirm it.
    Route(
        "cooperations:detail",
        "GET",
        {**logged_in(404), "facilitator": 200, "admin": 200},
        path=_cooperation_url("cooperations:detail", suggested=True),
    ),
    Route(
        "cooperations:edit",
        "GET",
        only(AUTHOR_AND_FACILITATORS, 200),
        path=_cooperation_url("cooperations:edit"),
    ),
    Route(
        "cooperations:confirm",
        "GET",
        only(FACILITATORS, 405),
        path=_cooperation_url("cooperations:confirm", suggested=True),
    ),
    Route(
        "cooperations:confirm",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_cooperation_url("cooperations:confirm", suggested=True),
    ),
    # A suggestion turned down: its page stays for the facilitators (who, when).
    Route(
        "cooperations:detail",
        "GET",
        {**logged_in(404), "facilitator": 200, "admin": 200},
        path=_cooperation_url("cooperations:detail", declined=True),
    ),
    Route(
        "cooperations:decline",
        "GET",
        only(FACILITATORS, 405),
        path=_cooperation_url("cooperations:decline", suggested=True),
    ),
    Route(
        "cooperations:decline",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_cooperation_url("cooperations:decline", suggested=True),
    ),
    # Nothing to delete in a turned-down suggestion: back to its page.
    Route(
        "cooperations:delete",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_cooperation_url("cooperations:delete", declined=True),
    ),
    # GET asks for confirmation, POST deletes.
    Route(
        "cooperations:delete",
        "GET",
        only(FACILITATORS, 200),
        path=_cooperation_url("cooperations:delete"),
    ),
    Route(
        "cooperations:delete",
        "POST",
        only(FACILITATORS, Redirect("/cooperations/")),
        path=_cooperation_url("cooperations:delete"),
    ),
    Route(
        "cooperations:comment",
        "GET",
        logged_in(405),
        path=_cooperation_url("cooperations:comment"),
    ),
    Route(
        "cooperations:comment",
        "POST",
        logged_in(OBJECT),
        path=_cooperation_url("cooperations:comment"),
        data={"body": "Merci pour ce retour !"},
    ),
    Route("cooperations:events", "GET", logged_in(200)),
    Route("cooperations:event-new", "GET", only(FACILITATORS, 200)),
    Route("cooperations:event-new", "POST", only(FACILITATORS, 200), data={"name": ""}),
    Route(
        "cooperations:event-new",
        "POST",
        only(FACILITATORS, Redirect("/cooperations/events/")),
        data={"name": "Canicule de l'été 2019", "kind": "canicule", "starts_on": "2019-06-24"},
    ),
    Route("cooperations:event-edit", "GET", only(FACILITATORS, 200), path=_event_url),
    Route("cooperations:queue", "GET", only(FACILITATORS, 200)),
    Route("cooperations:suggest", "GET", only(FACILITATORS, 405)),
    Route("cooperations:suggest", "POST", only(FACILITATORS, Redirect("/cooperations/queue/"))),
    Route("cooperations:actors", "GET", logged_in(200)),
    Route("cooperations:actor-new", "GET", logged_in(200)),
    Route("cooperations:actor-new", "POST", logged_in(200), data={"name": ""}),
    Route(
        "cooperations:actor-duplicates",
        "GET",
        logged_in(200),
        path=lambda actors: reverse("cooperations:actor-duplicates") + "?name=secours",
    ),
    Route("cooperations:actor", "GET", logged_in(200), path=_actor_url("cooperations:actor")),
    # A merged record leads to the one that was kept.
    Route("cooperations:actor", "GET", logged_in(OBJECT), path=_merged_actor_url),
    # A proposal is its author's to edit until validated; then the facilitators' only.
    Route(
        "cooperations:actor-edit",
        "GET",
        only(AUTHOR_AND_FACILITATORS, 200),
        path=_actor_url("cooperations:actor-edit"),
    ),
    Route(
        "cooperations:actor-edit",
        "GET",
        only(FACILITATORS, 200),
        path=_actor_url("cooperations:actor-edit", validated=True),
    ),
    Route(
        "cooperations:actor-validate",
        "GET",
        only(FACILITATORS, 405),
        path=_actor_url("cooperations:actor-validate"),
    ),
    Route(
        "cooperations:actor-validate",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_actor_url("cooperations:actor-validate"),
    ),
    Route("cooperations:actor-distinct", "GET", only(FACILITATORS, 405), path=_distinct_url),
    Route(
        "cooperations:actor-distinct",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_distinct_url,
        data=lambda actors: {"other": actors["other"]},
    ),
    Route("cooperations:actor-merge", "GET", only(FACILITATORS, 200), path=_merge_url),
    Route(
        "cooperations:actor-merge",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_merge_url,
        data=lambda actors: {"target": actors["target"]},
    ),
]

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
# Who may POST, and what comes back, is in tests/cooperations/test_api.py.
API_ROUTES: dict[str, tuple[str, int, int]] = {
    "cooperation_list": ("/api/cooperations", 200, 401),
    "cooperation_create": ("/api/cooperations", 200, 401),  # GET on it is the list
    "cooperation_detail": ("/api/cooperations/999999", 404, 401),
    "actor_list": ("/api/actors", 200, 401),
    "actor_create": ("/api/actors", 200, 401),
    "actor_detail": ("/api/actors/999999", 404, 401),
}
