"""How sure the built-in answerer is (bot/extractive/confidence.py): a lead over a competing answer counts."""

from __future__ import annotations

from bot.articles.model import Article
from bot.extractive.answerer import NOT_FOUND, ExtractiveAnswerer
from bot.extractive.confidence import THRESHOLD, evidence, probability
from bot.extractive.reading import read
from bot.extractive.scoring import candidates, query


def found(text: str, question: str):  # type: ignore[no-untyped-def]
    reading = read(text, text.splitlines()[0], "en")
    return evidence(candidates(query(question, (), reading), reading))


def test_probability_grows_with_the_score_and_the_lead() -> None:
    assert probability((0.9, 0.5)) > probability((0.6, 0.5)) > probability((0.6, 0.0))
    assert 0.0 < probability((0.0, 0.0)) < THRESHOLD < probability((1.0, 1.0)) < 1.0


def test_a_competing_answer_from_another_sentence_cuts_the_lead() -> None:
    alone = found("Film\n\nThe film runs 2 hours and 18 minutes.", "how long is the film")
    rivals = found("Film\n\nThe film runs 2 hours and 18 minutes. The film was shot over 62 days.",
                   "how long is the film")
    assert alone is not None and rivals is not None
    assert alone.lead > rivals.lead and rivals.lead < 0.2


def test_nothing_related_gives_no_evidence_and_an_honest_answer() -> None:
    article = Article(url="u", title="Film", text="Film\n\nThe film runs 2 hours and 18 minutes.")
    assert found(article.text, "who owns the moon") is None
    answer = ExtractiveAnswerer().answer_sync(article, "who owns the moon")
    assert answer.text == NOT_FOUND and not answer.answerable and answer.confidence == 0.0


def test_a_rival_answer_lowers_the_confidence_and_a_declined_answer_shows_the_closest_passage() -> None:
    alone = Article(url="u", title="Film", text="Film\n\nThe film runs 2 hours and 18 minutes.")
    rivals = Article(url="u", title="Film", text=(
        "Film\n\nThe film runs 2 hours and 18 minutes. The film was shot over 62 days."))
    answerer = ExtractiveAnswerer(threshold=0.0)
    sure, unsure = (answerer.answer_sync(a, "how long is the film").confidence for a in (alone, rivals))
    assert sure - unsure > 0.1
    declined = ExtractiveAnswerer(threshold=(sure + unsure) / 2).answer_sync(rivals, "how long is the film")
    assert not declined.answerable and declined.text.startswith(NOT_FOUND) and "Closest passage" in declined.text
