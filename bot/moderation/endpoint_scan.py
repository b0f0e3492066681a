"""The moderation endpoint's pass over the log: its own cursor, so it can lag, pause or stop without
holding up the local rules (bot/moderation/flagger.py).

- Only messages of guilds whose `moderation_endpoint` setting allows it are sent (bot/moderation/endpoint.py
  decides); the cursor passes the others without a request.
- A 429 stops the run before the refused chunk and pauses for Retry-After: nothing is skipped and nothing
  is checked twice. Other failures pause too; after `MAX_ENDPOINT_FAILURES` in a row on the same chunk it
  is passed without the endpoint's categories, so a bad key or a refused input cannot stall it for good.
- 404/405/501 mean the server has no moderation endpoint (Ollama, vLLM, llama.cpp): the endpoint is marked
  missing, and until an hourly re-check finds it the cursor simply follows the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.app.errors import LLMError, LLMRateLimited
from bot.llm.moderation import ModerationUnsupported
from bot.moderation.endpoint import ModerationEndpoint
from bot.moderation.flagger import (
    CURSOR_NAME,
    FIRST_RUN_LOOKBACK_MS,
    OPENAI_PROVIDER,
    SETTLE_MS,
    FlaggerStats,
    FlagListener,
    SettingsFor,
    ShardCursors,
    notify,
)
from bot.store import moderation as store
from bot.store.db import Database
from bot.store.moderation import Flag, ScanRow
from bot.util.shards import Shards
from bot.util.timeutil import ms_to_snowflake, now_ms

log = logging.getLogger(__name__)

ENDPOINT_CURSOR_NAME = CURSOR_NAME + ":endpoint"
RATE_LIMIT_PAUSE_S = 30.0       # pause after a 429 without Retry-After
ERROR_PAUSE_S = 60.0            # pause after any other endpoint failure ...
MAX_ENDPOINT_FAILURES = 3       # ... and after this many in a row, pass that chunk without the endpoint


class RateLimiter:
    """A token bucket: `rate` calls per second on average, bursts of `burst`."""

    def __init__(self, rate: float, burst: int = 1, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate, self.burst, self._clock, self._sleep = rate, burst, clock, sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await self._sleep((1 - self._tokens) / self.rate)


class EndpointFlagger:
    def __init__(self, db: Database, settings_for: SettingsFor, endpoint: ModerationEndpoint, *,
                 on_flags: FlagListener | None = None, cursor_name: str = ENDPOINT_CURSOR_NAME,
                 settle_ms: int = SETTLE_MS, first_run_lookback_ms: int = FIRST_RUN_LOOKBACK_MS,
                 clock_ms: Callable[[], int] = now_ms, requests_per_second: float = 1.0, burst: int = 3,
                 shards: Shards | None = None) -> None:
        self.db = db
        self.settings_for = settings_for
        self.endpoint = endpoint
        self.on_flags = on_flags
        self.cursor_name = cursor_name
        self.cursors = ShardCursors(cursor_name, shards)
        self.settle_ms = settle_ms
        self.first_run_lookback_ms = first_run_lookback_ms
        self._clock_ms = clock_ms
        self._limiter = RateLimiter(requests_per_second, burst)
        self._failures = 0
        self._cursor: int | None = None
        self.stats = FlaggerStats()

    @property
    def paused_for(self) -> float:
        return self.endpoint.paused_for

    async def run_once(self, limit: int = 500) -> int:
        """Send up to `limit` messages after the cursor (those of guilds that allow it) to the endpoint;
        returns how many messages the cursor moved past."""
        client = self.endpoint.client
        if client is None or self.endpoint.paused_for > 0:
            return 0
        if self.endpoint.due_for_recheck:
            await self.endpoint.probe()
        if self._cursor is None:
            # Upgrading from one flagger cursor: the endpoint carries on from where it stopped.
            self._cursor = await self.cursors.start(self.db, self.first_run_lookback_ms, self._clock_ms,
                                                    fallbacks=[CURSOR_NAME])
        up_to = ms_to_snowflake(self._clock_ms() - self.settle_ms) - 1
        if self.endpoint.missing:
            return await self._follow(up_to)
        rows = await store.messages_after(self.db, self._cursor, up_to, limit, shards=self.cursors.scope)
        done = 0
        for chunk in await self._chunks(rows, client.batch_size):
            try:
                flags = await self._classify(chunk)
            except LLMRateLimited as exc:
                self.stats.rate_limited += 1
                pause = exc.retry_after if exc.retry_after is not None else RATE_LIMIT_PAUSE_S
                self.endpoint.pause(pause)
                log.info("moderation endpoint rate limited; it is asked again in %.1f s", pause)
                break
            except ModerationUnsupported as exc:
                self.endpoint.mark_missing(str(exc))
                return done + await self._follow(up_to)
            except LLMError as exc:
                self.stats.errors += 1
                self._failures += 1
                if self._failures < MAX_ENDPOINT_FAILURES:
                    self.endpoint.pause(ERROR_PAUSE_S)
                    log.warning("moderation endpoint failed (%s); it is asked again in %.0f s", exc, ERROR_PAUSE_S)
                    break
                log.warning("moderation endpoint failed %d times (%s); %d messages go without its categories",
                            self._failures, exc, len(chunk))
                flags = []
            self._failures = 0
            new = await store.save_flags(self.db, flags, cursor=self.cursors.at(chunk[-1].id))
            self._cursor = chunk[-1].id
            done += len(chunk)
            self.stats.processed += len(chunk)
            self.stats.flags += len(new)
            await notify(self.on_flags, new)
        return done

    async def run(self, interval: float = 5.0, *, limit: int = 500) -> float:
        """One run for the bot's background jobs: again at once while there is a backlog, else after
        `interval`, or longer while the endpoint asked us to pause."""
        done = await self.run_once(limit)
        return 0.0 if done >= limit else max(interval, self.endpoint.paused_for)

    async def _follow(self, up_to: int) -> int:
        """No endpoint to ask: move the cursor along with the log, so a later re-check sends no backlog."""
        assert self._cursor is not None
        if up_to <= self._cursor:
            return 0
        for name in self.cursors.names:
            await store.set_cursor(self.db, name, up_to)
        self._cursor = up_to
        return 0

    async def _chunks(self, rows: list[ScanRow], size: int) -> list[list[ScanRow]]:
        """Consecutive rows holding at most `size` texts to send; rows not sent ride along in the chunks."""
        chunks: list[list[ScanRow]] = [[]]
        texts = 0
        wants: dict[int, bool] = {}
        for row in rows:
            if row.guild_id not in wants:
                wants[row.guild_id] = self.endpoint.wanted_by(await self.settings_for(row.guild_id))
            sent = self._sendable(row, wants[row.guild_id])
            if sent and texts == size:
                chunks.append([])
                texts = 0
            chunks[-1].append(row)
            texts += sent
        return chunks if rows else []

    @staticmethod
    def _sendable(row: ScanRow, wanted: bool) -> bool:
        return wanted and row.content is not None and bool(row.content.strip())

    async def _classify(self, chunk: list[ScanRow]) -> list[Flag]:
        client = self.endpoint.client
        assert client is not None
        checked = [r for r in chunk if r.content is not None and r.content.strip()
                   and self.endpoint.wanted_by(await self.settings_for(r.guild_id))]
        if not checked:
            return []
        await self._limiter.acquire()
        self.stats.endpoint_calls += 1
        results = await client.classify([r.content or "" for r in checked])
        self.endpoint.mark_available()
        at = self._clock_ms()
        return [Flag(r.guild_id, r.location, r.id, r.author_id, category, score, OPENAI_PROVIDER, client.model,
                     r.created_at, at)
                for r, hits in zip(checked, results, strict=True) for category, score in hits]
