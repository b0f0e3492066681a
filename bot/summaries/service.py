"""The summary service: cached article → cached summary, one fetch and one LLM call per link at a time.

Provider choice: the LLM when configured and the guild's budget allows, else the built-in extractive
summariser; an LLM failure falls back to the extractive summary with a visible note. Either provider is
given only the article's own text (bot/extractive/boilerplate.py): page furniture is dropped first, and a
page that turns out to hold no article is refused rather than summarised.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.app.errors import ArticleError, LLMError, UserFacingError
from bot.articles.model import Article, first_part
from bot.articles.reader import article_url
from bot.extractive.boilerplate import article_only
from bot.llm.base import Style, Summarizer, Summary
from bot.settings.budget import Budget
from bot.store import articles as store
from bot.store.articles import SummaryKey, SummaryPost
from bot.store.db import Database
from bot.store.location import Location
from bot.summaries.limits import AutoSummaryLimits, HostBusy, HostLimits
from bot.summaries.singleflight import SharedFlight, SingleFlight
from bot.util.timeutil import now_ms
from bot.util.workers import Workers, WorkersClosed, WorkFailed, run_or_call

log = logging.getLogger(__name__)

ArticleReader = Callable[[str], Awaitable[Article]]
HOUR_MS = 3_600_000
MSG_SUMMARY_FAILED = "I couldn't summarise that article in time."
LONG_NOTE = "This article is very long, so the summary covers only its first part."


def _flight_key(key: SummaryKey) -> str:
    return "\x1f".join((key.url, key.provider, key.model, key.style, key.language))


def fallback_note(error: LLMError) -> str:
    return f"{error.message.rstrip('.')}, so this is the built-in summary."


def _noted(summary: Summary, cut: bool) -> Summary:
    if cut and LONG_NOTE not in (summary.note or ""):
        summary.note = f"{summary.note} {LONG_NOTE}" if summary.note else LONG_NOTE
    return summary


@dataclass(slots=True)
class SummaryResult:
    article: Article
    summary: Summary
    cached: bool
    notice: str | None = None       # e.g. the daily "budget spent" note


class SummaryService:
    def __init__(self, db: Database, read_article: ArticleReader, extractive: Summarizer, llm: Summarizer | None,
                 budget: Budget, *, article_ttl_ms: int = 24 * HOUR_MS, summary_ttl_ms: int = 24 * HOUR_MS,
                 failure_ttl_ms: int = 5 * 60_000, clock: Callable[[], int] = now_ms,
                 host_limits: HostLimits | None = None, workers: Workers | None = None) -> None:
        self.db = db
        self._read = read_article
        self.workers = workers
        self.extractive = extractive
        self.llm = llm
        self.budget = budget
        self._article_ttl = article_ttl_ms
        self._summary_ttl = summary_ttl_ms
        self._failure_ttl = failure_ttl_ms
        self._clock = clock
        self._hosts = host_limits
        # Links and reactions: per member and per channel, counted in the store (shared by all processes).
        self.auto_limits = AutoSummaryLimits(db, clock=clock)
        # One fetch and one LLM call per link at a time, across every process sharing the store.
        self._articles: SharedFlight[Article] = SharedFlight(db, prefix="article", clock=clock)
        self._summaries: SharedFlight[Summary] = SharedFlight(db, prefix="summary", clock=clock)
        self._uncached: SingleFlight[Summary] = SingleFlight()

    # -- articles ------------------------------------------------------------------------------

    async def article(self, url: str) -> Article:
        """The article behind a URL: from the store while fresh, else fetched once for all askers."""
        canonical = article_url(url)
        return await self._articles.run(canonical, lambda: self._stored_article(canonical),
                                        lambda: self._load_article(canonical))

    async def _stored_article(self, canonical: str) -> Article | None:
        """The stored article while fresh; a failure remembered for it raises."""
        now = self._clock()
        cached = await store.get_article(self.db, canonical, now)
        if cached is not None:
            return cached
        failure = await store.get_failure(self.db, canonical, now)
        if failure is not None:
            raise ArticleError(failure)
        return None

    async def _load_article(self, canonical: str) -> Article:
        now = self._clock()
        if self._hosts is not None:   # query-string variants are new URLs: each costs its host a fetch
            host = urlsplit(canonical).hostname or ""
            limited = self._hosts.take(host)
            if limited is not None:   # not remembered as the page's failure: it is the host's turn, later
                log.info("not fetching %s: %s is rate limited for %.0f s", canonical, host, limited.retry_after)
                raise HostBusy(host, limited)
        try:
            article = await self._read(canonical)
        except ArticleError as exc:
            await store.put_failure(self.db, canonical, exc.message, now, self._failure_ttl)
            raise
        await store.put_article(self.db, article, now, self._article_ttl)
        return article

    # -- summaries -----------------------------------------------------------------------------

    async def summarize(self, url: str, *, style: Style = "brief", language: str | None = None,
                        guild_id: int | None = None, user_id: int | None = None) -> SummaryResult:
        return await self.summarize_article(await self.article(url), style=style, language=language,
                                            guild_id=guild_id, user_id=user_id)

    async def summarize_article(self, article: Article, *, style: Style = "brief", language: str | None = None,
                                guild_id: int | None = None, user_id: int | None = None,
                                use_cache: bool = True) -> SummaryResult:
        notice = None
        summarizer = self.extractive
        if self.llm is not None:
            if await self.budget.allows_llm(guild_id):
                summarizer = self.llm
            else:
                notice = await self.budget.note_once(guild_id)
        key = SummaryKey(article.url, summarizer.name, getattr(summarizer, "model", "") or "", style,
                         language or "")
        cached = await store.get_summary(self.db, key, self._clock()) if use_cache else None
        if cached is not None:
            return SummaryResult(article, cached, cached=True, notice=notice)

        def generate() -> Awaitable[Summary]:
            return self._generate(article, summarizer, key if use_cache else None, style, language, guild_id,
                                  user_id)
        if not use_cache:
            return SummaryResult(article, await self._uncached.run(key, generate), cached=False, notice=notice)
        summary = await self._summaries.run(_flight_key(key), lambda: store.get_summary(self.db, key, self._clock()),
                                            generate)
        return SummaryResult(article, summary, cached=False, notice=notice)

    async def _generate(self, article: Article, summarizer: Summarizer, key: SummaryKey | None, style: Style,
                        language: str | None, guild_id: int | None, user_id: int | None) -> Summary:
        # A summary's cost grows with the text: a very long article is summarised from its first part.
        article, cut = first_part(article)
        try:
            article = await run_or_call(self.workers, article_only, article)   # sentence by sentence: CPU-bound
        except WorkersClosed:
            raise
        except WorkFailed as exc:
            raise UserFacingError(MSG_SUMMARY_FAILED) from exc
        try:
            summary = await summarizer.summarize(article, style=style, language=language)
        except LLMError as exc:
            log.warning("LLM summary of %s failed (%s); using the extractive summary", article.url, exc)
            summary = await self.extractive.summarize(article, style=style, language=language)
            summary.note = fallback_note(exc)
            return _noted(summary, cut)    # not cached: the next request tries the LLM again
        if summary.usage.calls:
            await self.budget.record(guild_id=guild_id, user_id=user_id, feature="summary", model=summary.model,
                                     usage=summary.usage)
        summary = _noted(summary, cut)
        if key is not None:
            await store.put_summary(self.db, key, summary, self._clock(), self._summary_ttl)
        return summary

    # -- where summaries were posted ------------------------------------------------------------

    async def record_post(self, post: SummaryPost, *, requested_by: int | None, provider: str) -> None:
        await store.add_post(self.db, post, requested_by=requested_by, provider=provider)

    async def posted_for(self, source_message_id: int) -> set[str]:
        """Canonical URLs already summarised in reply to a message."""
        return await store.posted_urls(self.db, source_message_id)

    async def record_thread(self, message_id: int, thread_id: int) -> None:
        await store.set_post_thread(self.db, message_id, thread_id)

    async def record_links(self, message_id: int, urls: list[str], *, guild_id: int, location: Location,
                           user_id: int, created_at: int) -> None:
        await store.add_shared_links(self.db, message_id, urls, guild_id=guild_id, location=location,
                                     user_id=user_id, created_at=created_at)
