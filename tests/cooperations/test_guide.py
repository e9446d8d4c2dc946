"""The practical guide's services (riposte/cooperations/guide.py): compile a draft from the
published debriefs, edit it, publish a frozen and numbered edition, and say what changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from riposte.cooperations.debriefs import (
    debrief_back_to_draft,
    debrief_contribute,
    debrief_edit,
    debrief_publish,
    debrief_submit_for_review,
)
from riposte.cooperations.guide import (
    edition_content,
    guide_chapter_move,
    guide_chapter_update,
    guide_edition_compile,
    guide_edition_discard,
    guide_edition_publish,
    guide_edition_update,
    guide_entry_leave_out,
    guide_entry_move,
    snapshot_changes,
)
from riposte.cooperations.models import (
    EditionStatus,
    Grouping,
    GuideChapter,
    GuideEdition,
    GuideEntry,
)
from riposte.core.models import Notification
from tests.cooperations.builders import make_event
from tests.cooperations.debrief_builders import (
    cooperation,
    data,
    edition,
    published,
    themes,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, the language of the source strings, whatever the
    catalogues say: the services translate them in the active language."""
    with translation.override("en"):
        yield


@pytest.fixture
def lockdown(db):
    return make_event()


@pytest.fixture
def heatwave(db):
    import datetime as dt

    return make_event(
        "Canicule de juillet 2022", kind="canicule", starts_on=dt.date(2022, 7, 12), ends_on=None
    )


@pytest.fixture
def three(facilitator, lockdown, heatwave):
    """Three published debriefs: food aid in the lockdown (two themes), older people in the
    heatwave, and a cooperation outside any declared emergency."""
    import datetime as dt

    food = published(
        facilitator,
        cooperation(facilitator, event=lockdown, title="Colis alimentaires"),
        themes=themes("aide-alimentaire", "solidarite-seniors"),
    )
    calls = published(
        facilitator,
        cooperation(
            facilitator,
            event=heatwave,
            title="Appels aux aînés",
            started_on=dt.date(2022, 7, 13),
            partner="Croix-Rouge de Bobigny",
        ),
        themes=themes("solidarite-seniors"),
        advice="Un fichier partagé avec le CCAS.",
    )
    bikes = published(
        facilitator,
        cooperation(
            facilitator,
            title="Vélos de service partagés",
            started_on=dt.date(2023, 3, 1),
            partner="Vélo Solidaire 93",
        ),
        themes=themes("mobilite"),
    )
    return food, calls, bikes


def _chapters(edition: GuideEdition, grouping: str) -> list[tuple[str, list[str]]]:
    return [
        (c.title, [e.debrief.cooperation.title for e in c.entries.order_by("position", "id")])
        for c in edition.chapters.filter(grouping=grouping).order_by("position")
    ]


# --- compile --------------------------------------------------------------------------------------


def test_compile_groups_by_theme_and_by_emergency(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)

    assert draft.status == EditionStatus.DRAFT and draft.number is None
    assert _chapters(draft, Grouping.THEME) == [
        ("Aide alimentaire", ["Colis alimentaires"]),
        ("Mobilité", ["Vélos de service partagés"]),
        ("Solidarité avec les aînés", ["Colis alimentaires", "Appels aux aînés"]),
    ]
    # Emergencies in the order they happened; outside any emergency last.
    assert _chapters(draft, Grouping.EVENT) == [
        ("Confinement du printemps 2020", ["Colis alimentaires"]),
        ("Canicule de juillet 2022", ["Appels aux aînés"]),
        ("", ["Vélos de service partagés"]),
    ]
    food = three[0]
    entry = GuideEntry.objects.filter(debrief=food).first()
    assert entry.revision == food.published_revision


def test_compile_needs_a_published_debrief(facilitator, agent) -> None:
    with pytest.raises(ValidationError, match="No debrief is published"):
        guide_edition_compile(by=facilitator)
    assert not GuideEdition.objects.exists()


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_compile(role, actors, three) -> None:
    with pytest.raises(PermissionDenied):
        guide_edition_compile(by=actors[role])
    assert not GuideEdition.objects.exists()


def test_one_draft_at_a_time_in_the_database(three, facilitator) -> None:
    guide_edition_compile(by=facilitator)
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideEdition.objects.create(title="Une autre")


