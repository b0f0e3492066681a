"""Passages with exact offsets and BM25 ranking (bot/extractive/retrieval.py)."""

from __future__ import annotations

import itertools

import pytest

from bot.extractive.retrieval import Passage, rank_passages, split_passages
from tests.helpers.paths import FIXTURES

ARTICLES = FIXTURES / "articles"


def article(name: str) -> str:
    return (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")


def test_passages_have_exact_offsets_and_cover_every_paragraph() -> None:
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        passages = split_passages(text)
        assert [p.index for p in passages] == list(range(len(passages)))
        for p in passages:
            assert text[p.start:p.end] == p.text
            assert len(p.text) <= 600
        # In order, no overlap, and every paragraph lies inside one passage.
        assert all(a.end <= b.start for a, b in itertools.pairwise(passages))
        for para in (q.strip() for q in text.split("\n\n")):
            if para:
                assert any(para in p.text for p in passages), para


def test_short_neighbours_merge_and_long_paragraphs_split_at_sentence_ends() -> None:
    sentence = "The council argued about the budget for a very long time that night. "
    long_para = (sentence * 20).strip()
    text = f"Headline\n\nShort one.\n\n{long_para}\n\nTail paragraph that ends it."
    passages = split_passages(text, max_chars=300)
    assert passages[0].text.startswith("Headline\n\nShort one.")  # short neighbours merged
    assert passages[-1].text.endswith("Tail paragraph that ends it.")
    for p in passages:
        assert text[p.start:p.end] == p.text and len(p.text) <= 300
    assert len(passages) >= 6
    assert all(p.text.endswith(("night.", "it.")) for p in passages)  # cut only at sentence ends


def test_a_sentence_longer_than_max_chars_is_cut_at_spaces() -> None:
    text = " ".join(["word"] * 200) + "."
    passages = split_passages(text, max_chars=100)
    assert all(len(p.text) <= 100 and text[p.start:p.end] == p.text for p in passages)
    assert "".join(p.text + " " for p in passages).split() == text.split()


def test_empty_text_has_no_passages_and_ranks_nothing() -> None:
    assert split_passages("") == []
    assert split_passages("\n\n  \n") == []
    assert rank_passages([], "anything") == []


@pytest.mark.parametrize(
    ("name", "question", "needle"),
    [
        ("city_budget", "How much will the tax bill rise for a typical home?", "$64 a year"),
        ("court_ruling", "How long does the county have to appeal to the Supreme Court?", "30 days"),
        ("storm", "How many shelters were opened?", "14 shelters"),
        ("museum_theft", "Who donated the astrolabe?", "Whitlock family"),
        ("science_result", "What do the researchers call the enzyme?", "VelA"),
    ],
)
def test_passage_with_the_answer_ranks_first(name: str, question: str, needle: str) -> None:
    ranked = rank_passages(split_passages(article(name)), question)
    assert needle in ranked[0][0].text
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_k_limits_and_ties_break_by_position() -> None:
    passages = [Passage(i, i * 10, i * 10 + 5, t) for i, t in enumerate(
        ["apples and pears", "bananas", "apples and pears", "cherries", "apples and pears"])]
    ranked = rank_passages(passages, "Which apples?", k=2)
    assert [p.index for p, _ in ranked] == [0, 2]
    assert ranked[0][1] == ranked[1][1] > 0
    assert len(rank_passages(passages, "apples", k=10)) == 5
    assert rank_passages(passages, "apples", k=0) == []


def test_query_of_stopwords_only_keeps_article_order() -> None:
    passages = split_passages(article("storm"))
    ranked = rank_passages(passages, "what is it?", k=3)
    assert [p.index for p, _ in ranked] == [0, 1, 2]
    assert all(score == 0.0 for _, score in ranked)


def test_stemming_matches_word_forms() -> None:
    passages = [Passage(0, 0, 1, "The judges ruled on Tuesday."),
                Passage(1, 2, 3, "The weather was fine."),
                Passage(2, 4, 5, "Nothing else happened.")]
    assert rank_passages(passages, "What did the judge rule?", k=1)[0][0].index == 0


def test_a_single_passage_still_scores_positive() -> None:
    passages = [Passage(0, 0, 20, "The bridge reopened.")]
    assert rank_passages(passages, "bridge")[0][1] > 0
