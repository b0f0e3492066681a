"""Everything the cogs need, built once at start-up and closed in reverse order at shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from functools import partial

from openai import AsyncOpenAI

from bot.app.config import Settings
from bot.articles.fetch import Fetcher, FetchPolicy
from bot.articles.reader import read_article
from bot.catchup.service import CatchupService
from bot.extractive.pooled import PooledAnswerer, PooledSummarizer
from bot.llm.moderation import ModerationClient
from bot.llm.openai_provider import LLMAnswerer, LLMSummarizer
from bot.logbook.live import LiveLog
from bot.logbook.service import LogService
from bot.logbook.spill import spill_path_for
from bot.logbook.writer import LogWriter
from bot.moderation.endpoint import ModerationEndpoint
from bot.questions.service import AnswerService
from bot.reports.service import ReportService
from bot.settings.budget import Budget
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database
from bot.summaries.limits import HostLimits
from bot.summaries.service import HOUR_MS, SummaryService
from bot.util.shards import Shards
from bot.util.workers import Workers

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    guild_settings: GuildSettingsService
    log: LogService
    budget: Budget
    workers: Workers
    fetcher: Fetcher
    llm_client: AsyncOpenAI | None
    summaries: SummaryService
    answers: AnswerService
    reports: ReportService
    moderation: ModerationEndpoint
    live_log: LiveLog
    catchup: CatchupService


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(allow_private=settings.fetch_allow_private,
                       allowed_ports=frozenset(settings.fetch_allowed_ports),
                       max_bytes=settings.fetch_max_bytes, total_timeout=settings.fetch_timeout,
                       extra_allowed_networks=tuple(settings.fetch_allowed_networks))


def llm_client(settings: Settings) -> AsyncOpenAI | None:
    if not settings.llm_enabled:
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    return AsyncOpenAI(api_key=key, base_url=settings.openai_base_url, max_retries=2, timeout=settings.llm_timeout)


@asynccontextmanager
async def open_services(settings: Settings, *, shards: Shards | None = None) -> AsyncIterator[Services]:
    """Everything the bot and the CLI use; `shards`: the gateway shards this process runs (its spill
    file is its own)."""
    async with AsyncExitStack() as stack:
        db = await Database(settings.database).open()
        stack.push_async_callback(db.close)
        guild_settings = GuildSettingsService(db)
        spill = spill_path_for(settings.database, folder=settings.spill_dir or settings.database_path.parent,
                               shards=shards)
        writer = LogWriter(db, max_queue=settings.log_queue_size, spill_path=spill,
                           stop_timeout=settings.shutdown_timeout)
        writer.start()
        stack.push_async_callback(writer.stop)   # runs before db.close: queued rows are committed, or spilled
        await writer.replay_spill()              # what the last stop could not commit comes first
        # Parsing, summaries, answers, digests and admin rules: never on the event loop (bot/util/workers.py).
        workers = Workers(settings.worker_processes)
        stack.push_async_callback(workers.close)
        fetcher = Fetcher(fetch_policy(settings))
        stack.push_async_callback(fetcher.close)
        client = llm_client(settings)
        if client is not None:
            stack.push_async_callback(client.close)
            log.info("language model: %s at %s", settings.llm_model, settings.openai_base_url or "OpenAI")
        else:
            log.info("no OPENAI_API_KEY or OPENAI_BASE_URL: using the built-in extractive provider")
        budget = Budget(db, guild_settings)
        ttl = int(settings.summary_cache_hours * HOUR_MS)
        model = settings.llm_model
        llm_summarizer = LLMSummarizer(client, model, context_tokens=settings.llm_context_tokens,
                                       workers=workers) if client else None
        llm_answerer = LLMAnswerer(client, model, context_tokens=settings.llm_context_tokens,
                                   workers=workers) if client else None
        log_service = LogService(db, writer, guild_settings)
        yield Services(
            settings=settings,
            db=db,
            guild_settings=guild_settings,
            log=log_service,
            budget=budget,
            workers=workers,
            fetcher=fetcher,
            llm_client=client,
            summaries=SummaryService(
                db, partial(read_article, fetcher=fetcher, workers=workers), PooledSummarizer(workers),
                llm_summarizer, budget, article_ttl_ms=ttl, summary_ttl_ms=ttl, workers=workers,
                host_limits=HostLimits(settings.fetch_per_host_per_minute)),
            answers=AnswerService(db, PooledAnswerer(workers), llm_answerer, budget, workers=workers),
            reports=ReportService(db, guild_settings, budget, llm_summarizer, workers=workers),
            moderation=ModerationEndpoint(ModerationClient(client) if client else None,
                                          base_url=settings.openai_base_url),
            live_log=LiveLog(db, log_service, guild_settings),
            catchup=CatchupService(log_service, budget, client, model, context_tokens=settings.llm_context_tokens,
                                   message_content=settings.discord_message_content, workers=workers),
        )