def test_compiling_again_keeps_the_editorial_work(three, facilitator, lockdown) -> None:
    draft = guide_edition_compile(by=facilitator)
    seniors = draft.chapters.get(title="Solidarité avec les aînés")
    guide_chapter_move(chapter=seniors, by=facilitator, offset=-2)
    guide_chapter_update(
        chapter=seniors, by=facilitator, intro="Ceux qui vivent seuls d'abord.", version=0
    )
    calls = seniors.entries.get(debrief=three[1])
    guide_entry_move(entry=calls, by=facilitator, offset=-1)
    food_in_seniors = seniors.entries.get(debrief=three[0])
    guide_entry_leave_out(entry=food_in_seniors, by=facilitator, left_out=True)
    # Meanwhile a debrief goes back to draft and another is published.
    debrief_back_to_draft(debrief=three[2], by=facilitator)
    published(
        facilitator,
        cooperation(
            facilitator, event=lockdown, title="Masques cousus", partner="Atelier couture de Pantin"
        ),
    )

    again = guide_edition_compile(by=facilitator)

    assert again.pk == draft.pk
    assert _chapters(again, Grouping.THEME) == [
        ("Solidarité avec les aînés", ["Appels aux aînés", "Colis alimentaires"]),
        ("Aide alimentaire", ["Colis alimentaires", "Masques cousus"]),
    ]
    seniors.refresh_from_db()
    assert seniors.intro == "Ceux qui vivent seuls d'abord."
    assert seniors.entries.get(debrief=three[0]).left_out
    assert ("", ["Vélos de service partagés"]) not in _chapters(again, Grouping.EVENT)


