"""The similar-initiatives search on the labelled French set: paraphrases found, duplicate first.

The set is hand-written (tests/initiatives/data/similarity_set.json): 80 initiatives in 16 themes
of five near-misses, and 80 queries that say the same thing as one of them in other words. The
figures are in bench/README.md (bench/similarity.py).
"""

from pathlib import Path

import pytest
from django.utils import timezone

from riposte.core.text import fold
from riposte.initiatives import similarity
from riposte.initiatives.models import Initiative
from riposte.initiatives.services import (
    InitiativeData,
    initiative_create,
    initiative_merge,
    initiative_update,
)
from riposte.initiatives.similarity_eval import evaluate, load, store_corpus

SET = Path(__file__).parent / "data" / "similarity_set.json"


@pytest.fixture
def labelled(db, agent):
    data = load(SET)
    return data, store_corpus(data["corpus"], agent)


def test_the_set_is_what_it_says():
    data = load(SET)
    keys = [c["key"] for c in data["corpus"]]
    assert len(keys) == len(set(keys)) == 80
    assert sorted(q["duplicate"] for q in data["queries"]) == sorted(keys)


def test_precision_and_recall_on_the_labelled_set(labelled):
    data, ids = labelled
    result = evaluate(data, ids)
    assert result.queries == 80
    assert result.precision_at_1 >= 0.85, result.misses
    assert result.recall_at_5 >= 0.95, result.misses


def test_word_overlap_alone_would_not_do(labelled):
    """Guards the set: ranking by shared words misses many duplicates, so the bar above measures
    the meaning, not the vocabulary."""
    data, _ids = labelled
    corpus = data["corpus"]

    def words(text: str) -> set[str]:
        return {w for w in similarity_words(text) if len(w) > 3}

    first = 0
    for query in data["queries"]:
        q = words(query["title"] + " " + query["problem"])
        scores = [len(q & words(c["title"] + " " + c["problem"] + " " + c["idea"])) for c in corpus]
        first += corpus[scores.index(max(scores))]["key"] == query["duplicate"]
    assert first / len(data["queries"]) < 0.75


def similarity_words(text: str) -> list[str]:
    return fold(text).replace("'", " ").replace(",", " ").replace(".", " ").split()


def test_results_are_best_first_and_leave_out_what_is_no_longer_open(labelled, agent):
    data, _ids = labelled
    query = data["queries"][0]
    matches = similarity.similar_to_text(query["title"] + " " + query["problem"], limit=5)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True) and len(matches) == 5
    best = matches[0].id
    Initiative.objects.filter(pk=best).update(submitted_at=None, indexed_at=timezone.now())
    again = similarity.similar_to_text(query["title"] + " " + query["problem"], limit=5)
    assert best not in [m.id for m in again]


def _submit(agent, title: str, problem: str) -> Initiative:
    data = InitiativeData(
        title=title, problem=problem, idea="À préciser ensemble.", whole_department=True
    )
    return initiative_create(author=agent, data=data, submit=True)


def test_the_index_follows_new_edited_and_merged_initiatives(db, agent, facilitator):
    bikes = _submit(
        agent, "Des vélos pour les visites à domicile", "Les bouchons font perdre du temps."
    )
    query = "Prêter des bicyclettes aux travailleurs sociaux pour leurs tournées"
    assert [m.id for m in similarity.similar_to_text(query)] == [bikes.pk]

    # A new initiative is found by the next search of the same process, without a restart.
    seniors = _submit(agent, "Appeler les aînés isolés", "Ils ne voient plus personne.")
    assert seniors.pk in [
        m.id for m in similarity.similar_to_text("téléphoner aux personnes âgées")
    ]

    # An edit moves its vector: the bikes now speak of lunches, and the bike query ranks them lower.
    initiative_update(
        initiative=bikes, by=agent,
        data=InitiativeData(title="Un restaurant d'entreprise ouvert aux habitants",
                            problem="La cantine est vide le soir.", idea="Ouvrir le soir.",
                            whole_department=True),
    )  # fmt: skip
    before = {m.id: m.score for m in similarity.similar_to_text(query)}
    assert before[bikes.pk] < 0.875

    # A merged initiative leaves the suggestions; the one it joined stays.
    initiative_merge(source=seniors, target=bikes, by=facilitator)
    assert [m.id for m in similarity.similar_to_text("téléphoner aux personnes âgées")] == [
        bikes.pk
    ]


def test_a_deleted_initiative_leaves_the_index_of_a_running_process(db, agent):
    bikes = _submit(
        agent, "Des vélos pour les visites à domicile", "Les bouchons font perdre du temps."
    )
    query = "Prêter des bicyclettes aux travailleurs sociaux pour leurs tournées"
    assert [m.id for m in similarity.similar_to_text(query)] == [bikes.pk]
    Initiative.objects.filter(pk=bikes.pk).delete()  # as the admin or a demo rebuild would
    assert similarity.similar_to_text(query) == []
    assert bikes.pk not in [
        pk for pk, _score in similarity._index.search(similarity.embed([query])[0], limit=5)
    ]
