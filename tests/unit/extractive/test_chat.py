"""Casual questions read as an article would word them (bot/extractive/chat.py, stemming.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.extractive.chat import casual_to_plain, osa_distance
from bot.extractive.stemming import number_value, stem

ARTICLE = ("The authority said the airline will refurbish its planes. The business class cabins were parked "
           "at the airfield, and the playoffs start on Friday.")
VOCAB = Counter(w.casefold().strip(".,") for w in ARTICLE.split())
KNOWN = {stem(w) for w in VOCAB}


@pytest.mark.parametrize(("question", "plain"), [
    ("whos teh ceo lol", "who is the chief executive"),
    ("wen's it out", "when is it out"),
    ("who'd the cops arrest", "who did the police arrest"),
    ("hw many ppl r there rn", "how many people are there"),
    ("where were the parked ones sittin", "where were the parked ones sitting"),
    ("how much is the athority losing tbh", "how much is the authority losing"),
    ("how much is a buisness class ticket", "how much is a business class ticket"),
    ("did they take like fifty watches or what", "did they take fifty watches"),
    ("what does the guy look like", "what does the man look like"),
    ("wen is the water supposed to go down", "when is the water go down"),
])
def test_casual_to_plain(question: str, plain: str) -> None:
    assert " ".join(w for w in casual_to_plain(question, VOCAB, KNOWN) if w != ",") == plain


def test_real_words_are_not_corrected_into_article_words() -> None:
    # "moon" is one edit from "soon", but typos keep their first letter; "die" is no typo of "did".
    vocab = Counter({"soon": 3, "did": 2})
    assert casual_to_plain("who owns the moon", vocab, set()) == ["who", "owns", "the", "moon"]
    assert casual_to_plain("did anyone die", vocab, set()) == ["did", "anyone", "die"]


def test_clauses_are_kept_apart() -> None:
    assert casual_to_plain("what if they're late, do they pay", VOCAB, KNOWN) == [
        "what", "if", "they", "are", "late", ",", "do", "they", "pay"]


def test_edit_distance_counts_transpositions_once() -> None:
    assert osa_distance("teh", "the") == 1 and osa_distance("buisness", "business") == 1
    assert osa_distance("cat", "dog") == 3 and osa_distance("a", "abcdef", limit=2) == 3


def test_stems_meet_across_forms_numbers_and_irregular_verbs() -> None:
    assert stem("refurbishing") == stem("refurbish") and stem("payed") == stem("paid") == stem("pay")
    assert stem("seven") == stem("7") == "7" and stem("M90s") == stem("m90")
    assert stem("won") == stem("win") and stem("Varga's") == stem("varga")
    assert number_value("2,300") == "2300" and number_value("one") is None
    assert stem("corriendo", "es") == stem("corrió", "es") or stem("corriendo", "es") != "corriendo"


def test_four_letter_words_are_only_read_as_question_words() -> None:
    vocab = Counter({"heat": 4, "black": 2, "when": 3, "where": 1})
    assert casual_to_plain("whos the head of it", vocab, set()) == ["who", "is", "the", "head", "of", "it"]
    assert casual_to_plain("wher is the heater", vocab, set())[:2] == ["where", "is"]


@pytest.mark.parametrize(("question", "plain"), [
    ("y didnt they pay", "why did not they pay"),
    ("wont they come back", "will not they come back"),
    ("hw many hrs atm", "how many hours"),
])
def test_chat_without_apostrophes(question: str, plain: str) -> None:
    assert " ".join(casual_to_plain(question, VOCAB, KNOWN)) == plain
