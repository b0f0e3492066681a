"""Builders for log rows used by store and writer tests."""

from __future__ import annotations

from typing import Any

from bot.logbook.rows import MessageRow
from bot.util.timeutil import DISCORD_EPOCH_MS

BASE_MS = 1_790_000_000_000


def snowflake(ms: int, seq: int = 0) -> int:
    return ((ms - DISCORD_EPOCH_MS) << 22) | (seq & 0x3FFFFF)


def row(i: int, *, guild: int = 1, channel: int = 10, author: int = 100, content: str | None = None,
        at: int | None = None, **extra: Any) -> MessageRow:
    created = at if at is not None else BASE_MS + i * 1000
    return MessageRow(
        id=snowflake(created, i), guild_id=guild, channel_id=channel, thread_id=extra.pop("thread_id", None),
        author_id=author, author_name=extra.pop("author_name", f"user{author}"), author_bot=False,
        webhook_id=None, type=0, content=f"message {i} about the harbour ferry timetable" if content is None
        else content, created_at=created, **extra)
