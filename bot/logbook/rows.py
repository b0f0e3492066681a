"""What the conversation log stores: plain rows built by the cog, written by the log writer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, overload

from bot.store.location import Location

# Lone surrogates cannot be encoded as UTF-8 (SQLite would refuse the row); replace, never drop.
_SURROGATE = re.compile("[\ud800-\udfff]")


@overload
def clean_text(text: str) -> str: ...
@overload
def clean_text(text: None) -> None: ...
def clean_text(text: str | None) -> str | None:
    if text is None or text.isascii():   # isascii() is O(1) on CPython: the hot path skips the regex
        return text
    return _SURROGATE.sub("\ufffd", text)


@dataclass(slots=True)
class MessageRow:
    id: int
    guild_id: int
    channel_id: int             # the text channel (a thread's parent)
    thread_id: int | None
    author_id: int
    author_name: str | None
    author_bot: bool
    webhook_id: int | None
    type: int
    content: str | None         # None when the author opted out
    created_at: int             # unix ms
    reply_to: int | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)
    stickers: list[str] = field(default_factory=list)
    edited_at: int | None = None
    opted_out: bool = False
    # False while a gap before this message may still be waiting for backfill: the channel's cursor
    # ("everything up to here is logged") must then not move past the gap.
    advance_cursor: bool = True

    @property
    def from_bot(self) -> bool:
        """Bots and webhooks are logged only when the guild asks for it."""
        return self.author_bot or self.webhook_id is not None

    @property
    def location(self) -> Location:
        return Location(self.channel_id, self.thread_id)

    @property
    def where(self) -> int:
        """The channel Discord's history API knows it under (the thread, when in one)."""
        return self.thread_id or self.channel_id


@dataclass(slots=True)
class Edit:
    message_id: int
    guild_id: int
    content: str | None
    edited_at: int
    message: MessageRow | None = None   # full message when the event carried one (logs it if missing)


@dataclass(slots=True)
class Delete:
    message_ids: list[int]
    guild_id: int
    deleted_at: int
    location: Location | None = None   # where the event said they were (the live log checks exclusions)


@dataclass(slots=True)
class Cursor:
    """Everything in a channel (or thread) up to `last_message_id` is logged: backfill resumes after it."""
    channel_id: int
    guild_id: int
    last_message_id: int


@dataclass(slots=True)
class ThreadEvent:
    id: int
    guild_id: int
    parent_id: int
    name: str | None
    owner_id: int | None
    created_at: int
    archived_at: int | None = None
    deleted_at: int | None = None
    kind: str = "create"          # create | archive | delete | seen (found after a gap; added if unknown)
