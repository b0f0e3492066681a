"""SQL of moderation: job cursors, the messages the flagger reads, flags and digest runs.

Member reports live in bot/store/member_reports.py.

Writes run in BEGIN IMMEDIATE transactions under the write lock; every plain read goes to the read
connection. A read left open on the writer connection between aiosqlite calls would hold an old
snapshot, and BEGIN IMMEDIATE from an old snapshot fails at once with "database is locked" when
another process wrote meanwhile (no busy wait): reading elsewhere keeps the writer connection clean.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Database, Row
from bot.store.dialect import Dialect
from bot.store.location import Location

# -- job cursors -----------------------------------------------------------------------------------

async def get_cursor(db: Database, name: str) -> int | None:
    row = await db.fetchone("SELECT value FROM job_cursors WHERE name = ?", (name,), read=True)
    return None if row is None else int(row["value"])


def _advance(dialect: Dialect) -> str:
    return ("INSERT INTO job_cursors (name, value) VALUES (?, ?) "
            f"ON CONFLICT (name) DO UPDATE SET value = {dialect.greatest('job_cursors.value', 'excluded.value')}")


async def set_cursor(db: Database, name: str, value: int) -> None:
    """Move a cursor forward (never back)."""
    await db.execute(_advance(db.dialect), (name, value))


# -- messages for the flagger ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScanRow:
    id: int
    guild_id: int
    location: Location
    author_id: int
    content: str | None       # None when opted out, forgotten or purged: never checked
    created_at: int

    @property
    def channel_id(self) -> int:
        return self.location.channel_id


def _scan(rows: Sequence[Row]) -> list[ScanRow]:
    return [ScanRow(r["id"], r["guild_id"], Location(r["channel_id"], r["thread_id"]), r["author_id"],
                    r["content"] if r["content_state"] == 0 else None, r["created_at"]) for r in rows]


async def messages_after(db: Database, after_id: int, up_to_id: int, limit: int, *,
                         shards: tuple[Sequence[int], int] | None = None) -> list[ScanRow]:
    """Committed messages with after_id < id <= up_to_id, oldest first (primary key range). The text of a
    member who has opted out since the message was logged is withheld too (it is never checked or sent).
    With `shards=(ids, count)`, only messages of guilds on these gateway shards ((guild_id >> 22) % count)."""
    where, params = "", [after_id, up_to_id]
    if shards is not None:
        ids, count = shards
        where = f" AND (m.guild_id >> 22) % ? IN ({', '.join('?' * len(ids))})"
        params += [count, *ids]
    rows = await db.fetchall(
        "SELECT m.id, m.guild_id, m.channel_id, m.thread_id, m.author_id, m.content, m.created_at, "
        "CASE WHEN EXISTS (SELECT 1 FROM privacy p WHERE p.guild_id = m.guild_id AND p.user_id = m.author_id "
        "AND p.opted_out = 1) THEN 1 ELSE m.content_state END AS content_state FROM messages m "
        f"WHERE m.id > ? AND m.id <= ?{where} ORDER BY m.id LIMIT ?", (*params, limit), read=True)
    return _scan(rows)


# -- flags -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Flag:
    guild_id: int
    location: Location
    message_id: int
    author_id: int
    category: str
    score: float
    provider: str             # "rules" or "openai"
    detail: str | None
    created_at: int           # the message's time
    flagged_at: int = 0
    id: int | None = None

    @property
    def channel_id(self) -> int:
        return self.location.channel_id

    @property
    def jump_url(self) -> str:
        """Opens the message where it is: in its thread when it was posted in one."""
        return self.location.jump_url(self.guild_id, self.message_id)


_INSERT_FLAG = (
    "INSERT INTO flags (guild_id, channel_id, thread_id, message_id, author_id, category, score, provider, "
    "detail, created_at, flagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (message_id, category, provider) DO NOTHING RETURNING id")


async def save_flags(db: Database, flags: Sequence[Flag], *,
                     cursor: tuple[str, int] | Sequence[tuple[str, int]] | None = None) -> list[Flag]:
    """Store flags (duplicates ignored) and advance a job cursor (or several) in the same transaction.

    Returns the flags that were new, with their ids."""
    cursors = [cursor] if isinstance(cursor, tuple) else list(cursor or [])
    new: list[Flag] = []
    async with db.write_transaction(f"cursor:{cursors[0][0]}" if cursors else "flags") as conn:
        for f in flags:
            row = await conn.fetchone(_INSERT_FLAG, (f.guild_id, *f.location, f.message_id, f.author_id,
                                                     f.category, f.score, f.provider, f.detail, f.created_at,
                                                     f.flagged_at))
            if row is not None:
                new.append(dataclasses.replace(f, id=int(row[0])))
        for advance in cursors:
            await conn.execute(_advance(db.dialect), advance)
    return new


def flag_from_row(r: Row) -> Flag:
    return Flag(r["guild_id"], Location(r["channel_id"], r["thread_id"]), r["message_id"], r["author_id"],
                r["category"], r["score"], r["provider"], r["detail"], r["created_at"], r["flagged_at"], r["id"])


async def flags_for_message(db: Database, message_id: int) -> list[Flag]:
    rows = await db.fetchall("SELECT * FROM flags WHERE message_id = ? ORDER BY id", (message_id,), read=True)
    return [flag_from_row(r) for r in rows]


async def flags_between(db: Database, guild_id: int, since_ms: int, until_ms: int, *,
                        channel_id: int | None = None, member_id: int | None = None) -> list[Flag]:
    sql = "SELECT * FROM flags WHERE guild_id = ? AND created_at >= ? AND created_at < ?"
    params: list[object] = [guild_id, since_ms, until_ms]
    if channel_id is not None:
        sql += " AND channel_id = ?"
        params.append(channel_id)
    if member_id is not None:
        sql += " AND author_id = ?"
        params.append(member_id)
    rows = await db.fetchall(sql + " ORDER BY created_at, id", params, read=True)
    return [flag_from_row(r) for r in rows]


# -- digest runs -----------------------------------------------------------------------------------

async def claim_digest(db: Database, guild_id: int, period: str, *, now: int, stale_before: int) -> bool:
    """Insert the claim, or take over one that never posted and was claimed before `stale_before`.

    One statement, so two processes racing for the same period cannot both win."""
    return await db.execute(
        "INSERT INTO digest_runs (guild_id, period, claimed_at) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id, period) DO UPDATE SET claimed_at = excluded.claimed_at "
        "WHERE digest_runs.posted_at IS NULL AND digest_runs.claimed_at < ?",
        (guild_id, period, now, stale_before)) > 0


async def mark_digest_posted(db: Database, guild_id: int, period: str, *, message_id: int | None,
                             now: int) -> None:
    await db.execute("UPDATE digest_runs SET posted_at = ?, message_id = ? WHERE guild_id = ? AND period = ?",
                     (now, message_id, guild_id, period))


async def release_digest(db: Database, guild_id: int, period: str) -> None:
    """Drop an unposted claim so the next run retries at once (the post is known to have failed)."""
    await db.execute("DELETE FROM digest_runs WHERE guild_id = ? AND period = ? AND posted_at IS NULL",
                     (guild_id, period))


@dataclass(frozen=True, slots=True)
class DigestRun:
    guild_id: int
    period: str
    claimed_at: int
    posted_at: int | None
    message_id: int | None


async def digest_run(db: Database, guild_id: int, period: str) -> DigestRun | None:
    r = await db.fetchone("SELECT * FROM digest_runs WHERE guild_id = ? AND period = ?", (guild_id, period),
                          read=True)
    return None if r is None else DigestRun(r["guild_id"], r["period"], r["claimed_at"], r["posted_at"],
                                            r["message_id"])
