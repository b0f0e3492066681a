"""Question answering: quality on the casual question sets and time per question, each beside a same-run baseline.

Quality (scored as tests/fixtures/casual/README.md says, see bench/askset.py): for each set, the share of
answerable questions answered with the right fact, the share of unanswerable ones declined, and the rate of
wrong answers presented as answers (of all questions; the note also gives it per answer given). The sets:
- casual "tune" and "holdout": the two halves of tests/fixtures/casual, both used to develop the answerer;
- casual "cv": the same 16 articles in 4 folds, each fold answered by a confidence curve and threshold fitted
  without its articles (bench/calibration.py): what development on these articles cannot flatter;
- "casual2" and "casual3": 16 other articles each and 224 questions each, written blind by someone else, never
  used for development (casual3 was written blind and measured, never tuned on).
The baseline is the answerer as it was before issue 13, frozen in bench/baseline_answerer/ and run in the same
process on the same questions.

Time: the extractive answer per question of tests/fixtures/questions.json, against BM25 retrieval alone.
"""

from __future__ import annotations

import json
import statistics
from functools import partial

from bench.askset import FIXTURES, Case, Score, load_articles, load_cases, reliability, score
from bench.baseline_answerer.answerer import ExtractiveAnswerer as BaselineAnswerer
from bench.calibration import Tally, cross_validate, observe
from bench.harness import Figure, figure, median_ms
from bot.articles.model import Article
from bot.extractive.answerer import ExtractiveAnswerer
from bot.extractive.retrieval import rank_passages, split_passages
from bot.llm.base import Answer

SETS = ("tune", "holdout", "casual2", "casual3")


def _retrieve(article: Article, question: str) -> object:
    return rank_passages(split_passages(article.text), question)


def _answers(answerer: ExtractiveAnswerer | BaselineAnswerer, cases: list[Case]) -> list[Answer]:
    articles = load_articles(cases)
    return [answerer.answer_sync(articles[c.article], c.question) for c in cases]


def quality(name: str) -> list[Figure]:
    cases = load_cases(name)
    ours, theirs = _answers(ExtractiveAnswerer(), cases), _answers(BaselineAnswerer(), cases)
    mine, base = score(cases, ours).as_dict(), score(cases, theirs).as_dict()
    calibration = "; ".join(reliability(cases, ours)) or "no answers"
    label = name if name.startswith("casual") else f"casual.{name}"
    out = []
    for key in ("answerable_right", "answerable_fact_first", "unanswerable_declined", "wrong_of_all"):
        value, baseline = float(str(mine[key])), float(str(base[key]))
        note = None
        if key == "answerable_right":
            note = f"{mine['counts']} (old: {base['counts']})"
        elif key == "wrong_of_all":
            note = f"per answer given {mine['wrong_of_answers']} (old {base['wrong_of_answers']})"
        elif key == "answerable_fact_first":
            note = f"right fact before the quote; confidence bands of answers given: {calibration}"
        # figure() wants a non-zero baseline for its ratio; a zero baseline just leaves the ratio out.
        out.append(figure(f"ask.{label}.{key}", value, "share", baseline or None,
                          note=f"baseline = answerer before issue 13; {note}" if note else None))
    return out


def _as_tally(s: Score) -> Tally:
    return Tally(s.answered_right, s.answerable, s.declined, s.unanswerable, s.wrong)


def crossvalidated() -> list[Figure]:
    """The casual set's 16 articles in folds: ours fitted without the fold, the old answerer as it is."""
    cases = load_cases("tune") + load_cases("holdout")
    theirs = _answers(BaselineAnswerer(), cases)
    notes, ours, old = [], Tally(), Tally()
    for held, threshold, tally in cross_validate(observe()):
        fold = [(c, a) for c, a in zip(cases, theirs, strict=True) if c.article in held]
        base = _as_tally(score([c for c, _ in fold], [a for _, a in fold]))
        ours, old = ours + tally, old + base
        notes.append(f"{'+'.join(h.removesuffix('.txt') for h in held)} at {threshold:.2f}: {tally} (old: {base})")
    shares, base_shares = ours.shares(), old.shares()
    out = []
    for key, value, baseline in zip(("answerable_right", "unanswerable_declined", "wrong_of_all"), shares,
                                    base_shares, strict=True):
        note = f"4 folds by article; {' | '.join(notes)}" if key == "answerable_right" else None
        out.append(figure(f"ask.casual.cv.{key}", value, "share", baseline or None,
                          note=f"baseline = answerer before issue 13; {note}" if note else None))
    return out


async def run() -> list[Figure]:
    figures = [fig for name in SETS for fig in quality(name)]
    figures += crossvalidated()
    questions = json.loads((FIXTURES / "questions.json").read_text(encoding="utf-8"))
    articles: dict[str, Article] = {}
    answerer = ExtractiveAnswerer()
    ours, baseline = [], []
    for item in questions:
        name = item["article"]
        if name not in articles:
            articles[name] = Article(url=f"https://news.example/{name}",
                                     text=(FIXTURES / "articles" / f"{name}.txt").read_text(encoding="utf-8"))
        article = articles[name]
        question = item["question"]
        ours.append(median_ms(partial(answerer.answer_sync, article, question), repeat=7))
        baseline.append(median_ms(partial(_retrieve, article, question), repeat=7))
    figures.append(figure("ask.extractive_answer", statistics.median(ours), "ms/question",
                          statistics.median(baseline),
                          note=f"median over {len(ours)} questions; baseline = passage split + BM25 ranking alone"))
    return figures
