"""Phrasal verbs made plain and related words (bot/extractive/lexicon.py)."""

from __future__ import annotations

from bot.extractive.lexicon import _RELATED, plain_phrases, related
from bot.extractive.stemming import stem


def test_phrasal_verbs_are_read_alike_in_questions_and_sentences() -> None:
    assert "voted against" in plain_phrases("Board member Alan Prewitt, who voted no, said the money...")
    assert plain_phrases("did anyone vote no") == "did anyone voted against"
    assert plain_phrases("Turnout went up sharply.") == "Turnout rise sharply."
    assert plain_phrases("when is it out") == "when is it release"
    assert plain_phrases("Nobody knows.") == "Nobody knows."


def test_related_words() -> None:
    assert stem("begin") in related(stem("start"))
    assert stem("price") in related(stem("cost")) and stem("budget") in related(stem("cost"))
    assert stem("killed") in related(stem("die")) and stem("president") in related(stem("boss"))
    assert stem("start") not in related(stem("start"))
    assert related("zzyzx") == frozenset()


def test_related_words_are_symmetric() -> None:
    for term, others in _RELATED.items():
        for other in others:
            assert term in related(other), (term, other)
