"""Question wording made plain, related words, names and relations (bot/extractive/lexicon.py)."""

from __future__ import annotations

import pytest

from bot.extractive.lexicon import (
    _RELATED,
    name_runs,
    plain_phrases,
    plain_question,
    related,
    relations,
    states_relation,
)
from bot.extractive.text import stem


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("what's the CFO gonna get?", "what is the chief financial officer going to get?"),
        ("who's the ref?", "who is the referee?"),
        ("did anyone vote no?", "did anyone voted against?"),
        ("When does the tax kick in?", "When does the tax take effect?"),
        ("how much did the winners get?", "how much did the winners receive?"),
        ("How much did sales go up?", "How much did sales rise?"),
    ],
)
def test_plain_question(question: str, plain: str) -> None:
    assert plain_question(question) == plain


def test_phrasal_verbs_are_read_alike_in_sentences() -> None:
    # The same rewrite on the article's side is what lets "vote no" meet "voted no" and "votes against".
    assert "voted against" in plain_phrases("Board member Alan Prewitt, who voted no, said the money...")
    assert plain_phrases("Nobody knows.") == "Nobody knows."
    assert plain_phrases("Turnout went up sharply.") == "Turnout rise sharply."


def test_related_words() -> None:
    assert stem("begin") in related(stem("start"))
    assert stem("price") in related(stem("cost")) and stem("budget") in related(stem("cost"))
    assert stem("defeat") in related(stem("win")) and stem("killed") in related(stem("die"))
    assert stem("construction") in related(stem("build"))
    assert stem("start") not in related(stem("start"))
    assert related("zzyzx") == frozenset()


def test_related_words_are_symmetric() -> None:
    for term, others in _RELATED.items():
        for other in others:
            assert term in related(other), (term, other)


def test_names_are_runs_of_capitalised_words() -> None:
    assert name_runs("Who will buy the Carver Falls plant?") == [[stem("Carver"), stem("Falls")]]
    assert name_runs("Did Lena Ortiz meet the Harbor Commission?") == [[stem("Lena"), stem("Ortiz")],
                                                                       [stem("Harbor"), stem("Commission")]]
    assert name_runs("who is buying pellman?") == []
    assert name_runs("When did I ask?") == []


def test_relations_are_the_verbs_asked_about() -> None:
    assert relations(plain_question("Who will buy the Carver Falls plant?")) == [stem("buy")]
    assert relations("When will the library reopen on Sundays?") == [stem("reopen")]
    # A noun names a thing ("the later start"); a word the asked-for fact stands for is no relation.
    assert relations("How much will the later start cost?", exclude={stem("cost")}) == []
    assert relations("What is the enzyme called?") == []


def test_states_relation() -> None:
    buy = stem("buy")
    assert not states_relation(buy, {stem("close"), stem("plant")})
    assert states_relation(buy, {stem("acquire"), stem("plant")})
    assert states_relation(buy, {stem("bought")})
    # "champions" stands for the question's own word, not for "win".
    win = stem("win")
    assert states_relation(win, {stem("champions")})
    assert not states_relation(win, {stem("champions"), "cup"}, asked={stem("champions"), "cup"})
