"""The casual question sets (tests/fixtures/casual, casual2 and casual3, READMEs there) and their scoring, for the bench
and the tests.

Scoring follows the set's README: an answerable question is right when the bot answers and the reply (the
answer and its quotes, as a member sees them) contains one of `answers`, case-insensitively with whitespace
collapsed; an unanswerable one is right only when the bot declines. A wrong answer presented as an answer is
an answer to an unanswerable question or an answer without any of `answers`. We also count "fact first":
the part of the answer before its quote (" — ") holds the right fact, a stricter reading of the same reply.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.articles.model import Article
from bot.llm.base import Answer

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
CASUAL = FIXTURES / "casual"
HALVES = ("tune", "holdout")
# Each set: its questions file and its articles. casual2 and casual3 (16 other articles each, written blind by
# someone else) are holdouts for the answerer as a whole: measured, never tuned on.
SETS = {"tune": CASUAL / "questions_tune.json", "holdout": CASUAL / "questions_holdout.json",
        "casual2": FIXTURES / "casual2" / "questions.json", "casual3": FIXTURES / "casual3" / "questions.json"}


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    article: str
    question: str
    answerable: bool
    kind: str
    answers: tuple[str, ...]
    folder: Path = CASUAL / "articles"


@dataclass(frozen=True, slots=True)
class Score:
    answerable: int          # answerable questions
    answered_right: int      # ...answered with one of the answers in the reply
    fact_right: int          # ...with one of the answers before the quote
    unanswerable: int
    declined: int            # unanswerable questions declined
    wrong: int               # answers presented as answers that are wrong
    answered: int            # answers presented as answers, right or wrong

    @property
    def total(self) -> int:
        return self.answerable + self.unanswerable

    def as_dict(self) -> dict[str, object]:
        def share(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0
        return {"answerable_right": share(self.answered_right, self.answerable),
                "answerable_fact_first": share(self.fact_right, self.answerable),
                "unanswerable_declined": share(self.declined, self.unanswerable),
                "wrong_of_all": share(self.wrong, self.total),
                "wrong_of_answers": share(self.wrong, self.answered),
                "counts": f"{self.answered_right}/{self.answerable} right, {self.declined}/{self.unanswerable} "
                          f"declined, {self.wrong} wrong of {self.answered} answers"}


def load_cases(name: str) -> list[Case]:
    """The questions of one set: "tune" or "holdout" (the halves of casual/), "casual2" or "casual3"."""
    if name not in SETS:
        raise ValueError(f"unknown question set {name!r}")
    raw = json.loads(SETS[name].read_text(encoding="utf-8"))
    folder = SETS[name].parent / "articles"
    return [Case(r["id"], r["article"], r["question"], r["answerable"], r["kind"], tuple(r["answers"]), folder)
            for r in raw]


def load_articles(cases: Iterable[Case]) -> dict[str, Article]:
    """The articles the cases ask about, as the bot would hold them (headline first, language known)."""
    out: dict[str, Article] = {}
    for c in cases:
        if c.article not in out:
            text = (c.folder / c.article).read_text(encoding="utf-8")
            out[c.article] = Article(url=f"https://news.example/{c.article.removesuffix('.txt')}", text=text,
                                     title=text.splitlines()[0].strip(), language="en")
    return out


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def reply_text(answer: Answer) -> str:
    """What a member reads: the answer and the quotes under it."""
    return " ".join([answer.text, *(q.text for q in answer.quotes)])


def fact_text(answer: Answer) -> str:
    """The answer before its quoted sentence ("123 — the airline has 123..." gives "123")."""
    return answer.text.split(" — ", 1)[0]


def right(case: Case, answer: Answer, *, text: Callable[[Answer], str] = reply_text) -> bool:
    if not case.answerable:
        return not answer.answerable
    return answer.answerable and any(_norm(a) in _norm(text(answer)) for a in case.answers)


def score(cases: list[Case], answers: list[Answer]) -> Score:
    pairs = list(zip(cases, answers, strict=True))
    return Score(
        answerable=sum(c.answerable for c in cases),
        answered_right=sum(right(c, a) for c, a in pairs if c.answerable),
        fact_right=sum(right(c, a, text=fact_text) for c, a in pairs if c.answerable),
        unanswerable=sum(not c.answerable for c in cases),
        declined=sum(not a.answerable for c, a in pairs if not c.answerable),
        wrong=sum(a.answerable and not right(c, a) for c, a in pairs),
        answered=sum(a.answerable for a in answers),
    )


def reliability(cases: list[Case], answers: list[Answer], edges: tuple[float, ...] = (0.5, 0.7, 0.9)) -> list[str]:
    """Of the answers given, how many were right per confidence band: is the confidence calibrated?"""
    bands = [0.0, *edges, 1.01]
    rows = []
    for lo, hi in itertools.pairwise(bands):
        given = [(c, a) for c, a in zip(cases, answers, strict=True) if a.answerable and lo <= a.confidence < hi]
        if given:
            ok = sum(right(c, a) for c, a in given)
            rows.append(f"{lo:.1f}-{min(hi, 1.0):.1f}: {ok}/{len(given)} right")
    return rows
