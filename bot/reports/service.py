"""Moderator reports as the cogs and the CLI use them: period parsing, the digest writer (LLM when the
budget allows, extractive otherwise), rendering, and the scheduled digests' tick."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from bot.app.errors import LLMError
from bot.articles.model import Article
from bot.llm.base import Summarizer
from bot.reports.build import DigestFn, build_report
from bot.reports.chart import render_chart_png
from bot.reports.digest import extractive_digest
from bot.reports.model import Report
from bot.reports.render import render_json, render_markdown
from bot.reports.schedule import DigestResult, PostFn, run_due
from bot.settings.budget import Budget
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database
from bot.util.text import escape
from bot.util.timeutil import now_ms, period_start
from bot.util.workers import Workers, WorkersClosed, WorkFailed, run_or_call

log = logging.getLogger(__name__)

MAX_DIGEST_CHARS = 12_000   # conversation text handed to the LLM per channel


@dataclass(slots=True)
class RenderedReport:
    report: Report
    markdown: str
    png: bytes | None


class ReportService:
    def __init__(self, db: Database, guild_settings: GuildSettingsService, budget: Budget,
                 llm: Summarizer | None, *, workers: Workers | None = None) -> None:
        self.db = db
        self.guild_settings = guild_settings
        self.budget = budget
        self.llm = llm
        self.workers = workers

    async def extractive_digest(self, channel_id: int, texts: list[str]) -> str:
        """The built-in digest (TF-IDF over up to 150 messages: CPU-bound) in the worker pool; a report goes
        out without it rather than not at all."""
        try:
            return await run_or_call(self.workers, extractive_digest, texts)
        except WorkersClosed:
            raise
        except WorkFailed:
            log.warning("the digest of channel %s failed; the report goes without it", channel_id, exc_info=True)
            return ""

    def digest_writer(self, guild_id: int) -> DigestFn | None:
        """An LLM digest for this guild while its budget allows; None means the extractive digest."""
        llm = self.llm
        if llm is None:
            return None

        async def write(channel_id: int, texts: list[str]) -> str:
            if not await self.budget.allows_llm(guild_id):
                raise LLMError("budget spent")    # build_report falls back to the extractive digest
            text = "\n\n".join(texts)[-MAX_DIGEST_CHARS:]
            conversation = Article(url=f"discord://channels/{guild_id}/{channel_id}", text=text,
                                   title="What members discussed", content_type="text/plain")
            summary = await llm.summarize(conversation, style="brief")
            await self.budget.record(guild_id=guild_id, user_id=None, feature="digest", model=summary.model,
                                     usage=summary.usage)
            return escape(summary.tldr)   # digests are Markdown-ready, like the extractive one
        return write

    async def build(self, guild_id: int, *, since: str = "7d", until_ms: int | None = None,
                    channel_id: int | None = None, member_id: int | None = None) -> Report:
        until = until_ms if until_ms is not None else now_ms()
        start = period_start(since, until)
        return await build_report(self.db, guild_id, since_ms=start, until_ms=until, channel_id=channel_id,
                                  member_id=member_id, digest=self.digest_writer(guild_id),
                                  extractive=self.extractive_digest)

    async def render(self, report: Report, guild_name: str | None = None, *, chart: bool = True) -> RenderedReport:
        """`guild_name`: what Discord calls the guild now; without it, the name the bot last saw, else the id."""
        png = await render_chart_png(report) if chart else None
        return RenderedReport(report, render_markdown(report, guild_name), png)

    @staticmethod
    def as_json(report: Report) -> dict[str, object]:
        return render_json(report)

    async def run_digests(self, guild_ids: Iterable[int], post: PostFn) -> list[DigestResult]:
        results = []
        for guild_id in guild_ids:   # one guild at a time: each gets its own digest writer and budget
            results += await run_due(self.db, [guild_id], self.guild_settings.get, post,
                                     digest=self.digest_writer(guild_id), extractive=self.extractive_digest)
        return results
