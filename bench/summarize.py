"""Extraction + extractive summary per article, against trafilatura's extraction alone; cache hits."""

from __future__ import annotations

import statistics
import tempfile
from functools import partial
from pathlib import Path

import trafilatura

from bench.harness import Figure, figure, median_ms, median_ms_async
from bot.articles.extract import extract_html
from bot.extractive.summarizer import ExtractiveSummarizer
from bot.settings.budget import Budget
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database
from bot.summaries.service import SummaryService

PAGES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"


def pages() -> list[tuple[str, str]]:
    """The team's regression pages (those with a ground truth are real articles)."""
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(PAGES.glob("*.html"))
            if p.with_suffix(".txt").exists()]


def _extract_and_summarize(summarizer: ExtractiveSummarizer, html: str, url: str) -> object:
    return summarizer.summarize_sync(extract_html(html, url=url))


async def run() -> list[Figure]:
    summarizer = ExtractiveSummarizer()
    ours, baseline = [], []
    for name, html in pages():
        url = f"https://news.example/{name}"
        ours.append(median_ms(partial(_extract_and_summarize, summarizer, html, url)))
        baseline.append(median_ms(partial(trafilatura.extract, html, url=url)))
    figures = [figure("summarize.extract_and_summarize", statistics.median(ours), "ms/article",
                      statistics.median(baseline),
                      note=f"median over {len(ours)} pages; baseline = trafilatura.extract alone")]

    name, html = pages()[0]
    url = f"https://news.example/{name}"
    article = extract_html(html, url=url)

    async def read(_: str) -> object:
        return article

    with tempfile.TemporaryDirectory() as tmp:
        async with Database(Path(tmp) / "bench.sqlite3") as db:
            service = SummaryService(db, read, summarizer, None, Budget(db, GuildSettingsService(db)))  # type: ignore[arg-type]
            await service.summarize(url)                        # fills the article and summary caches
            hit = await median_ms_async(lambda: service.summarize(url), repeat=50)
    miss = median_ms(partial(_extract_and_summarize, summarizer, html, url))
    figures.append(figure("summarize.cache_hit", hit, "ms", miss, note="baseline = extraction + summary (a miss)"))
    return figures
