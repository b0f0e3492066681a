"""Retrieval + extractive answer per question, against BM25 retrieval alone."""

from __future__ import annotations

import json
import statistics
from functools import partial
from pathlib import Path

from bench.harness import Figure, figure, median_ms
from bot.articles.model import Article
from bot.extractive.answerer import ExtractiveAnswerer
from bot.extractive.retrieval import rank_passages, split_passages

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def _retrieve(article: Article, question: str) -> object:
    return rank_passages(split_passages(article.text), question)


async def run() -> list[Figure]:
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
    return [figure("ask.extractive_answer", statistics.median(ours), "ms/question", statistics.median(baseline),
                   note=f"median over {len(ours)} questions; baseline = passage split + BM25 ranking alone")]
