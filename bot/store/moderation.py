"""SQL of moderation: job cursors, flags, member reports and digest runs.

Writes run in BEGIN IMMEDIATE transactions under the write lock; every plain read goes to the read
connection. A read left open on the writer connection between aiosqlite calls would hold an old
snapshot, and BEGIN IMMEDIATE from an old snapshot fails at once with "database is locked" when
another process wrote meanwhile (no busy wait): reading elsewhere keeps the writer connection clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.store.db import Database, Row, Transaction
from bot.store.dialect import Dialect
from bot.store.location import jump_url

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
    channel_id: int
    author_id: int
    content: str | None       # None when opted out, forgotten or purged: never checked
    created_at: int


_SCAN_COLUMNS = "SELECT id, guild_id, channel_id, author_id, content, created_at FROM messages "


def _scan(rows: Sequence[Row]) -> list[ScanRow]:
    return [ScanRow(r["id"], r["guild_id"], r["channel_id"], r["author_id"],
                    r["content"] if r["content_state"] == 0 else None, r["created_at"]) for r in rows]


async def messages_after(db: Database, after_id: int, up_to_id: int, limit: int, *,
                         shards: tuple[Sequence[int], int] | None = None) -> list[ScanRow]:
    """Committed messages with after_id < id <= up_to_id, oldest first (primary key range); with
    `shards=(ids, count)` only those of guilds on these gateway shards ((guild_id >> 22) % count)."""
    where, params = "", [after_id, up_to_id]
    if shards is not None:
        ids, count = shards
        where = f" AND (guild_id >> 22) % ? IN ({', '.join('?' * len(ids))})"
        params += [count, *ids]
    rows = await db.fetchall(
        "SELECT id, guild_id, channel_id, author_id, content, content_state, created_at FROM messages "
        f"WHERE id > ? AND id <= ?{where} ORDER BY id LIMIT ?", (*params, limit), read=True)
    return _scan(rows)


# -- flags -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Flag:
    guild_id: int
    channel_id: int
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
    def jump_url(self) -> str:
        return jump_url(self.guild_id, self.channel_id, self.message_id)


_INSERT_FLAG = (
    "INSERT INTO flags (guild_id, channel_id, message_id, author_id, category, score, provider, detail, "
    "created_at, flagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (message_id, category, provider) DO NOTHING RETURNING id")


async def save_flags(db: Database, flags: Sequence[Flag], *,
                     cursor: tuple[str, int] | Sequence[tuple[str, int]] | None = None) -> list[Flag]:
    """Store flags (duplicates ignored) and advance a job cursor (or several) in the same transaction.

    Returns the flags that were new, with their ids."""
    cursors = [cursor] if isinstance(cursor, tuple) else list(cursor or [])
    new: list[Flag] = []
    async with db.write_transaction(f"cursor:{cursors[0][0]}" if cursors else "flags") as conn:
        for f in flags:
            row = await conn.fetchone(_INSERT_FLAG, (f.guild_id, f.channel_id, f.message_id, f.author_id,
                                                  f.category, f.score, f.provider, f.detail, f.created_at,
                                                  f.flagged_at))
            if row is not None:
                new.append(Flag(f.guild_id, f.channel_id, f.message_id, f.author_id, f.category, f.score,
                                f.provider, f.detail, f.created_at, f.flagged_at, int(row[0])))
        for advance in cursors:
            await conn.execute(_advance(db.dialect), advance)
    return new


def flag_from_row(r: Row) -> Flag:
    return Flag(r["guild_id"], r["channel_id"], r["message_id"], r["author_id"], r["category"], r["score"],
                r["provider"], r["detail"], r["created_at"], r["flagged_at"], r["id"])


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


# -- member reports --------------------------------------------------------------------------------

ReportStatus = Literal["open", "resolved"]


@dataclass(frozen=True, slots=True)
class ReporterReason:
    reporter_id: int
    reason: str | None
    created_at: int


@dataclass(frozen=True, slots=True)
class MemberReport:
    id: int
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    content: str | None
    status: ReportStatus
    mod_message_id: int | None
    created_at: int
    updated_at: int
    resolved_by: int | None = None
    reasons: tuple[ReporterReason, ...] = field(default=())

    @property
    def reporters(self) -> int:
        return len(self.reasons)

    @property
    def jump_url(self) -> str:
        return jump_url(self.guild_id, self.channel_id, self.message_id)


AddKind = Literal["new", "merged", "reopened", "already_reported", "rate_limited"]


@dataclass(frozen=True, slots=True)
class NewReport:
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    content: str | None
    reporter_id: int
    reason: str | None
    now: int


async def add_report(db: Database, r: NewReport, *, window_ms: int, max_in_window: int
                     ) -> tuple[AddKind, int | None, int | None]:
    """Record one member's report in one write transaction: rate limit, merge, reopen.

    Returns (kind, report id, retry_at); retry_at is set when rate limited."""
    # Keyed by reporter and guild: the rate limit counts the reporter's rows, the merge reads the message's.
    async with db.write_transaction(f"reports:{r.guild_id}") as conn:
        return await _add_report(conn, r, window_ms, max_in_window)


async def _add_report(conn: Transaction, r: NewReport, window_ms: int, max_in_window: int
                      ) -> tuple[AddKind, int | None, int | None]:
    existing = await conn.fetchone("SELECT id, status FROM member_reports WHERE guild_id = ? AND message_id = ?",
                          (r.guild_id, r.message_id))
    if existing is not None and existing["status"] == "open" and await conn.fetchone(
            "SELECT 1 FROM member_report_reasons WHERE report_id = ? AND reporter_id = ?",
            (existing["id"], r.reporter_id)):
        return "already_reported", int(existing["id"]), None
    recent = await conn.fetchone(
        "SELECT count(*) AS n, min(rr.created_at) AS oldest FROM member_report_reasons rr "
        "JOIN member_reports mr ON mr.id = rr.report_id WHERE rr.reporter_id = ? AND rr.created_at > ? "
        "AND mr.guild_id = ?", (r.reporter_id, r.now - window_ms, r.guild_id))
    if recent is not None and recent["n"] >= max_in_window:
        found = None if existing is None else int(existing["id"])
        return "rate_limited", found, int(recent["oldest"]) + window_ms
    kind: AddKind
    if existing is None:
        row = await conn.fetchone(
            "INSERT INTO member_reports (guild_id, channel_id, message_id, author_id, content, status, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
            (r.guild_id, r.channel_id, r.message_id, r.author_id, r.content, r.now, r.now))
        assert row is not None
        report_id, kind = int(row["id"]), "new"
    else:
        report_id = int(existing["id"])
        kind = "merged" if existing["status"] == "open" else "reopened"
        if kind == "reopened":
            # A fresh round of reports: earlier reporters belong to the resolved round.
            await conn.execute("DELETE FROM member_report_reasons WHERE report_id = ?",
                               (report_id,))
        await conn.execute(
            "UPDATE member_reports SET status = 'open', updated_at = ?, resolved_by = NULL, "
            "mod_message_id = CASE WHEN status = 'open' THEN mod_message_id END, "
            "content = coalesce(content, ?) WHERE id = ?", (r.now, r.content, report_id))
    await conn.execute(
        "INSERT INTO member_report_reasons (report_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?)",
        (report_id, r.reporter_id, r.reason, r.now))
    return kind, report_id, None


async def get_report(db: Database, report_id: int) -> MemberReport | None:
    found = await _reports(db, "WHERE id = ?", (report_id,))
    return found[0] if found else None


async def reports_where(db: Database, guild_id: int, *, status: ReportStatus | None,
                        since_ms: int | None = None, until_ms: int | None = None,
                        channel_id: int | None = None, member_id: int | None = None) -> list[MemberReport]:
    clauses, params = ["guild_id = ?"], [guild_id]
    for clause, value in (("status = ?", status), ("created_at >= ?", since_ms), ("created_at < ?", until_ms),
                          ("channel_id = ?", channel_id), ("author_id = ?", member_id)):
        if value is not None:
            clauses.append(clause)
            params.append(value)  # type: ignore[arg-type]
    return await _reports(db, "WHERE " + " AND ".join(clauses), params)


async def _reports(db: Database, where: str, params: Sequence[object]) -> list[MemberReport]:
    rows = await db.fetchall(f"SELECT * FROM member_reports {where} ORDER BY created_at, id", params,
                             read=True)
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    reasons: dict[int, list[ReporterReason]] = {i: [] for i in ids}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for rr in await db.fetchall(
                f"SELECT report_id, reporter_id, reason, created_at FROM member_report_reasons "
                f"WHERE report_id IN ({','.join('?' * len(part))}) ORDER BY created_at, reporter_id", part,
                read=True):
            reasons[rr["report_id"]].append(ReporterReason(rr["reporter_id"], rr["reason"], rr["created_at"]))
    return [MemberReport(r["id"], r["guild_id"], r["channel_id"], r["message_id"], r["author_id"],
                         r["content"], r["status"], r["mod_message_id"], r["created_at"], r["updated_at"],
                         r["resolved_by"], tuple(reasons[r["id"]])) for r in rows]


async def set_mod_message(db: Database, report_id: int, mod_message_id: int | None) -> None:
    await db.execute("UPDATE member_reports SET mod_message_id = ? WHERE id = ?", (mod_message_id, report_id))


async def resolve(db: Database, guild_id: int, report_id: int, *, resolved_by: int | None, now: int) -> bool:
    """Mark an open report resolved; False if it does not exist in this guild or is already resolved."""
    return await db.execute(
        "UPDATE member_reports SET status = 'resolved', resolved_by = ?, updated_at = ? "
        "WHERE id = ? AND guild_id = ? AND status = 'open'", (resolved_by, now, report_id, guild_id)) > 0


async def is_opted_out(db: Database, guild_id: int, user_id: int) -> bool:
    row = await db.fetchone("SELECT opted_out FROM privacy WHERE guild_id = ? AND user_id = ?",
                            (guild_id, user_id), read=True)
    return bool(row is not None and row["opted_out"])


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
