"""Question types and the facts that answer them (bot/extractive/cues.py)."""

from __future__ import annotations

import pytest

from bot.extractive.cues import TYPE_TERMS, Cue, fact_spans, has_cue, question_cue, slot_fit
from bot.extractive.text import stem


@pytest.mark.parametrize(
    ("question", "cue"),
    [
        ("How many buses will it buy?", Cue.NUMBER),
        ("What percentage of parents agreed?", Cue.PERCENT),
        ("How much did the bridge cost?", Cue.MONEY),
        ("What was the division's revenue?", Cue.MONEY),
        ("When will the museum reopen?", Cue.DATE),
        ("What time did it start?", Cue.TIME),
        ("How long does the county have?", Cue.DURATION),
        ("Who signed it?", Cue.PERSON),
        ("Where was the final played?", Cue.PLACE),
        ("Why did aid fall?", Cue.REASON),
        ("What is the enzyme called?", Cue.NONE),
    ],
)
def test_question_cue(question: str, cue: Cue) -> None:
    assert question_cue(question) is cue


def test_has_cue() -> None:
    assert has_cue(Cue.MONEY, "It cost $4.2 million.")
    assert not has_cue(Cue.MONEY, "It cost a lot.")
    assert has_cue(Cue.DATE, "It opens in Sept. 2026.")
    assert has_cue(Cue.TIME, "Doors open at 9 a.m. sharp.")
    assert not has_cue(Cue.DATE, "It opens soon.")
    assert has_cue(Cue.NONE, "Anything.")
    # Names already in the question do not answer "who".
    q = "Who will the Tide play in the Continental Cup?"
    assert not has_cue(Cue.PERSON, "The Tide qualified for the Continental Cup, which starts in Aug.", q)
    assert has_cue(Cue.PERSON, "The Tide will face the Rovers in the Continental Cup.", q)
    # "How many X" wants a number counting X.
    assert has_cue(Cue.NUMBER, "The district must buy 12 more buses.", "How many buses will it buy?")
    assert not has_cue(Cue.NUMBER, "It hired six firefighters.", "How many police officers were hired?")


@pytest.mark.parametrize(
    ("question", "cue"),
    [
        ("what's the canopy gonna cost?", Cue.MONEY),            # chat spelling, "what ... cost"
        ("how much did the winners get?", Cue.MONEY),
        ("how much are they spending on buybacks?", Cue.MONEY),
        ("how much did they raise prices?", Cue.NUMBER),         # a change: a percentage answers too
        ("How much did sales go up?", Cue.NUMBER),
        ("how much will it cost to close the Carver Falls plant?", Cue.MONEY),   # "Falls" is no change verb
        ("What was the final score?", Cue.NUMBER),
        ("In which minute?", Cue.NUMBER),
        ("when's the open house?", Cue.DATE),
    ],
)
def test_question_cue_reads_casual_and_paraphrased_questions(question: str, cue: Cue) -> None:
    assert question_cue(question) is cue


@pytest.mark.parametrize(
    "sentence",
    [
        "Work is scheduled to begin on June 2.",
        "Crews will start next spring.",
        "The new wing opens in two weeks.",
        "The doors open at 7 p.m.",
        "It should be finished by the end of October.",
        "Registration opens this weekend.",
    ],
)
def test_when_is_answered_by_days_months_seasons_and_clock_times(sentence: str) -> None:
    assert has_cue(Cue.DATE, sentence, "When does it start?")


def test_when_is_not_answered_by_vague_time_words() -> None:
    assert not has_cue(Cue.DATE, "Work will start soon, officials said.", "When does work start?")
    assert not has_cue(Cue.DATE, "It will open later.", "When will it open?")


def test_how_many_counts_related_nouns_and_crowds() -> None:
    assert has_cue(Cue.NUMBER, "The meeting drew more than 200 residents.", "How many people came?")
    assert has_cue(Cue.NUMBER, "A crowd of 38,214 filled the stadium.", "How many fans were there?")
    assert not has_cue(Cue.NUMBER, "The stadium opened in 1998.", "How many fans were there?")


def test_fact_spans_are_offsets_into_the_sentence() -> None:
    sentence = "The board approved a $2.8 million canopy on May 20."
    assert [sentence[s:e] for s, e in fact_spans(Cue.MONEY, sentence)] == ["$2.8 million"]
    assert [sentence[s:e] for s, e in fact_spans(Cue.DATE, sentence)] == ["May 20"]
    # A fact the question already states is no answer to it.
    assert fact_spans(Cue.DATE, sentence, "What happened on May 20?") == []
    assert fact_spans(Cue.NONE, sentence) == []


def test_slot_fit_prefers_an_amount_attached_to_the_subject() -> None:
    anchors = {stem("canopy")}
    cost = "The harbor approved a $2.8 million canopy on Tuesday."
    savings = "Officials said the canopy would save about $140,000 a year in electricity costs."
    assert slot_fit(Cue.MONEY, cost, anchors) == 1.0
    assert slot_fit(Cue.MONEY, savings, anchors) < slot_fit(Cue.MONEY, cost, anchors)
    # ...unless saving is what was asked about.
    assert slot_fit(Cue.MONEY, savings, anchors | {stem("save")}) > 0.95
    far = "A $2.8 million plan was approved after a long and heated debate about the future of the canopy."
    assert 0.8 <= slot_fit(Cue.MONEY, far, anchors) < 1.0


def test_slot_fit_is_neutral_where_position_says_little() -> None:
    assert slot_fit(Cue.PERSON, "Mayor Lena Ortiz signed it.", {stem("sign")}) == 1.0
    assert slot_fit(Cue.MONEY, "It cost a lot.", {stem("cost")}) == 1.0     # no amount: has_cue decides


def test_type_terms_name_the_kind_of_fact() -> None:
    assert stem("cost") in TYPE_TERMS[Cue.MONEY] and stem("price") in TYPE_TERMS[Cue.MONEY]
    assert stem("score") in TYPE_TERMS[Cue.NUMBER]
    assert stem("canopy") not in TYPE_TERMS[Cue.MONEY]
