"""Flagging logged messages for moderators, off the hot path.

A `Flagger` reads committed messages after a persistent cursor (in id order, i.e. time order for
Discord snowflakes), checks them and stores flags; a flag never edits or deletes anything.

- Local rules always run (in the worker pool, one trip per chunk): the guild's words and /regexes/, mass
  mentions, invite links and flooding. With a `ModerationClient` the moderation endpoint's categories are added.
- The scan stays `settle_ms` behind the clock: the log writer commits in batches, so a message can
  land a little after a newer one; waiting lets such stragglers be committed before the cursor passes.
  Messages logged later than that (backfill of old history) are not checked.
- The cursor moves in the same transaction as the flags of the messages it passes. When the endpoint
  answers 429 the run stops before the unprocessed chunk and pauses for the Retry-After time, so
  nothing is skipped and nothing is checked twice. Other endpoint failures pause too; after
  `MAX_ENDPOINT_FAILURES` in a row on the same chunk it is checked with local rules only, so a bad key
  or an input the endpoint refuses cannot stall flagging for good.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.app.errors import LLMError, LLMRateLimited
from bot.llm.moderation import ModerationClient
from bot.moderation.rules import FLOOD_REPEAT_MS, FloodWindow, check_batch
from bot.settings.guild import GuildSettings
from bot.store import moderation as store
from bot.store.db import Database
from bot.store.moderation import Flag, ScanRow
from bot.util.timeutil import ms_to_snowflake, now_ms
from bot.util.workers import Workers, WorkersClosed, WorkFailed, run_or_call

log = logging.getLogger(__name__)

CURSOR_NAME = "flagger"
SETTLE_MS = 10_000              # how far the scan stays behind the clock
FIRST_RUN_LOOKBACK_MS = 3_600_000   # with no cursor yet, start an hour back (not the whole history)
RATE_LIMIT_PAUSE_S = 30.0       # pause after a 429 without Retry-After
ERROR_PAUSE_S = 60.0            # pause after any other endpoint failure ...
MAX_ENDPOINT_FAILURES = 3       # ... and after this many in a row, check that chunk with local rules only
RULES_PROVIDER, OPENAI_PROVIDER = "rules", "openai"

SettingsFor = Callable[[int], Awaitable[GuildSettings]]
FlagListener = Callable[[list[Flag]], Awaitable[None]]


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


# -- the flagger -----------------------------------------------------------------------------------

@dataclass(slots=True)
class FlaggerStats:
    processed: int = 0
    flags: int = 0
    endpoint_calls: int = 0
    rate_limited: int = 0
    errors: int = 0


class Flagger:
    def __init__(self, db: Database, settings_for: SettingsFor, *, moderation: ModerationClient | None = None,
                 requests_per_second: float = 1.0, burst: int = 3, on_flags: FlagListener | None = None,
                 cursor_name: str = CURSOR_NAME, settle_ms: int = SETTLE_MS,
                 first_run_lookback_ms: int = FIRST_RUN_LOOKBACK_MS, clock_ms: Callable[[], int] = now_ms,
                 monotonic: Callable[[], float] = time.monotonic, workers: Workers | None = None) -> None:
        self.db = db
        self.workers = workers      # the guild's rules (admins' regexes) are matched there
        self.settings_for = settings_for
        self.moderation = moderation
        self.on_flags = on_flags
        self.cursor_name = cursor_name
        self.settle_ms = settle_ms
        self.first_run_lookback_ms = first_run_lookback_ms
        self._clock_ms = clock_ms
        self._monotonic = monotonic
        self._limiter = RateLimiter(requests_per_second, burst)
        self._paused_until = 0.0
        self._failures = 0
        self._cursor: int | None = None
        self.window = FloodWindow()
        self.stats = FlaggerStats()

    @property
    def paused_for(self) -> float:
        """Seconds until the endpoint may be called again after a 429 or failure (0 if not paused)."""
        return max(0.0, self._paused_until - self._monotonic())

    async def _load_cursor(self) -> int:
        stored = await store.get_cursor(self.db, self.cursor_name)
        if stored is None:
            stored = ms_to_snowflake(self._clock_ms() - self.first_run_lookback_ms)
        # Seed the flood windows with the minute before the cursor, so a restart does not forget a flood.
        seed_from = max(0, stored - (FLOOD_REPEAT_MS << 22))
        for row in await store.messages_after(self.db, seed_from, stored, 10_000):
            self.window.observe(row)
        return stored

    async def run_once(self, limit: int = 500) -> int:
        """Check up to `limit` messages after the cursor; returns how many the cursor moved past."""
        if self.paused_for > 0:
            return 0
        if self._cursor is None:
            self._cursor = await self._load_cursor()
        up_to = ms_to_snowflake(self._clock_ms() - self.settle_ms) - 1
        rows = await store.messages_after(self.db, self._cursor, up_to, limit)
        done = 0
        for chunk in self._chunks(rows):
            try:
                remote = await self._classify(chunk)
            except LLMRateLimited as exc:
                self.stats.rate_limited += 1
                pause = exc.retry_after if exc.retry_after is not None else RATE_LIMIT_PAUSE_S
                self._paused_until = self._monotonic() + pause
                log.info("moderation endpoint rate limited; flagging resumes in %.1f s", pause)
                break
            except LLMError as exc:
                self.stats.errors += 1
                self._failures += 1
                if self._failures < MAX_ENDPOINT_FAILURES:
                    self._paused_until = self._monotonic() + ERROR_PAUSE_S
                    log.warning("moderation endpoint failed (%s); flagging resumes in %.0f s", exc,
                                ERROR_PAUSE_S)
                    break
                # Not a rate limit and not going away (bad key, a refused input): local rules must not
                # stall behind it, so these messages go without the endpoint's categories.
                log.warning("moderation endpoint failed %d times (%s); checking %d messages with local rules "
                            "only", self._failures, exc, len(chunk))
                remote = []
            self._failures = 0
            try:
                flags = await self._local_flags(chunk) + remote
                new = await store.save_flags(self.db, flags, cursor=(self.cursor_name, chunk[-1].id))
            except BaseException:
                # The flood windows saw messages whose flags were not stored: start afresh from the cursor.
                self._cursor, self.window = None, FloodWindow()
                raise
            self._cursor = chunk[-1].id
            done += len(chunk)
            self.stats.processed += len(chunk)
            self.stats.flags += len(new)
            if new and self.on_flags is not None:
                try:
                    await self.on_flags(new)
                except Exception:
                    log.exception("flag listener failed for %d new flags", len(new))
        return done

    async def run(self, interval: float = 5.0, *, limit: int = 500) -> float:
        """One run for the bot's background jobs; returns the seconds until the next: none while there is a
        backlog, else `interval`, or longer while the endpoint asked us to pause."""
        done = await self.run_once(limit)
        return 0.0 if done >= limit else max(interval, self.paused_for)

    def _chunks(self, rows: list[ScanRow]) -> list[list[ScanRow]]:
        """Without an endpoint, one chunk; with one, chunks holding at most one request's worth of texts."""
        if self.moderation is None or not rows:
            return [rows] if rows else []
        size = self.moderation.batch_size
        chunks: list[list[ScanRow]] = [[]]
        texts = 0
        for row in rows:
            if row.content is not None and texts == size:
                chunks.append([])
                texts = 0
            chunks[-1].append(row)
            texts += row.content is not None
        return chunks

    async def _classify(self, chunk: list[ScanRow]) -> list[Flag]:
        if self.moderation is None:
            return []
        checked = [r for r in chunk if r.content is not None and r.content.strip()]
        if not checked:
            return []
        await self._limiter.acquire()
        self.stats.endpoint_calls += 1
        results = await self.moderation.classify([r.content or "" for r in checked])
        at = self._clock_ms()
        return [Flag(r.guild_id, r.channel_id, r.id, r.author_id, category, score, OPENAI_PROVIDER,
                     self.moderation.model, r.created_at, at)
                for r, hits in zip(checked, results, strict=True) for category, score in hits]

    async def _local_flags(self, chunk: list[ScanRow]) -> list[Flag]:
        at = self._clock_ms()
        rules: dict[int, tuple[str, ...]] = {}
        for r in chunk:
            if r.content is not None and r.guild_id not in rules:
                rules[r.guild_id] = tuple((await self.settings_for(r.guild_id)).mod_rules)
        checked = [r for r in chunk if r.content is not None]
        try:
            found = await run_or_call(self.workers, check_batch, [(r.content or "", rules[r.guild_id])
                                                                  for r in checked])
        except WorkersClosed:
            raise
        except WorkFailed:
            log.warning("checking %d messages against the local rules failed; they get flood checks only",
                        len(checked), exc_info=True)
            found = [[] for _ in checked]
        flags: list[Flag] = []
        for r, hits in zip(checked, found, strict=True):
            flood = self.window.observe(r)
            if flood:
                hits.append(("flood", flood))
            flags.extend(Flag(r.guild_id, r.channel_id, r.id, r.author_id, category, 1.0, RULES_PROVIDER,
                              detail, r.created_at, at) for category, detail in hits)
        return flags
