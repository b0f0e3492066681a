"""Time in storage is UTC unix milliseconds; these helpers convert at the edges."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DISCORD_EPOCH_MS = 1_420_070_400_000
_PERIOD = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def to_ms(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def minute(value_ms: int) -> str:
    """The UTC minute for people to read in reports: "2025-04-16 09:30"."""
    return from_ms(value_ms).strftime("%Y-%m-%d %H:%M")


def iso(value_ms: int | None) -> str | None:
    return None if value_ms is None else from_ms(value_ms).isoformat().replace("+00:00", "Z")


def snowflake_ms(snowflake: int) -> int:
    return (snowflake >> 22) + DISCORD_EPOCH_MS


def ms_to_snowflake(value_ms: int) -> int:
    """The smallest snowflake at that instant (for "messages after time T" queries)."""
    return max(0, value_ms - DISCORD_EPOCH_MS) << 22


MAX_PERIOD = timedelta(days=3660)   # ten years: longer than any retention, short enough for any clock


@dataclass(frozen=True, slots=True)
class Period:
    """A span back from now, as members and scripts write it ("7d")."""
    text: str
    length: timedelta

    @classmethod
    def parse(cls, text: str) -> Period:
        """'7d', '24h', '30m', '2w'; raises ValueError with a readable message."""
        match = _PERIOD.match(text or "")
        if not match:
            raise ValueError(f"{text!r} is not a period like 24h, 7d or 30d")
        count, unit = int(match.group(1)), match.group(2).lower()
        if count * _UNITS[unit] > MAX_PERIOD.total_seconds():
            raise ValueError(f"{text!r} is longer than ten years")
        return cls(f"{count}{unit}", timedelta(seconds=count * _UNITS[unit]))

    def start(self, until_ms: int | None = None) -> int:
        """The instant (unix ms) the period before `until_ms` (default now) begins."""
        return (now_ms() if until_ms is None else until_ms) - int(self.length.total_seconds() * 1000)


def period_start(text: str, until_ms: int | None = None) -> int:
    """The instant (unix ms) a period like '7d' before `until_ms` (default now) begins; ValueError if bad."""
    return Period.parse(text).start(until_ms)


def parse_period(text: str) -> timedelta:
    """'7d', '24h', '30m', '2w' -> timedelta; raises ValueError with a readable message."""
    return Period.parse(text).length
