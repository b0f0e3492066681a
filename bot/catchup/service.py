"""/catchup as the cog and the CLI use it: whether the log can answer, the window, the per-member cooldown,
and the digest (the LLM while the guild's budget allows, else the built-in one)."""

from __future__ import annotations

from collections.abc import Collection

from openai import AsyncOpenAI

from bot.catchup.build import TopicWriter, build_catchup
from bot.catchup.llm import LLMTopicWriter
from bot.catchup.model import Catchup
from bot.catchup.window import Since, Window, resolve_window
from bot.logbook.service import LogService
from bot.settings.budget import Budget
from bot.settings.guild import GuildSettings
from bot.store import catchup as store
from bot.store.location import Location
from bot.util.workers import Workers

COOLDOWN_FEATURE = "catchup"
MIN_COOLDOWN_SECONDS = 30      # a catch-up reads far more than a question: never more often than this
LOG_OFF = "The conversation log is off on this server, so I have nothing to catch you up on."
NOT_LOGGED = "This channel is left out of the conversation log, so I have nothing to catch you up on."
BUDGET_SPENT = "Today's AI budget for this server is spent, so this is the built-in digest."
NO_TEXT = ("I run without Discord's Message Content permission, so the log has no message text to "
           "catch you up on.")


def log_gap(settings: GuildSettings, location: Location) -> str | None:
    """Why the log cannot answer for this place, or None."""
    if not settings.log_enabled:
        return LOG_OFF
    if {location.channel_id, location.where} & set(settings.log_excluded_channels):
        return NOT_LOGGED
    return None


class CatchupService:
    def __init__(self, log: LogService, budget: Budget, llm_client: AsyncOpenAI | None, model: str, *,
                 context_tokens: int, message_content: bool = True, workers: Workers | None = None) -> None:
        self.log = log
        self.db = log.db
        self.budget = budget
        self.llm_client = llm_client
        self.model = model
        self.context_tokens = context_tokens
        self.message_content = message_content
        self.workers = workers        # topics are found there (clustering thousands of messages)

    async def cooldown(self, guild_id: int, member_id: int, settings: GuildSettings) -> float | None:
        """Seconds the member must wait before the next catch-up, or None (and their clock starts)."""
        seconds = max(settings.cooldown_seconds, MIN_COOLDOWN_SECONDS) if settings.cooldown_seconds else 0
        return await self.budget.cooldown(guild_id, member_id, COOLDOWN_FEATURE, seconds)

    async def window(self, guild_id: int, location: Location, since: Since, *, member_id: int | None,
                     until_ms: int | None = None) -> Window:
        await self.log.writer.flush()     # what was just said is part of the window
        return await resolve_window(self.db, guild_id, location, since, member_id=member_id, until_ms=until_ms)

    async def threads_in(self, window: Window) -> list[int]:
        """The channel's threads with logged messages in the window (for the caller's access check)."""
        if window.location.thread_id is not None:
            return []
        return await store.thread_ids(self.db, window.guild_id, window.location.channel_id, window.since_ms,
                                      window.until_ms, window.after_id)

    async def thread_parent(self, thread_id: int) -> int | None:
        return await store.thread_parent(self.db, thread_id)

    async def catch_up(self, window: Window, *, threads: Collection[int], member_id: int | None,
                       settings: GuildSettings, use_llm: bool = True) -> Catchup:
        """The digest of `window`, reading only the listed threads of a channel."""
        writer: TopicWriter | None = None
        if use_llm and self.llm_client is not None and await self.budget.allows_llm(window.guild_id):
            writer = LLMTopicWriter(self.llm_client, self.model, context_tokens=self.context_tokens,
                                    language=settings.language)
        result = await build_catchup(self.db, window, threads=threads, writer=writer, workers=self.workers)
        if result.usage.calls:
            await self.budget.record(guild_id=window.guild_id, user_id=member_id, feature=COOLDOWN_FEATURE,
                                     model=result.model or self.model, usage=result.usage)
        if writer is None and self.llm_client is not None and use_llm and result.topics:
            result.note = BUDGET_SPENT
        if not result.topics and result.logged and not self.message_content:
            result.note = NO_TEXT      # what was said is missing; questions asked of the bot may still show
        return result
