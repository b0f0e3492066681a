"""SQL of moderator reports: every figure is aggregated in SQLite on the read connection.

Index use (checked by bench/report.py with EXPLAIN QUERY PLAN):
- a guild-wide period reads `messages_guild_time (guild_id, created_at)`;
- a channel or member filter adds an id range: message ids are Discord snowflakes whose time part is
  `created_at` (discord.py derives `created_at` from the id), so `messages_channel_id (channel_id, id)`
  and `messages_author (guild_id, author_id[, rowid])` bound the scan to the period; `+created_at` (unary
  plus) keeps the planner off the guild-wide time index and still filters exactly;
- a member's first message ever is `min(id)` on `messages_author`: one index seek per active member;
- deletes read the partial index `messages_deleted`; `+guild_id` keeps the planner on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.store.moderation import Flag, flag_from_row
from bot.util.timeutil import ms_to_snowflake

HOUR_MS = 3_600_000
_NOT_OPTED_OUT = ("NOT EXISTS (SELECT 1 FROM privacy p WHERE p.guild_id = {t}.guild_id "
                  "AND p.user_id = {t}.{user} AND p.opted_out = 1)")


@dataclass(frozen=True, slots=True)
class Scope:
    guild_id: int
    since_ms: int
    until_ms: int
    channel_id: int | None = None
    member_id: int | None = None

    def messages(self, t: str = "messages") -> tuple[str, list[Any]]:
        """WHERE clause selecting the scope's messages through the best index."""
        if self.channel_id is None and self.member_id is None:
            return (f"{t}.guild_id = ? AND {t}.created_at >= ? AND {t}.created_at < ?",
                    [self.guild_id, self.since_ms, self.until_ms])
        clauses: list[str] = []
        params: list[Any] = []
        if self.member_id is not None:
            clauses.append(f"{t}.guild_id = ? AND {t}.author_id = ?")
            params += [self.guild_id, self.member_id]
        if self.channel_id is not None:
            # A member's messages are fewer than a channel's: with both filters, stay on messages_author.
            if self.member_id is None:
                clauses.append(f"{t}.channel_id = ? AND +{t}.guild_id = ?")
                params += [self.channel_id, self.guild_id]
            else:
                clauses.append(f"+{t}.channel_id = ?")
                params.append(self.channel_id)
        clauses.append(f"{t}.id >= ? AND {t}.id < ? AND +{t}.created_at >= ? AND +{t}.created_at < ?")
        params += [*self.id_bounds(), self.since_ms, self.until_ms]
        return " AND ".join(clauses), params

    def id_bounds(self) -> tuple[int, int]:
        """Snowflake range holding the period's messages, with a millisecond of slack each side (the
        exact filter is always created_at)."""
        return ms_to_snowflake(max(0, self.since_ms - 1)), ms_to_snowflake(self.until_ms + 1)

    def table(self, t: str, time: str, *, channel: str | None = "channel_id", user: str | None = None
              ) -> tuple[str, list[Any]]:
        """WHERE clause for a side table with (guild_id, <time>) columns and optional channel/user columns."""
        clauses = [f"{t}.guild_id = ? AND {t}.{time} >= ? AND {t}.{time} < ?"]
        params: list[Any] = [self.guild_id, self.since_ms, self.until_ms]
        if self.channel_id is not None and channel is not None:
            clauses.append(f"{t}.{channel} = ?")
            params.append(self.channel_id)
        if self.member_id is not None and user is not None:
            clauses.append(f"{t}.{user} = ?")
            params.append(self.member_id)
        return " AND ".join(clauses), params


async def activity(db: Database, scope: Scope) -> list[tuple[int, int, int]]:
    """(channel_id, hour number since the epoch, messages) for the scope."""
    where, params = scope.messages()
    rows = await db.fetchall(
        f"SELECT channel_id, created_at / {HOUR_MS} AS h, count(*) AS n FROM messages WHERE {where} "
        "GROUP BY channel_id, h", params, read=True)
    return [(r["channel_id"], r["h"], r["n"]) for r in rows]


async def members(db: Database, scope: Scope) -> tuple[int, int]:
    """(active members, new participants): authors in the scope, and those whose first message ever in
    the guild falls in the period."""
    first = db.dialect.flag("(SELECT f.created_at FROM messages f WHERE f.id = (SELECT min(m2.id) FROM messages m2 "
                            "WHERE m2.guild_id = ? AND m2.author_id = a.author_id)) >= ?")
    first_in_period = f"coalesce(sum({first}), 0) AS new"
    if scope.channel_id is None and scope.member_id is None:
        # Guild-wide: one seek per known author ("any message in the period?") on messages_author beats
        # reading every message of the period; the author list is bounded by retention.
        lo, hi = scope.id_bounds()
        row = await db.fetchone(
            f"SELECT count(*) AS active, {first_in_period} FROM (SELECT DISTINCT author_id FROM messages "
            "WHERE guild_id = ?) a WHERE EXISTS (SELECT 1 FROM messages m WHERE m.guild_id = ? "
            "AND m.author_id = a.author_id AND m.id >= ? AND m.id < ? AND +m.created_at >= ? "
            "AND +m.created_at < ?)",
            [scope.guild_id, scope.since_ms, scope.guild_id, scope.guild_id, lo, hi, scope.since_ms,
             scope.until_ms], read=True)
    else:
        where, params = scope.messages()
        row = await db.fetchone(
            f"SELECT count(*) AS active, {first_in_period} FROM "
            f"(SELECT author_id FROM messages WHERE {where} GROUP BY author_id) a",
            [scope.guild_id, scope.since_ms, *params], read=True)
    return (0, 0) if row is None else (int(row["active"]), int(row["new"]))


