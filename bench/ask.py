"""Question answering: quality on the casual question set and time per question, each beside a same-run baseline.

Quality (tests/fixtures/casual, scored as its README says, see bench/askset.py): for the tune half and the
holdout half separately, the share of answerable questions answered with the right fact, the share of
unanswerable ones declined, and the rate of wrong answers presented as answers (of all questions; the note
also gives it per answer given). The baseline is the answerer as it was before issue 13, frozen in
bench/baseline_answerer/ and run in the same process. The holdout half is never used for tuning: look at its
figures, never at its questions, when changing the answerer.

Time: the extractive answer per question of tests/fixtures/questions.json, against BM25 retrieval alone.
"""

from __future__ import annotations

import json
import statistics
from functools import partial
from pathlib import Path

from bench.askset import HALVES, load_articles, load_cases, reliability, score
from bench.baseline_answerer.answerer import ExtractiveAnswerer as BaselineAnswerer
from bench.harness import Figure, figure, median_ms
from bot.articles.model import Article
from bot.extractive.answerer import ExtractiveAnswerer
from bot.extractive.retrieval import rank_passages, split_passages
from bot.llm.base import Answer

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def _retrieve(article: Article, question: str) -> object:
    return rank_passages(split_passages(article.text), question)


def quality(half: str) -> list[Figure]:
    cases = load_cases(half)
    articles = load_articles(cases)
    new, old = ExtractiveAnswerer(), BaselineAnswerer()
    ours: list[Answer] = [new.answer_sync(articles[c.article], c.question) for c in cases]
    theirs: list[Answer] = [old.answer_sync(articles[c.article], c.question) for c in cases]
    mine, base = score(cases, ours).as_dict(), score(cases, theirs).as_dict()
    calibration = "; ".join(reliability(cases, ours)) or "no answers"
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
        out.append(figure(f"ask.casual.{half}.{key}", value, "share", baseline or None,
                          note=f"baseline = answerer before issue 13; {note}" if note else None))
    return out


async def run() -> list[Figure]:
    figures = [fig for half in HALVES for fig in quality(half)]
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
