"""The extractive answerer against the team's question sets.

tests/fixtures/questions.json: 195 questions over 8 articles (133 original ones, 62 casual paraphrases added
to the tuning half). tests/fixtures/questions_holdout.json: 89 casual questions over 3 further articles and
the playground's demo article, written before the paraphrase work and never tuned on.

An answerable question counts as correct when the answer is given (answerable=True) and contains one of
its expected facts; an unanswerable one when the answerer abstains. Run with -s to see the figures.
The answerer was rewritten for issue 13 and its second pass developed on the casual set
(tests/fixtures/casual) and these sets, precision first: it declines below a confidence chosen so that held-out
articles get wrong answers for under 3% of their questions. The old answerer was tuned on half of
questions.json and scored 0.816 / 0.847 / 0.826 there and 0.683 / 0.621 / 0.663 on the held-out set; the first
pass of the rewrite 0.610 / 0.915 / 0.703 (11 wrong answers of 195) and 0.650 / 0.862 / 0.719 (10 of 89). The
second pass scores 0.478 / 0.932 / 0.615 (5 wrong answers) and 0.567 / 1.000 / 0.708 (1 wrong answer): fewer
answers, and far fewer of them wrong. The floors sit a little below those figures, with a ceiling on wrong
answers, so a regression fails while the test is not brittle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from bot.articles.model import Article
from bot.articles.reader import read_file
from bot.extractive.answerer import ABSTAIN_THRESHOLD, NOT_FOUND, ExtractiveAnswerer
from bot.llm.base import Answer
from tests.helpers.paths import FIXTURES, ROOT

FLOOR_ANSWERABLE = 0.45
FLOOR_ABSTAIN = 0.90
FLOOR_OVERALL = 0.60
CEILING_WRONG = 0.05          # answers given that are wrong, as a share of all questions


@dataclass(frozen=True)
class Case:
    article: str
    question: str
    answerable: bool
    expected: tuple[str, ...]
    history: tuple[tuple[str, str], ...]


def fixture_article(name: str) -> Article:
    text = (FIXTURES / "articles" / f"{name}.txt").read_text(encoding="utf-8")
    return Article(url=f"https://news.example/{name}", text=text, title=text.splitlines()[0], language="en")


def load_cases(file: str) -> list[Case]:
    raw = json.loads((FIXTURES / file).read_text(encoding="utf-8"))
    return [Case(r["article"], r["question"], r["answerable"], tuple(r["expected"]),
                 tuple((q, a) for q, a in r.get("history", []))) for r in raw]


def load_articles(file: str) -> dict[str, Article]:
    """The articles a question file names: fixture texts, or a "path" (from the repository root) read as
    the bot reads a file, through bot.articles.reader.read_file."""
    out: dict[str, Article] = {}
    for r in json.loads((FIXTURES / file).read_text(encoding="utf-8")):
        if r["article"] not in out:
            out[r["article"]] = read_file(ROOT / r["path"]) if "path" in r else fixture_article(r["article"])
    return out


ARTICLES = load_articles("questions.json")
CASES = load_cases("questions.json")


def correct(case: Case, answer: Answer) -> bool:
    if not case.answerable:
        return not answer.answerable
    return answer.answerable and any(e.casefold() in answer.text.casefold() for e in case.expected)


@pytest.fixture(scope="module")
def answers() -> list[Answer]:
    answerer = ExtractiveAnswerer()
    return [answerer.answer_sync(ARTICLES[c.article], c.question, history=c.history) for c in CASES]


def test_question_set_is_well_formed() -> None:
    assert len(ARTICLES) == 8
    for name, article in ARTICLES.items():
        assert 350 <= article.words <= 900, name
        assert sum(c.article == name for c in CASES) >= 10, name
    assert len(CASES) >= 80
    assert sum(not c.answerable for c in CASES) / len(CASES) >= 0.3
    assert sum(bool(c.history) for c in CASES) >= 4
    for c in CASES:
        assert c.article in ARTICLES
        assert bool(c.expected) == c.answerable, c.question
        # Every expected fact really is in the article, so the set cannot ask for the impossible.
        text = ARTICLES[c.article].text.casefold()
        assert all(e.casefold() in text for e in c.expected), c.question


def accuracy(label: str, cases: list[Case], answers: list[Answer]) -> tuple[float, float, float, float]:
    """Answerable, abstention and overall accuracy, and wrong answers given as a share of all questions;
    printed with the misses (run with -s to see them)."""
    pairs = list(zip(cases, answers, strict=True))
    ans = [correct(c, a) for c, a in pairs if c.answerable]
    una = [correct(c, a) for c, a in pairs if not c.answerable]
    acc_ans, acc_una = sum(ans) / len(ans), sum(una) / len(una)
    overall = (sum(ans) + sum(una)) / len(pairs)
    wrong = sum(a.answerable and not correct(c, a) for c, a in pairs) / len(pairs)
    print(f"\n{label} at threshold {ABSTAIN_THRESHOLD}: "
          f"answerable {acc_ans:.3f} ({sum(ans)}/{len(ans)}), "
          f"abstention {acc_una:.3f} ({sum(una)}/{len(una)}), overall {overall:.3f}, wrong {wrong:.3f}")
    for c, a in pairs:
        if not correct(c, a):
            print(f"  miss [{c.article}] {c.question!r} -> {a.confidence:.2f} {a.text[:90]!r}")
    return acc_ans, acc_una, overall, wrong


def test_accuracy_floors(answers: list[Answer]) -> None:
    acc_ans, acc_una, overall, wrong = accuracy("question set", CASES, answers)
    assert acc_ans >= FLOOR_ANSWERABLE
    assert acc_una >= FLOOR_ABSTAIN
    assert overall >= FLOOR_OVERALL
    assert wrong <= CEILING_WRONG


def test_quotes_are_exact_slices_of_the_article(answers: list[Answer]) -> None:
    for c, a in zip(CASES, answers, strict=True):
        text = ARTICLES[c.article].text
        assert 0.0 <= a.confidence <= 1.0 and a.provider == "extractive"
        if a.answerable:
            assert 1 <= len(a.quotes) <= 2
            for q in a.quotes:
                assert text[q.start:q.end] == q.text
            assert a.text.endswith(" ".join(q.text for q in a.quotes))   # the fact first, then the quote
        else:
            assert a.text.startswith(NOT_FOUND) and a.quotes == []
            assert a.confidence < ABSTAIN_THRESHOLD


async def test_async_interface_and_abstention_wording() -> None:
    answerer = ExtractiveAnswerer()
    museum = ARTICLES["museum_theft"]
    answer = await answerer.answer(museum, "How much is the reward?")
    assert answer.answerable and "$50,000" in answer.text
    nothing = await answerer.answer(museum, "What is the weather on Mars next spring?")
    assert not nothing.answerable and nothing.text.startswith("I couldn't find that") and not nothing.quotes
    blank = await answerer.answer(museum, "What is it?")
    assert not blank.answerable


async def test_follow_up_uses_the_previous_turn() -> None:
    answerer = ExtractiveAnswerer()
    storm = ARTICLES["storm"]
    first = await answerer.answer(storm, "Who declared a state of emergency?")
    assert "Llewellyn" in first.text
    alone = await answerer.answer(storm, "And when was that?")
    turn = ("Who declared a state of emergency?", first.text)
    follow = await answerer.answer(storm, "And when was that?", history=[turn])
    assert not alone.answerable
    assert follow.answerable and "Tuesday" in follow.text and "Llewellyn" in follow.text


async def test_threshold_is_a_parameter() -> None:
    court = ARTICLES["court_ruling"]
    question = "How many hotels are there in Harlan Falls?"
    strict = await ExtractiveAnswerer(threshold=1.01).answer(court, "Which judge dissented?")
    lenient = await ExtractiveAnswerer(threshold=0.0).answer(court, question)
    assert not strict.answerable and lenient.answerable and lenient.quotes


async def test_language_note() -> None:
    answer = await ExtractiveAnswerer().answer(ARTICLES["storm"], "How many flights were canceled?",
                                               language="de")
    assert answer.answerable and "240" in answer.text and answer.note and "LLM" in answer.note


async def test_degenerate_articles_abstain_instead_of_failing() -> None:
    answerer = ExtractiveAnswerer()
    for text in ("", "Just A Headline", "\n\n- one\n- two\n"):
        answer = await answerer.answer(Article(url="u", text=text), "Who won the election?")
        assert not answer.answerable and answer.quotes == []
    answer = await answerer.answer(ARTICLES["storm"], "When was that?",
                                   history=[("Who owns the moon?", NOT_FOUND)])
    assert not answer.answerable


# An original article in the shape of a local news story: the cost, the savings, a start date.
ROOF = Article(url="https://news.example/green-roof", title="Alder Park Library Gets a Green Roof", language="en",
               text="""Alder Park Library Gets a Green Roof

