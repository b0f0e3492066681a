"""SQL of /catchup: a channel's (or a thread's) logged conversation over a window, on the read connection.

A channel's window reads `messages_channel_id (channel_id, id)` bounded by the window's snowflake range
(see bot/store/reports.py), so its cost follows the window, not the log. Readable means: kept content
(never opted-out, forgotten or purged), not deleted, from a member (not a bot or webhook), an ordinary
message or reply, and its author has not opted out since (opting out hides what they wrote before too).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.store.location import Location
from bot.store.reports import Scope

NOT_OPTED_OUT = ("NOT EXISTS (SELECT 1 FROM privacy p WHERE p.guild_id = {t}.guild_id "
                 "AND p.user_id = {t}.{user} AND p.opted_out = 1)")
CHAT_TYPES = (0, 19)                 # default messages and replies; not joins, pins or thread notices
MAX_THREADS = 500                    # threads of one channel a window may cover
SCAN_LIMIT = 50_000                  # newest messages of a window looked at for threads and counts


@dataclass(frozen=True, slots=True)
class Span:
    """Where and when: a channel with the threads the reader may see, or one thread, over [since, until)."""
    guild_id: int
    location: Location
    since_ms: int
    until_ms: int
    threads: Collection[int] | None = None    # for a channel: its readable threads (None: none of them)
    after_id: int | None = None               # only messages after this one

    def channel_where(self, t: str = "messages") -> tuple[str, list[Any]]:
        """The channel's messages (its threads included) in the window."""
        where, params = Scope(self.guild_id, self.since_ms, self.until_ms, self.location.channel_id).messages(t)
        if self.after_id is not None:
            where, params = f"{where} AND {t}.id > ?", [*params, self.after_id]
        return where, params

    def where(self, t: str = "messages") -> tuple[str, list[Any]]:
        """The span's messages: the thread's, or the channel's outside threads and in the readable ones."""
        where, params = self.channel_where(t)
        if self.location.thread_id is not None:
            return f"{where} AND {t}.thread_id = ?", [*params, self.location.thread_id]
        threads = sorted(self.threads or ())[-MAX_THREADS:]
        if not threads:
            return f"{where} AND {t}.thread_id IS NULL", params
        marks = ",".join("?" * len(threads))
        return f"{where} AND ({t}.thread_id IS NULL OR {t}.thread_id IN ({marks}))", [*params, *threads]


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    id: int
    thread_id: int | None
    author_id: int
    author_name: str | None
    content: str
    reply_to: int | None
    created_at: int


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    user_id: int
    question: str
    answer: str | None
    answerable: bool
    url: str | None
    created_at: int


@dataclass(frozen=True, slots=True)
class LinkSummary:
    url: str
    title: str
    tldr: str


@dataclass(frozen=True, slots=True)
class PostedSummary:
    message_id: int
    location: Location


async def last_message_id(db: Database, guild_id: int, author_id: int, location: Location) -> int | None:
    """The member's newest logged message in the channel (any of its threads) or in the thread."""
    sql = "SELECT max(id) FROM messages WHERE guild_id = ? AND author_id = ? AND +channel_id = ?"
    params: list[Any] = [guild_id, author_id, location.channel_id]
    if location.thread_id is not None:
        sql += " AND +thread_id = ?"
        params.append(location.thread_id)
    row = await db.fetchone(sql, params, read=True)
    return None if row is None or row[0] is None else int(row[0])


async def thread_parent(db: Database, thread_id: int) -> int | None:
    """The channel a logged thread belongs to, or None for an id that is not a known thread."""
    row = await db.fetchone("SELECT parent_id FROM threads WHERE id = ?", (thread_id,), read=True)
    return None if row is None else int(row[0])


async def thread_ids(db: Database, guild_id: int, channel_id: int, since_ms: int, until_ms: int,
                     after_id: int | None = None, scan: int = SCAN_LIMIT) -> list[int]:
    """Threads of the channel with logged messages among the window's newest `scan` messages (a window
    reaching far back is read from its newest end, so older threads could not make it in anyway)."""
    where, params = Span(guild_id, Location(channel_id), since_ms, until_ms, (), after_id).channel_where()
    rows = await db.fetchall(
        f"SELECT DISTINCT thread_id FROM (SELECT thread_id FROM messages WHERE {where} ORDER BY id DESC "
        "LIMIT ?) recent WHERE thread_id IS NOT NULL", [*params, scan], read=True)
    return sorted(int(r[0]) for r in rows)


