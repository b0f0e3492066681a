"""Reading the conversation log: full-text search and export rows (on the read connection)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.store.location import Location

_WORD = re.compile(r"\w+", re.UNICODE)


# The match, and the ranking (best first), per backend. SQLite: the FTS5 table and bm25(). PostgreSQL: the
# generated tsvector column (GIN index) and websearch_to_tsquery, which never fails on user input; given
# the same quoted words it ANDs them just as FTS5 does.
_FULL_TEXT = {
    "sqlite": ("messages_fts JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?",
               "bm25(messages_fts)"),
    "postgres": ("messages m, websearch_to_tsquery('simple', ?) q WHERE m.content_tsv @@ q",
                 "ts_rank(m.content_tsv, q) DESC"),
}


def fts_query(text: str) -> str | None:
    """Quote every word so user input can never be read as search syntax; words are ANDed."""
    words = _WORD.findall(text)
    return " ".join(f'"{w}"' for w in words[:20]) or None


def _narrow(sql: list[str], params: list[Any], prefix: str, *, author_id: int | None = None,
            channel_id: int | None = None, since: int | None = None, thread_id: int | None = None) -> None:
    """Append the optional member, channel (a channel includes its threads), thread and time filters shared
    by search and export."""
    for condition, value in ((f"{prefix}author_id = ?", author_id), (f"{prefix}channel_id = ?", channel_id),
                             (f"{prefix}thread_id = ?", thread_id), (f"{prefix}created_at >= ?", since)):
        if value is not None:
            sql.append(f"AND {condition}")
            params.append(value)


@dataclass(frozen=True, slots=True)
class SearchHit:
    message_id: int
    guild_id: int
    channel_id: int
    thread_id: int | None
    author_id: int
    author_name: str | None
    content: str
    created_at: int
    deleted: bool

    @property
    def location(self) -> Location:
        return Location(self.channel_id, self.thread_id)


async def search(db: Database, guild_id: int, query: str, *, author_id: int | None = None,
                 channel_id: int | None = None, since: int | None = None, limit: int = 10,
                 thread_id: int | None = None) -> list[SearchHit]:
    match = fts_query(query)
    if match is None:
        return []
    source, rank = _FULL_TEXT[db.dialect.name]
    sql = ["SELECT m.id, m.guild_id, m.channel_id, m.thread_id, m.author_id, m.author_name, m.content, "
           f"m.created_at, m.deleted_at FROM {source} AND m.guild_id = ? AND m.content IS NOT NULL"]
    params: list[Any] = [match, guild_id]
    _narrow(sql, params, "m.", author_id=author_id, channel_id=channel_id, since=since, thread_id=thread_id)
    sql.append(f"ORDER BY {rank}, m.id DESC LIMIT ?")
    params.append(limit)
    rows = await db.fetchall(" ".join(sql), params, read=True)
    return [SearchHit(r["id"], r["guild_id"], r["channel_id"], r["thread_id"], r["author_id"], r["author_name"],
                      r["content"], r["created_at"], r["deleted_at"] is not None) for r in rows]


EXPORT_COLUMNS = ("id", "guild_id", "channel_id", "thread_id", "author_id", "author_name", "author_bot",
                  "webhook_id", "type", "content", "created_at", "edited_at", "deleted_at", "reply_to",
                  "attachments", "embeds", "stickers")


async def export_rows(db: Database, guild_id: int, *, channel_id: int | None = None, since: int | None = None,
                      chunk: int = 2_000, thread_id: int | None = None) -> AsyncIterator[dict[str, Any]]:
    """Messages in id order, streamed in chunks (keyset pagination keeps memory flat on big logs)."""
    after = 0
    while True:
        sql = [f"SELECT {', '.join(EXPORT_COLUMNS)} FROM messages WHERE guild_id = ? AND id > ?"]
        params: list[Any] = [guild_id, after]
        _narrow(sql, params, "", channel_id=channel_id, since=since, thread_id=thread_id)
        sql.append("ORDER BY id LIMIT ?")
        params.append(chunk)
        rows = await db.fetchall(" ".join(sql), params, read=True)
        for row in rows:
            item = dict(row)
            for key in ("attachments", "embeds", "stickers"):
                item[key] = json.loads(item[key]) if item[key] else []
            item["author_bot"] = bool(item["author_bot"])
            yield item
        if len(rows) < chunk:
            return
        after = rows[-1]["id"]


async def revisions(db: Database, message_id: int) -> list[dict[str, Any]]:
    rows = await db.fetchall("SELECT old_content, new_content, edited_at FROM message_revisions "
                             "WHERE message_id = ? ORDER BY edited_at", (message_id,), read=True)
    return [dict(r) for r in rows]


# -- the live log: what the log stored about messages that were just edited or deleted ---------------

@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    guild_id: int
    location: Location
    author_id: int
    author_name: str | None
    author_bot: bool
    content: str | None          # only kept content: None when opted out, forgotten or purged
    private: bool                # the content may not be shown (opted out, forgotten, purged)
    created_at: int
    attachments: list[str]       # file names


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


async def stored_messages(db: Database, message_ids: list[int], *, chunk: int = 500) -> dict[int, StoredMessage]:
    out: dict[int, StoredMessage] = {}
    for start in range(0, len(message_ids), chunk):
        part = message_ids[start:start + chunk]
        rows = await db.fetchall(
            "SELECT id, guild_id, channel_id, thread_id, author_id, author_name, author_bot, content, "
            f"content_state, created_at, attachments FROM messages WHERE id IN ({_marks(part)})", part, read=True)
        for r in rows:
            kept = r["content_state"] == 0
            files = [a.get("filename") or "file" for a in json.loads(r["attachments"])] if kept and r["attachments"] \
                else []
            out[r["id"]] = StoredMessage(r["id"], r["guild_id"], Location(r["channel_id"], r["thread_id"]),
                                         r["author_id"], r["author_name"], bool(r["author_bot"]),
                                         r["content"] if kept else None, not kept, r["created_at"], files)
    return out


async def revisions_at(db: Database, message_ids: list[int], *, chunk: int = 500
                       ) -> dict[tuple[int, int], tuple[str | None, str | None]]:
    """(message id, edited_at) -> (text before, text after) of the stored revisions of these messages."""
    out: dict[tuple[int, int], tuple[str | None, str | None]] = {}
    for start in range(0, len(message_ids), chunk):
        part = message_ids[start:start + chunk]
        for r in await db.fetchall("SELECT message_id, old_content, new_content, edited_at FROM message_revisions "
                                   f"WHERE message_id IN ({_marks(part)})", part, read=True):
            out[(r["message_id"], r["edited_at"])] = (r["old_content"], r["new_content"])
    return out
