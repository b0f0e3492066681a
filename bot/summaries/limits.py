"""Rate limits for work nobody explicitly asked for: automatic summaries per member and per channel, and
fetches per host (so query-string variants of one page cannot multiply fetches).

Token buckets: a burst up to the limit, then one more every `window / limit`. When a member or a channel
is limited, the first refusal in a window carries a polite line (`notify`), later ones are silent: a
warning on every link would be the very flood the limit is there to stop.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Literal

from bot.app.errors import ArticleError

MAX_KEYS = 10_000   # buckets kept before full (idle) ones are forgotten


@dataclass(slots=True)
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0 when one is)."""
        self.refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second


class Buckets:
    """One bucket per key, resized when the limit for that key changes."""

    def __init__(self) -> None:
        self._buckets: dict[Hashable, TokenBucket] = {}

    def get(self, key: Hashable, limit: int, window: float, now: float) -> TokenBucket:
        rate = limit / window
        bucket = self._buckets.get(key)
        if bucket is None or bucket.capacity != limit or bucket.per_second != rate:
            tokens = float(limit)
            if bucket is not None:   # a changed limit keeps what was used: 1 of 1 used, raised to 3, 2 left
                bucket.refill(now)
                tokens = max(0.0, min(float(limit), bucket.tokens + limit - bucket.capacity))
            bucket = self._buckets[key] = TokenBucket(float(limit), rate, tokens, now)
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
    """Automatic (link and reaction) summaries per member and per channel of a guild."""

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._clock = monotonic
        self._buckets = Buckets()
        self._quiet_until: dict[Hashable, float] = {}

    def take(self, *, guild_id: int, channel_id: int, user_id: int, member_limit: int, channel_limit: int,
             window_minutes: int) -> Limited | None:
        """Take one summary from both the member's and the channel's bucket, or neither; None when allowed.
        A limit of 0 means no limit."""
        now, window = self._clock(), window_minutes * 60.0
        checks: list[tuple[Literal["member", "channel"], Hashable, int]] = [
            ("member", ("member", guild_id, user_id), member_limit),
            ("channel", ("channel", guild_id, channel_id), channel_limit)]
        buckets = [(scope, key, self._buckets.get(key, limit, window, now))
                   for scope, key, limit in checks if limit > 0]
        for scope, key, bucket in buckets:
            wait = bucket.wait(now)
            if wait > 0:
                notify = now >= self._quiet_until.get(key, 0.0)
                if notify:
                    self._quiet_until[key] = now + window
                    if len(self._quiet_until) > MAX_KEYS:
                        self._quiet_until = {k: t for k, t in self._quiet_until.items() if t > now}
                return Limited(scope, wait, notify)
        for _, _, bucket in buckets:
            bucket.tokens -= 1
        return None


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