async def edits(db: Database, scope: Scope) -> int:
    if scope.channel_id is None and scope.member_id is None:
        row = await db.fetchone(
            "SELECT count(*) FROM message_revisions WHERE guild_id = ? AND edited_at >= ? AND edited_at < ?",
            (scope.guild_id, scope.since_ms, scope.until_ms), read=True)
    else:
        extra, params = _message_columns(scope, "m")
        row = await db.fetchone(
            "SELECT count(*) FROM message_revisions r JOIN messages m ON m.id = r.message_id "
            f"WHERE r.guild_id = ? AND r.edited_at >= ? AND r.edited_at < ? {extra}",
            (scope.guild_id, scope.since_ms, scope.until_ms, *params), read=True)
    return int(row[0]) if row else 0


async def deletes(db: Database, scope: Scope) -> int:
    extra, params = _message_columns(scope, "messages")
    row = await db.fetchone(
        f"SELECT count(*) FROM messages WHERE deleted_at >= ? AND deleted_at < ? AND +guild_id = ? {extra}",
        (scope.since_ms, scope.until_ms, scope.guild_id, *params), read=True)
    return int(row[0]) if row else 0


def _message_columns(scope: Scope, t: str) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if scope.channel_id is not None:
        clauses.append(f"AND +{t}.channel_id = ?")
        params.append(scope.channel_id)
    if scope.member_id is not None:
        clauses.append(f"AND +{t}.author_id = ?")
        params.append(scope.member_id)
    return " ".join(clauses), params


async def links(db: Database, scope: Scope) -> tuple[int, list[tuple[str, int]]]:
    """(links shared, [(url, times)] of links whose poster has not opted out and whose message is kept)."""
    where, params = scope.table("sl", "created_at", user="user_id")
    total = await db.fetchone(f"SELECT count(*) FROM shared_links sl WHERE {where}", params, read=True)
    rows = await db.fetchall(
        f"SELECT sl.url, count(*) AS n FROM shared_links sl LEFT JOIN messages m ON m.id = sl.message_id "
        f"WHERE {where} AND coalesce(m.content_state, 0) = 0 AND "
        f"{_NOT_OPTED_OUT.format(t='sl', user='user_id')} GROUP BY sl.url", params, read=True)
    return (int(total[0]) if total else 0), [(r["url"], int(r["n"])) for r in rows]


async def summaries(db: Database, scope: Scope) -> int:
    where, params = scope.table("s", "created_at", user="requested_by")
    row = await db.fetchone(f"SELECT count(*) FROM summary_posts s WHERE {where}", params, read=True)
    return int(row[0]) if row else 0


async def questions(db: Database, scope: Scope) -> tuple[int, int]:
    """(questions asked, answered from the article)."""
    where, params = scope.table("q", "created_at", user="user_id")
    row = await db.fetchone(
        f"SELECT count(*) AS n, coalesce(sum({db.dialect.flag('answerable <> 0')}), 0) AS answered "
        f"FROM questions q WHERE {where}",
        params, read=True)
    return (0, 0) if row is None else (int(row["n"]), int(row["answered"]))


async def flag_counts(db: Database, scope: Scope) -> list[tuple[str, int]]:
    where, params = scope.table("f", "created_at", user="author_id")
    rows = await db.fetchall(
        f"SELECT category, count(*) AS n FROM flags f WHERE {where} "
        "GROUP BY category ORDER BY n DESC, category",
        params, read=True)
    return [(r["category"], int(r["n"])) for r in rows]


async def top_flags(db: Database, scope: Scope, per_category: int) -> list[Flag]:
    """The highest-scoring, most recent flags of each category."""
    where, params = scope.table("f", "created_at", user="author_id")
    rows = await db.fetchall(
        "SELECT * FROM (SELECT f.*, row_number() OVER (PARTITION BY category "
        f"ORDER BY score DESC, created_at DESC, id DESC) AS rk FROM flags f WHERE {where}) ranked "
        "WHERE rk <= ? ORDER BY category, rk", [*params, per_category], read=True)
    return [flag_from_row(r) for r in rows]


async def channel_texts(db: Database, scope: Scope, channel_id: int, limit: int) -> list[str]:
    """The most recent readable texts of a channel in the scope, oldest first: kept content only (never
    opted-out, forgotten or purged), not deleted, not from bots."""
    channel_scope = Scope(scope.guild_id, scope.since_ms, scope.until_ms, channel_id, scope.member_id)
    where, params = channel_scope.messages()
    rows = await db.fetchall(
        f"SELECT content FROM messages WHERE {where} AND content IS NOT NULL AND content_state = 0 "
        "AND deleted_at IS NULL AND author_bot = 0 AND webhook_id IS NULL AND "
        f"{_NOT_OPTED_OUT.format(t='messages', user='author_id')} ORDER BY id DESC LIMIT ?",
        [*params, limit], read=True)
    return [r["content"] for r in reversed(rows)]