MILLBROOK — The Millbrook Library Board voted 6 to 1 on Monday to cover the Alder Park branch with a green roof, \
a $1.4 million project that the board says will cut the building's cooling bills within three years.

The roof will hold about 9,000 square feet of sedum and native grasses on a waterproof membrane. Architects \
expect it to keep the reading room several degrees cooler in July and August.

Most of the money comes from a county climate grant of $1 million. The rest will come from the library's \
building fund. Library director Ruth Okonkwo said the roof would save about $38,000 a year in cooling costs \
once it is finished.

Construction will close the upstairs reading room for most of the summer. The contractor, Fernside Builders, \
said work is scheduled to begin on June 9 and to be finished by the end of September.

The lone vote against came from board member Paul Greaves, who said the money should go to longer opening \
hours. The board will hold a public tour of the finished roof in October.
""")


@pytest.mark.parametrize("question", ["How much will the project cost?", "How much does the green roof cost?",
                                      "What is the cost of the roof?", "what's the roof gonna cost?"])
async def test_cost_is_the_subjects_amount_not_the_savings(question: str) -> None:
    answer = await ExtractiveAnswerer().answer(ROOF, question)
    assert answer.answerable and "$1.4 million" in answer.text and "$38,000" not in answer.text


async def test_start_questions_find_when_work_begins() -> None:
    for question in ("When will construction start?", "When does work begin?"):
        answer = await ExtractiveAnswerer().answer(ROOF, question)
        assert answer.answerable and "June 9" in answer.text, question


async def test_paraphrased_vote_question() -> None:
    answer = await ExtractiveAnswerer().answer(ROOF, "did anyone vote no?")
    assert answer.answerable and "Greaves" in answer.text


async def test_a_relation_the_article_does_not_state_is_not_answered() -> None:
    answerer = ExtractiveAnswerer()
    assert not (await answerer.answer(ROOF, "Who will buy the Alder Park branch?")).answerable
    earnings = ARTICLES["earnings_report"]
    assert not (await answerer.answer(earnings, "Who will buy the Carver Falls plant?")).answerable
    closing = await answerer.answer(earnings, "When will Brightwell close the Carver Falls plant?")
    assert closing.answerable and "Dec. 31" in closing.text


# --- the held-out set ------------------------------------------------------------------------------
# tests/fixtures/questions_holdout.json: casual, paraphrased questions written before the answerer was
# tuned, over three articles that no tuning looked at plus the playground's demo article. Never tune on it.
HOLDOUT_ARTICLES = load_articles("questions_holdout.json")
HOLDOUT = load_cases("questions_holdout.json")
HOLDOUT_FLOOR_ANSWERABLE = 0.52
HOLDOUT_FLOOR_ABSTAIN = 0.93
HOLDOUT_FLOOR_OVERALL = 0.66


def test_holdout_set_is_well_formed() -> None:
    assert set(HOLDOUT_ARTICLES).isdisjoint(ARTICLES)
    assert len(HOLDOUT) >= 60
    assert sum(not c.answerable for c in HOLDOUT) / len(HOLDOUT) >= 0.3
    for name, article in HOLDOUT_ARTICLES.items():
        assert 350 <= article.words <= 900, name
        assert sum(c.article == name for c in HOLDOUT) >= 15, name
    for c in HOLDOUT:
        assert bool(c.expected) == c.answerable, c.question
        text = HOLDOUT_ARTICLES[c.article].text.casefold()
        assert all(e.casefold() in text for e in c.expected), c.question


def test_holdout_accuracy_floors() -> None:
    answerer = ExtractiveAnswerer()
    answers = [answerer.answer_sync(HOLDOUT_ARTICLES[c.article], c.question, history=c.history) for c in HOLDOUT]
    acc_ans, acc_una, overall, wrong = accuracy("held-out set", HOLDOUT, answers)
    assert acc_ans >= HOLDOUT_FLOOR_ANSWERABLE
    assert acc_una >= HOLDOUT_FLOOR_ABSTAIN
    assert overall >= HOLDOUT_FLOOR_OVERALL
    assert wrong <= CEILING_WRONG