def test_compiling_again_quotes_the_latest_published_revision(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    bikes = debrief_back_to_draft(debrief=three[2], by=facilitator)
    bikes = debrief_edit(
        debrief=bikes, by=facilitator, data=data(advice="Prévoir des antivols."), version=1
    )
    debrief_submit_for_review(debrief=bikes, by=facilitator)
    debrief_publish(debrief=bikes, by=facilitator)

    guide_edition_compile(by=facilitator)

    entry = GuideEntry.objects.get(chapter__edition=draft, debrief=bikes, chapter__grouping="theme")
    assert entry.revision.number == 2
    assert edition_content(draft)["debriefs"][str(bikes.pk)]["fields"]["advice"] == (
        "Prévoir des antivols."
    )


# --- editorial work -------------------------------------------------------------------------------


def test_moving_past_either_end_stays_put(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    first = draft.chapters.filter(grouping=Grouping.THEME).order_by("position").first()
    assert guide_chapter_move(chapter=first, by=facilitator, offset=-1) == (0, 3)
    assert guide_chapter_move(chapter=first, by=facilitator, offset=1) == (1, 3)
    assert guide_chapter_move(chapter=first, by=facilitator, offset=5) == (2, 3)
    positions = list(
        draft.chapters.filter(grouping=Grouping.THEME).values_list("position", flat=True)
    )
    assert sorted(positions) == [0, 1, 2]


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_edit_the_draft(role, actors, three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    chapter = draft.chapters.first()
    entry = GuideEntry.objects.filter(chapter=chapter).first()
    who = actors[role]
    for attempt in (
        lambda: guide_chapter_move(chapter=chapter, by=who, offset=1),
        lambda: guide_chapter_update(chapter=chapter, by=who, intro="Non", version=0),
        lambda: guide_entry_move(entry=entry, by=who, offset=1),
        lambda: guide_entry_leave_out(entry=entry, by=who, left_out=True),
        lambda: guide_edition_update(edition=draft, by=who, title="Non", intro=""),
        lambda: guide_edition_publish(edition=draft, by=who),
        lambda: guide_edition_discard(edition=draft, by=who),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert GuideEdition.objects.get().status == EditionStatus.DRAFT


def test_a_title_is_required_and_texts_are_bounded(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    with pytest.raises(ValidationError) as excinfo:
        guide_edition_update(edition=draft, by=facilitator, title="  ", intro="")
    assert set(excinfo.value.message_dict) == {"title"}
    with pytest.raises(ValidationError):
        guide_chapter_update(
            chapter=draft.chapters.first(), by=facilitator, intro="x" * 5001, version=0
        )
    draft.refresh_from_db()
    assert draft.title == "Guide pratique des coopérations en situation d'urgence"


def test_a_published_edition_can_no_longer_change(three, facilitator) -> None:
    published_edition = edition(facilitator)
    chapter = published_edition.chapters.first()
    with pytest.raises(ValidationError, match="can no longer change"):
        guide_chapter_update(chapter=chapter, by=facilitator, intro="Après coup", version=0)
    with pytest.raises(ValidationError, match="can no longer change"):
        guide_edition_discard(edition=published_edition, by=facilitator)


def test_discarding_the_draft_leaves_the_debriefs(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    guide_edition_discard(edition=draft, by=facilitator)
    assert not GuideEdition.objects.exists() and not GuideChapter.objects.exists()
    assert all(d.__class__.objects.filter(pk=d.pk).exists() for d in three)


# --- publish --------------------------------------------------------------------------------------


def test_publication_numbers_and_freezes_the_edition(three, facilitator, agent) -> None:
    first = edition(facilitator)

    assert (first.number, first.status) == (1, EditionStatus.PUBLISHED)
    snapshot = first.snapshot
    assert snapshot["number"] == 1 and len(snapshot["debriefs"]) == 3
    food = snapshot["debriefs"][str(three[0].pk)]
    assert food["cooperation"]["title"] == "Colis alimentaires"
    assert food["cooperation"]["event"] == "Confinement du printemps 2020"
    assert food["revision"] == 1 and food["cooperation"]["actors"]
    # What happens to the debrief afterwards does not change the published edition.
    debrief_back_to_draft(debrief=three[0], by=facilitator)
    debrief_edit(debrief=three[0], by=facilitator, data=data(advice="Réécrit."), version=1)
    first.refresh_from_db()
    assert edition_content(first) == snapshot
    assert edition_content(first)["debriefs"][str(three[0].pk)]["fields"]["advice"] != "Réécrit."

    second = edition(facilitator)
    assert second.number == 2


def test_the_database_refuses_two_editions_with_one_number(three, facilitator) -> None:
    first = edition(facilitator)
    draft = guide_edition_compile(by=facilitator)
    draft.status, draft.number, draft.snapshot = EditionStatus.PUBLISHED, first.number, {}
    draft.published_at = first.published_at
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_the_database_refuses_a_published_edition_without_snapshot(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    draft.status, draft.number = EditionStatus.PUBLISHED, 1
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_an_edition_where_everything_is_left_out_is_not_published(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    for entry in GuideEntry.objects.filter(chapter__edition=draft):
        guide_entry_leave_out(entry=entry, by=facilitator, left_out=True)
    with pytest.raises(ValidationError, match="Every entry is left out"):
        guide_edition_publish(edition=draft, by=facilitator)
    assert GuideEdition.objects.get().status == EditionStatus.DRAFT


def test_left_out_entries_and_empty_chapters_are_not_in_the_edition(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    mobility = draft.chapters.get(title="Mobilité")
    guide_entry_leave_out(entry=mobility.entries.get(), by=facilitator, left_out=True)
    content = edition_content(guide_edition_publish(edition=draft, by=facilitator))
    titles = [c["title"] for c in content["chapters"]["theme"]]
    assert "Mobilité" not in titles
    # Still in the emergency grouping, where it was not left out.
    assert str(three[2].pk) in content["debriefs"]


def test_changes_since_the_previous_edition(three, facilitator, lockdown) -> None:
    edition(facilitator)
    food, calls, bikes = three
    debrief_back_to_draft(debrief=bikes, by=facilitator)  # removed
    food = debrief_back_to_draft(debrief=food, by=facilitator)  # changed
    debrief_edit(
        debrief=food,
        by=facilitator,
        version=1,
        data=data(advice="Appelez avant.", themes=themes("aide-alimentaire")),
    )
    debrief_submit_for_review(debrief=food, by=facilitator)
    debrief_publish(debrief=food, by=facilitator)
    masks = published(
        facilitator,
        cooperation(facilitator, event=lockdown, title="Masques", partner="Atelier couture"),
    )

    second = edition(facilitator)

    changes = second.changes
    assert changes["previous"] == 1
    assert changes["added"] == [{"debrief": masks.pk, "title": "Masques"}]
    assert changes["removed"] == [{"debrief": bikes.pk, "title": "Vélos de service partagés"}]
    assert changes["changed"] == [
        {"debrief": food.pk, "title": "Colis alimentaires", "fields": ["advice"], "themes": True}
    ]
    assert [c["title"] for c in changes["chapters_removed"]] == ["Mobilité", ""]
    assert calls.pk not in [c["debrief"] for c in changes["changed"]]


def test_changes_of_a_first_edition_are_all_additions(three, facilitator) -> None:
    first = edition(facilitator)
    assert first.changes["previous"] is None
    assert len(first.changes["added"]) == 3 and first.changes["removed"] == []
    assert snapshot_changes(first.snapshot, first.snapshot)["changed"] == []


def test_a_new_draft_starts_from_the_previous_editions_order(three, facilitator) -> None:
    draft = guide_edition_compile(by=facilitator)
    seniors = draft.chapters.get(title="Solidarité avec les aînés")
    guide_chapter_move(chapter=seniors, by=facilitator, offset=-2)
    guide_chapter_update(chapter=seniors, by=facilitator, intro="D'abord les aînés.", version=0)
    guide_edition_update(edition=draft, by=facilitator, title="Le guide 93", intro="Pour vous.")
    guide_edition_publish(edition=draft, by=facilitator)

    second = guide_edition_compile(by=facilitator)

    assert (second.title, second.intro) == ("Le guide 93", "Pour vous.")
    first_chapter = second.chapters.filter(grouping=Grouping.THEME).order_by("position").first()
    assert (first_chapter.title, first_chapter.intro) == (
        "Solidarité avec les aînés",
        "D'abord les aînés.",
    )


def test_contributors_hear_of_the_edition_with_their_debrief(facilitator, agent, lockdown) -> None:
    food = published(facilitator, cooperation(facilitator, event=lockdown), invite=[agent])
    # A contribution after publication is refused; this one is made before.
    assert food.contributions.count() == 0
    debrief_back_to_draft(debrief=food, by=facilitator)
    debrief_contribute(debrief=food, author=agent, data=data())
    debrief_submit_for_review(debrief=food, by=facilitator)
    debrief_publish(debrief=food, by=facilitator)

    edition(facilitator)

    assert Notification.objects.filter(recipient=agent, url="/cooperations/guide/1/").exists()
