"""Snowflakes and timestamps the way Discord makes them.

Ids are real snowflakes (milliseconds since the Discord epoch shifted left by 22 bits, plus a counter),
so ids order by creation time and discord.py's `snowflake_time`, `history(before=datetime)` and friends
work on the fake exactly as on Discord.
"""

from __future__ import annotations

import datetime as dt

DISCORD_EPOCH_MS = 1_420_070_400_000
_COUNTER_BITS = 22
_COUNTER_MASK = (1 << _COUNTER_BITS) - 1
_EPOCH = dt.datetime.fromtimestamp(DISCORD_EPOCH_MS / 1000, dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """Discord's ISO 8601 timestamp format (always with an explicit UTC offset)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()


def snowflake_time(snowflake: int) -> dt.datetime:
    ms = (snowflake >> _COUNTER_BITS) + DISCORD_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def shard_of(snowflake: int, shard_count: int) -> int:
    """The gateway shard that carries a guild: (guild_id >> 22) % shard_count, as Discord computes it."""
    return (snowflake >> _COUNTER_BITS) % shard_count


def on_shard(near: dt.datetime, shard_id: int, shard_count: int) -> dt.datetime:
    """The latest millisecond at or before `near` whose snowflakes land on `shard_id` of `shard_count`."""
    if not 0 <= shard_id < shard_count:
        raise ValueError(f"shard {shard_id} is not in 0..{shard_count - 1}")
    ms = int(near.timestamp() * 1000) - DISCORD_EPOCH_MS
    ms -= (ms - shard_id) % shard_count
    # Half a millisecond in, so float rounding in `timestamp()` cannot move it to a neighbour.
    return _EPOCH + dt.timedelta(milliseconds=ms, microseconds=500)


class SnowflakeFactory:
    """Hands out unique snowflakes; ids minted "now" strictly increase, back-dated ones sort by their time."""

    def __init__(self) -> None:
        self._counter = 0
        self._last_now = 0
        self._issued: set[int] = set()

    def next(self, at: dt.datetime | None = None) -> int:
        if at is None:
            candidate = self._mint(utcnow())
            # Two ids minted in the same millisecond must still order by creation.
            candidate = max(candidate, self._last_now + 1)
            self._last_now = candidate
        else:
            candidate = self._mint(at)
        while candidate in self._issued:
            candidate += 1
        self._issued.add(candidate)
        return candidate

    def _mint(self, at: dt.datetime) -> int:
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        ms = int(at.timestamp() * 1000) - DISCORD_EPOCH_MS
        if ms < 0:
            raise ValueError(f"{at!r} is before the Discord epoch")
        self._counter = (self._counter + 1) & 0xFFF
        return (ms << _COUNTER_BITS) | self._counter
