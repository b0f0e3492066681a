"""Verification of candidate answers (bot/extractive/verify.py, scoring.py): the fact must be of the asked kind
and attached to what was asked; hypotheses, negations, increments and the asker's own words are no answers."""

from __future__ import annotations

import pytest

from bot.extractive.reading import read
from bot.extractive.scoring import Candidate, candidates, query
from bot.extractive.verify import REASON_MARK, hedged


def best(text: str, question: str) -> Candidate:
    reading = read(text, text.splitlines()[0], "en")
    return max(candidates(query(question, (), reading), reading), key=lambda c: (c.score, -c.sentence.index))


def fit_of(text: str, question: str, fact: str) -> float:
    """The fit of the named fact in the article's best-covering sentence."""
    c = best(text, question)
    assert c.fact is not None and c.fact.text == fact, c
    return c.fit


def test_a_hypothetical_or_negated_amount_fits_less_than_a_stated_one() -> None:
    stated = fit_of("Stew night\n\nThe fish stew costs $48 at the harbour cafe.", "how much is the fish stew", "$48")
    would = fit_of("Stew night\n\nTo pay the rent, I'd have to charge $48 for the fish stew.",
                   "how much is the fish stew", "$48")
    assert stated == pytest.approx(1.0) and would <= stated / 2


def test_a_typed_question_is_not_answered_by_a_sentence_without_such_a_fact() -> None:
    c = best("Ferry news\n\nThe ferry will return to the island soon, the council said.",
             "when will the ferry return")
    assert c.fact is None and c.score == 0.0 and c.coverage > 0.5


def test_the_askers_own_name_is_no_answer_but_a_title_before_a_name_is() -> None:
    text = ("Heater recall\n\nThermacore Home Products is recalling heaters. Chief executive Kenneth Aldane "
            "said the company was sorry. Aldane said refunds would follow.")
    c = best(text, "whos the head of thermacore")
    assert c.fact is None or "Thermacore" not in c.fact.text
    gov = ("Flood\n\nGovernor Helen Marchetti declared an emergency on Sunday. Marchetti said crews were ready.")
    assert best(gov, "whos the governor").fact.text.endswith("Helen Marchetti")   # type: ignore[union-attr]
    school = "Obituary\n\nHe studied physics at Carlow State College on a scholarship."
    assert "Carlow State College" in best(school, "where did he go to college").fact.text  # type: ignore[union-attr]


def test_an_increment_is_no_total() -> None:
    text = "Marathon\n\nOrganizers added four extra water stations on Friday."
    total = best(text, "how many water stations were there in total")
    added = best(text, "how many water stations did they add")
    assert added.fact is not None and added.fit == pytest.approx(1.0)
    assert total.fit < 0.5


def test_a_place_name_answers_no_who() -> None:
    text = ("Bridge\n\nThe board voted to award the contract to replace the Mill Creek Road bridge "
            "to Corvane Civil, a contractor.")
    assert best(text, "who won the contract").fact.text == "Corvane Civil"   # type: ignore[union-attr]


@pytest.mark.parametrize(("sentence", "reason"), [
    ("The plant will close because demand fell.", True),
    ("Flights were cancelled due to the storm.", True),
    ("The buses were due to leave the depots at 4 a.m.", False),
    ("He stepped down after 14 years in the job.", False),
    ("He stepped down after a dispute with the board.", True),
])
def test_reason_marks(sentence: str, reason: bool) -> None:
    assert bool(REASON_MARK.search(sentence)) is reason


def test_hedges_give_no_yes_or_no() -> None:
    assert hedged("The city declined to say whether it would appeal.")
    assert hedged("A recount is automatic only if the margin is under half a percent.")
    assert not hedged("The city will appeal the ruling.")
