"""Summaries on real pages: how often a summary carries text that is not the article.

On the public evaluation corpus (../shared/extraction-eval: real pages with snippets that are not the article),
each page is extracted, then summarised by the built-in provider (brief) with the boilerplate cleaning and,
as the same-run baseline, without it. A summary "leaks" when its TL;DR or a key point contains one of the
page's must-not snippets (of four words or more). Pages the cleaning refuses as not an article are counted too.
"""

from __future__ import annotations

from bench.extract import CORPUS, load_cases, pages
from bench.harness import Figure, figure
from bot.app.errors import ArticleError
from bot.articles.extract import extract_html
from bot.articles.model import Article
from bot.extractive.boilerplate import article_only
from bot.extractive.summarizer import ExtractiveSummarizer
from bot.llm.base import Summary


def _norm(text: str) -> str:
    return " ".join(text.split())


def _leaks(summary: Summary, without: list[str]) -> bool:
    """Whether the summary shows a must-not snippet of four words or more (shorter ones are mostly names
    that the article itself mentions too)."""
    shown = _norm(" ".join([summary.tldr, *summary.key_points]))
    return any(len(s.split()) >= 4 and _norm(s) in shown for s in without)


def _articles() -> list[tuple[Article, list[str]]]:
    out = []
    for case, html, url in pages(CORPUS, load_cases(CORPUS, "all", None)):
        try:
            out.append((extract_html(html, url=url), [str(s) for s in case.get("without", [])]))  # type: ignore[attr-defined]
        except ArticleError:
            continue
    return out


async def run() -> list[Figure]:
    if not (CORPUS / "cases.json").exists():
        return [figure("summaries.leaks", 0, "skipped", note=f"no corpus at {CORPUS}")]
    summarizer = ExtractiveSummarizer()
    pages = _articles()
    raw_leaks = clean_leaks = refused = 0
    for article, without in pages:
        raw_leaks += _leaks(summarizer.summarize_sync(article), without)
        try:
            cleaned = article_only(article)
        except ArticleError:
            refused += 1
            continue
        clean_leaks += _leaks(summarizer.summarize_sync(cleaned), without)
    n = len(pages)
    return [
        figure("summaries.leaking_pages", 100 * clean_leaks / n, "% of summaries", 100 * raw_leaks / n,
               note=f"{n} extracted pages of the public corpus; a summary leaks when it contains a must-not "
                    f"snippet of 4+ words; baseline = the same summariser without the boilerplate cleaning"),
        figure("summaries.refused", refused, "pages", note="pages the cleaning finds no article on"),
    ]
