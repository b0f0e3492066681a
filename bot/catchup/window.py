"""Which stretch of conversation a catch-up covers: since the member's last message there (the default),
since a period ("6h", "2d"), or since a message (its link)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.store import catchup as store
from bot.store.db import Database
from bot.store.location import Location
from bot.util.timeutil import Period, now_ms, snowflake_ms

DEFAULT_PERIOD = Period.parse("24h")   # when the member never posted there
_LINK = re.compile(r"<?https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/(\d+)/(\d+)/(\d+)/?>?",
                   re.IGNORECASE)

Basis = Literal["last_message", "period", "message", "default"]


@dataclass(frozen=True, slots=True)
class MessageLink:
    guild_id: int
    channel_id: int        # where the message is (a thread's own id when in one)
    message_id: int


Since = Period | MessageLink | None    # None: since the member's last message


def parse_since(text: str | None) -> Since:
    """A period like '6h' or '2d', or a message link; None for nothing. ValueError names what is wrong."""
    if text is None or not text.strip():
        return None
    found = _LINK.fullmatch(text.strip())
    if found:
        guild, channel, message = (int(g) for g in found.groups())
        return MessageLink(guild, channel, message)
    try:
        return Period.parse(text)
    except ValueError:
        raise ValueError(f"{text.strip()[:100]!r} is neither a period like 6h or 2d nor a message link") from None


@dataclass(frozen=True, slots=True)
class Window:
    guild_id: int
    location: Location      # a channel (with its threads), or one thread
    since_ms: int
    until_ms: int
    basis: Basis
    period: str | None = None
    after_id: int | None = None     # the window starts after this message (ids order messages exactly)

    @property
    def label(self) -> str:
        if self.basis == "last_message":
            return "since your last message"
        if self.basis == "message":
            return "since that message"
        if self.basis == "default":
            return f"in the last {self.period} (you haven't posted here)"
        return f"in the last {self.period}"


async def resolve_window(db: Database, guild_id: int, location: Location, since: Since, *,
                         member_id: int | None, until_ms: int | None = None) -> Window:
    until = now_ms() + 1 if until_ms is None else until_ms
    if isinstance(since, MessageLink):
        return Window(guild_id, location, min(snowflake_ms(since.message_id), until), until, "message",
                      after_id=since.message_id)
    if isinstance(since, Period):
        return Window(guild_id, location, since.start(until), until, "period", since.text)
    last = None if member_id is None else await store.last_message_id(db, guild_id, member_id, location)
    if last is not None and snowflake_ms(last) < until:
        return Window(guild_id, location, snowflake_ms(last), until, "last_message", after_id=last)
    basis: Basis = "default" if member_id is not None else "period"
    return Window(guild_id, location, DEFAULT_PERIOD.start(until), until, basis, DEFAULT_PERIOD.text)