async def logged_count(db: Database, span: Span, cap: int = SCAN_LIMIT) -> int:
    """Logged messages of the span, readable or not, counted up to `cap` (to tell "nothing logged" from
    "nothing readable" without counting a year of messages)."""
    where, params = span.where()
    row = await db.fetchone(f"SELECT count(*) FROM (SELECT 1 FROM messages WHERE {where} LIMIT ?) capped",
                            [*params, cap], read=True)
    return int(row[0]) if row else 0


async def readable_messages(db: Database, span: Span, limit: int) -> tuple[list[LoggedMessage], bool]:
    """The newest `limit` readable messages of the span, oldest first, and whether there were more."""
    where, params = span.where()
    types = ",".join(str(t) for t in CHAT_TYPES)
    rows = await db.fetchall(
        f"SELECT id, thread_id, author_id, author_name, content, reply_to, created_at FROM messages "
        f"WHERE {where} AND content IS NOT NULL AND content_state = 0 AND deleted_at IS NULL "
        f"AND author_bot = 0 AND webhook_id IS NULL AND type IN ({types}) "
        f"AND {NOT_OPTED_OUT.format(t='messages', user='author_id')} ORDER BY id DESC LIMIT ?",
        [*params, limit + 1], read=True)
    more = len(rows) > limit
    return [LoggedMessage(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in reversed(rows[:limit])], more


async def thread_names(db: Database, guild_id: int, ids: Collection[int]) -> dict[int, str]:
    """Names of threads (forum posts' titles) whose owner has not opted out; forgotten names are NULL."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"SELECT id, name FROM threads t WHERE guild_id = ? AND id IN ({marks}) AND name IS NOT NULL "
        f"AND {NOT_OPTED_OUT.format(t='t', user='owner_id')}", [guild_id, *sorted(ids)], read=True)
    return {int(r[0]): r[1] for r in rows}


async def questions(db: Database, span: Span, limit: int) -> list[AskedQuestion]:
    """Questions members asked the bot in the span (newest `limit`, oldest first), askers not opted out."""
    clauses = ["q.guild_id = ? AND q.created_at >= ? AND q.created_at < ? AND q.channel_id = ?",
               "q.question IS NOT NULL", NOT_OPTED_OUT.format(t="q", user="user_id")]
    params: list[Any] = [span.guild_id, span.since_ms, span.until_ms, span.location.channel_id]
    if span.location.thread_id is not None:
        clauses.append("q.thread_id = ?")
        params.append(span.location.thread_id)
    else:
        threads = sorted(span.threads or ())[-MAX_THREADS:]
        clauses.append(f"(q.thread_id IS NULL OR q.thread_id IN ({','.join('?' * len(threads))}))"
                       if threads else "q.thread_id IS NULL")
        params += threads
    rows = await db.fetchall(
        f"SELECT user_id, question, answer, answerable, url, created_at FROM questions q "
        f"WHERE {' AND '.join(clauses)} ORDER BY created_at DESC, id DESC LIMIT ?", [*params, limit], read=True)
    return [AskedQuestion(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in reversed(rows)]


async def link_summaries(db: Database, urls: Collection[str]) -> dict[str, LinkSummary]:
    """The newest stored summary of each canonical URL (any provider or style), else the article's title."""
    if not urls:
        return {}
    marks = ",".join("?" * len(urls))
    ordered = sorted(urls)
    found: dict[str, LinkSummary] = {}
    rows = await db.fetchall(f"SELECT url, title, tldr FROM summaries WHERE url IN ({marks}) "
                             "ORDER BY created_at DESC", ordered, read=True)
    for r in rows:
        found.setdefault(r[0], LinkSummary(r[0], r[1], r[2]))
    rows = await db.fetchall(f"SELECT url, title FROM articles WHERE url IN ({marks}) AND title IS NOT NULL",
                             ordered, read=True)
    for r in rows:
        found.setdefault(r[0], LinkSummary(r[0], r[1], ""))
    return found


async def summary_posts(db: Database, source_ids: Collection[int]) -> dict[tuple[int, str], PostedSummary]:
    """(source message, canonical url) -> the bot's summary of that link, posted in reply."""
    if not source_ids:
        return {}
    out: dict[tuple[int, str], PostedSummary] = {}
    ids = sorted(source_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = await db.fetchall(
            f"SELECT source_message_id, url, channel_id, thread_id, message_id FROM summary_posts "
            f"WHERE source_message_id IN ({','.join('?' * len(chunk))})", chunk, read=True)
        for r in rows:
            out[(int(r[0]), r[1])] = PostedSummary(int(r[4]), Location(int(r[2]), r[3]))
    return out
