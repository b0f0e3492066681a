"""Rate limits for work nobody explicitly asked for: automatic summaries per member and per channel, and
fetches per host (so query-string variants of one page cannot multiply fetches).

Token buckets: a burst up to the limit, then one more every `window / limit`. When a member or a channel
is limited, the first refusal in a window carries a polite line (`notify`), later ones are silent: a
warning on every link would be the very flood the limit is there to stop.

Where they live: the member and channel buckets in the store (bot/store/ratelimits.py), taken under a
per-guild write transaction, so shard processes sharing PostgreSQL count against one limit (as they do
for cooldowns and budgets). The host buckets stay in process memory: a fetch asks no database first, and
the per-host limit is a politeness cap on this process's fetcher (N processes fetch up to N times it;
the shared single-flight already fetches one URL once for all of them).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Literal

from bot.app.errors import ArticleError
from bot.store import ratelimits
from bot.store.db import Database, Transaction
from bot.store.ratelimits import StoredBucket
from bot.util.timeutil import now_ms

MAX_KEYS = 10_000   # buckets kept before full (idle) ones are forgotten


@dataclass(slots=True)
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.updated) * self.per_second)
        self.updated = max(self.updated, now)

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0 when one is)."""
        self.refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second

    def full_in(self) -> float:
        """Seconds from `updated` until the bucket is full again."""
        return (self.capacity - self.tokens) / self.per_second


def sized(bucket: TokenBucket | None, limit: int, window: float, now: float) -> TokenBucket:
    """`bucket` as it is now for `limit` per `window` seconds: a new, full one when there was none; a changed
    limit keeps what was used (1 of 1 used, raised to 3: 2 left)."""
    rate = limit / window
    if bucket is not None and bucket.capacity == limit and bucket.per_second == rate:
        return bucket
    tokens = float(limit)
    if bucket is not None:
        bucket.refill(now)
        tokens = max(0.0, min(float(limit), bucket.tokens + limit - bucket.capacity))
    return TokenBucket(float(limit), rate, tokens, now)


class Buckets:
    """One bucket per key, resized when the limit for that key changes."""

    def __init__(self) -> None:
        self._buckets: dict[Hashable, TokenBucket] = {}

    def get(self, key: Hashable, limit: int, window: float, now: float) -> TokenBucket:
        old = self._buckets.get(key)
        bucket = sized(old, limit, window, now)
        if bucket is not old:
            self._buckets[key] = bucket
            if len(self._buckets) > MAX_KEYS:
                self._forget_full(now)
        return bucket

    def _forget_full(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.wait(now) == 0 and bucket.tokens >= bucket.capacity:
                del self._buckets[key]


@dataclass(frozen=True, slots=True)
class Limited:
    scope: Literal["member", "channel", "host"]
    retry_after: float        # seconds until the next one would be allowed
    notify: bool              # the first refusal of this window: say so once

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


class AutoSummaryLimits:
    """Automatic (link and reaction) summaries per member and per channel of a guild, counted in the store
    so that every process sharing it counts against one limit."""

    PRUNE_EVERY_MS = 3_600_000

    def __init__(self, db: Database, *, clock: Callable[[], int] = now_ms) -> None:
        self._db = db
        self._clock = clock
        self._pruned = 0

    async def take(self, *, guild_id: int, channel_id: int, user_id: int, member_limit: int, channel_limit: int,
                   window_minutes: int) -> Limited | None:
        """Take one summary from both the member's and the channel's bucket, or neither; None when allowed.
        A limit of 0 means no limit."""
        every: list[tuple[Literal["member", "channel"], str, int]] = [
            ("member", f"summary-member:{guild_id}:{user_id}", member_limit),
            ("channel", f"summary-channel:{guild_id}:{channel_id}", channel_limit)]
        checks = [check for check in every if check[2] > 0]
        if not checks:
            return None
        at = self._clock()
        await self._prune(at)
        now, window_ms = at / 1000, window_minutes * 60_000
        async with self._db.write_transaction(f"rate:{guild_id}") as tx:   # both buckets, or neither
            stored = await ratelimits.load(tx, [name for _, name, _ in checks])
            buckets = []
            for scope, name, limit in checks:
                old = stored.get(name)
                previous = None if old is None else TokenBucket(
                    float(old.capacity), old.capacity / (old.window_ms / 1000), old.tokens, old.updated_at / 1000)
                bucket = sized(previous, limit, window_ms / 1000, now)
                buckets.append((scope, name, bucket, 0 if old is None else old.quiet_until))
            for scope, name, bucket, quiet_until in buckets:
                wait = bucket.wait(now)
                if wait > 0:
                    notify = at >= quiet_until
                    if notify:
                        await self._save(tx, name, bucket, window_ms, at + window_ms)
                    return Limited(scope, wait, notify)
            for _, name, bucket, quiet_until in buckets:
                bucket.tokens -= 1
                await self._save(tx, name, bucket, window_ms, quiet_until)
        return None

    @staticmethod
    async def _save(tx: Transaction, name: str, bucket: TokenBucket, window_ms: int,
                    quiet_until: int) -> None:
        updated = round(bucket.updated * 1000)
        full_at = updated + math.ceil(bucket.full_in() * 1000)
        await ratelimits.save(tx, StoredBucket(name, bucket.tokens, int(bucket.capacity), window_ms, updated,
                                               quiet_until), idle_at=max(full_at, quiet_until))

    async def _prune(self, at: int) -> None:
        """Now and then, forget buckets that are full and quiet again (they are the same as none)."""
        if at - self._pruned >= self.PRUNE_EVERY_MS:
            self._pruned = at
            await ratelimits.prune(self._db, before=at)


class HostBusy(ArticleError):
    """A new page from a host that had its share of fetches this minute (not cached as the page's failure)."""

    def __init__(self, host: str, limited: Limited) -> None:
        super().__init__(f"I've read many pages from {host} in the last minute; try this one again in about "
                         f"{limited.minutes} min.")
        self.limited = limited


class HostLimits:
    """Fetches per host per minute, whoever asked: a cached article costs nothing, a new URL one token."""

    def __init__(self, per_minute: int, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = monotonic
        self._buckets = Buckets()

    def take(self, host: str) -> Limited | None:
        if self.per_minute <= 0:
            return None
        now = self._clock()
        bucket = self._buckets.get(host.lower(), self.per_minute, 60.0, now)
        wait = bucket.wait(now)
        if wait > 0:
            return Limited("host", wait, notify=True)
        bucket.tokens -= 1
        return None
