"""Discord's REST rate limits (off unless asked for): per-route buckets counted per top-level resource, and a
global limit per bot.

A bucket is a fixed window: the first request opens it for `period` seconds, `limit` requests fit in it.
Every answered request carries the bucket's X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket headers,
which is what discord.py paces itself on; a request over the limit gets a 429 with JSON `retry_after` and
`global`, `Retry-After`, `X-RateLimit-Scope` (and `X-RateLimit-Global` for the global limit) and does not
count. Interaction callbacks and interaction webhooks are outside the global limit, as on Discord.

Discord does not publish per-route figures; DISCORD_BUCKETS holds the long-observed ones. Tests shrink
every period with `RateLimits(scale=...)` so the same shape of limits costs milliseconds, not seconds.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from aiohttp import web

from .responses import bucket_for, rate_limited


@dataclass(frozen=True)
class Bucket:
    name: str  # routes sharing a name share the limit (and the X-RateLimit-Bucket hash)
    limit: int
    period: float  # seconds


_MSG = "/channels/{channel_id}/messages/{message_id}"
DISCORD_BUCKETS: Mapping[str, Bucket] = {
    "POST /channels/{channel_id}/messages": Bucket("create message", 5, 5.0),
    f"PATCH {_MSG}": Bucket("edit message", 5, 5.0),
    f"DELETE {_MSG}": Bucket("delete message", 5, 1.0),
    "POST /channels/{channel_id}/messages/bulk-delete": Bucket("bulk delete", 1, 1.0),
    f"PUT {_MSG}/reactions/{{emoji}}/@me": Bucket("reactions", 1, 0.25),
    f"DELETE {_MSG}/reactions/{{emoji}}/{{user}}": Bucket("reactions", 1, 0.25),
}
_GLOBAL_EXEMPT = ("/interactions/", "/webhooks/")


@dataclass
class RateLimits:
    """What `FakeDiscord(rate_limits=RateLimits(...))` enforces (`rate_limits=True` means these defaults)."""

    scale: float = 1.0  # multiplies every period: 0.05 runs Discord's limits twenty times faster
    global_limit: int = 50  # requests per second per bot
    routes: Mapping[str, Bucket] = field(default_factory=lambda: dict(DISCORD_BUCKETS))
    default_limit: int = 50  # every other route: this many per `default_period`, per top-level resource
    default_period: float = 1.0

    def bucket(self, route: str) -> Bucket:
        return self.routes.get(route) or Bucket(route, self.default_limit, self.default_period)


@dataclass
class _Window:
    remaining: int
    resets_at: float  # time.monotonic()


class RateLimiter:
    """Counts requests per (bucket, top-level resource); `hits` counts the 429s served, per route."""

    def __init__(self, config: RateLimits | None = None) -> None:
        self.config = config
        self.hits: Counter[str] = Counter()
        self.exhausted: Counter[str] = Counter()  # how often a request used a bucket's last slot, per route
        self._windows: dict[tuple[str, str], _Window] = {}

    def admit(self, route: str, path: str, major: str) -> tuple[web.Response | None, dict[str, str]]:
        """Count a request to `route` ("POST /channels/{channel_id}/messages") for the resource `major`.

        Returns (a 429 response, {}) when over a limit, else (None, the headers for its response).
        """
        cfg = self.config
        if cfg is None:
            return None, {}
        now = time.monotonic()
        glob = None
        if not path.startswith(_GLOBAL_EXEMPT):
            glob = self._window(("global", ""), cfg.global_limit, cfg.scale, now)
            if glob.remaining <= 0:
                self.hits[route] += 1
                return rate_limited(route, _after(glob, now), is_global=True), {}
        bucket = cfg.bucket(route)
        window = self._window((bucket.name, major), bucket.limit, bucket.period * cfg.scale, now)
        if window.remaining <= 0:
            self.hits[route] += 1
            return rate_limited(bucket.name, _after(window, now), limit=bucket.limit), {}
        window.remaining -= 1
        if glob is not None:
            glob.remaining -= 1
        if window.remaining == 0:
            self.exhausted[route] += 1
        return None, _headers(bucket, window, now)

    def _window(self, key: tuple[str, str], limit: int, period: float, now: float) -> _Window:
        window = self._windows.get(key)
        if window is None or now >= window.resets_at:
            window = self._windows[key] = _Window(limit, now + period)
        return window


def _after(window: _Window, now: float) -> float:
    """Seconds until the window resets, rounded up to the millisecond so a client never retries early."""
    return math.ceil((window.resets_at - now) * 1000) / 1000


def _headers(bucket: Bucket, window: _Window, now: float) -> dict[str, str]:
    after = _after(window, now)
    return {
        "X-RateLimit-Limit": str(bucket.limit),
        "X-RateLimit-Remaining": str(window.remaining),
        "X-RateLimit-Reset": f"{math.ceil((time.time() + after) * 1000) / 1000:.3f}",
        "X-RateLimit-Reset-After": f"{after:.3f}",
        "X-RateLimit-Bucket": bucket_for(bucket.name),
    }


def major_parameter(match_info: Mapping[str, str]) -> str:
    """The top-level resource a route's limit is counted for: channel, guild, or webhook/interaction token."""
    for key in ("channel_id", "guild_id"):
        if key in match_info:
            return f"{key}={match_info[key]}"
    if "token" in match_info:
        return f"token={match_info['token']}"
    return ""
