"""SQL of members' reports of messages: one report per message, the reasons of each reporter, and how
(resolved or dismissed), by whom and when moderators closed it.

Writes run in BEGIN IMMEDIATE transactions under the write lock; reads go to the read connection (see
bot/store/moderation.py for why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.store.db import Database, Transaction
from bot.store.location import Location

ReportStatus = Literal["open", "resolved"]
Resolution = Literal["resolved", "dismissed"]


@dataclass(frozen=True, slots=True)
class ReporterReason:
    reporter_id: int
    reason: str | None
    created_at: int


@dataclass(frozen=True, slots=True)
class MemberReport:
    id: int
    guild_id: int
    location: Location
    message_id: int
    author_id: int
    content: str | None              # the message as reported (kept when it is deleted); None if private
    status: ReportStatus
    mod_message_id: int | None
    created_at: int
    updated_at: int
    resolved_by: int | None = None
    reasons: tuple[ReporterReason, ...] = field(default=())
    resolution: Resolution | None = None   # how it was closed; None while open
    resolved_at: int | None = None

    @property
    def channel_id(self) -> int:
        return self.location.channel_id

    @property
    def reporters(self) -> int:
        return len(self.reasons)

    @property
    def jump_url(self) -> str:
        return self.location.jump_url(self.guild_id, self.message_id)


AddKind = Literal["new", "merged", "reopened", "already_reported", "rate_limited"]


@dataclass(frozen=True, slots=True)
class NewReport:
    guild_id: int
    location: Location
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
    # Keyed by guild: the rate limit counts the reporter's rows there, the merge reads the message's.
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
            "INSERT INTO member_reports (guild_id, channel_id, thread_id, message_id, author_id, content, "
            "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
            (r.guild_id, *r.location, r.message_id, r.author_id, r.content, r.now, r.now))
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
            "UPDATE member_reports SET status = 'open', updated_at = ?, resolved_by = NULL, resolution = NULL, "
            "resolved_at = NULL, mod_message_id = CASE WHEN status = 'open' THEN mod_message_id END, "
            "content = coalesce(content, ?) WHERE id = ?", (r.now, r.content, report_id))
    await conn.execute(
        "INSERT INTO member_report_reasons (report_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?)",
        (report_id, r.reporter_id, r.reason, r.now))
    return kind, report_id, None


async def get_report(db: Database, report_id: int) -> MemberReport | None:
    found = await _reports(db, "WHERE id = ?", (report_id,))
    return found[0] if found else None


async def report_for_post(db: Database, mod_message_id: int) -> MemberReport | None:
    """The report whose moderators' post this is (the buttons on the post find their report by it)."""
    found = await _reports(db, "WHERE mod_message_id = ?", (mod_message_id,))
    return found[-1] if found else None


async def reports_where(db: Database, guild_id: int, *, status: ReportStatus | None,
                        since_ms: int | None = None, until_ms: int | None = None,
                        channel_id: int | None = None, member_id: int | None = None) -> list[MemberReport]:
    """Reports of a guild, filed in [since_ms, until_ms) when given; a channel includes its threads."""
    return await _where(db, guild_id, (("status = ?", status), ("created_at >= ?", since_ms),
                                       ("created_at < ?", until_ms), ("channel_id = ?", channel_id),
                                       ("author_id = ?", member_id)))


async def resolved_between(db: Database, guild_id: int, since_ms: int, until_ms: int, *,
                           channel_id: int | None = None, member_id: int | None = None) -> list[MemberReport]:
    """Reports closed (resolved or dismissed) in [since_ms, until_ms)."""
    return await _where(db, guild_id, (("status = 'resolved' AND resolved_at >= ?", since_ms),
                                       ("resolved_at < ?", until_ms), ("channel_id = ?", channel_id),
                                       ("author_id = ?", member_id)))


async def _where(db: Database, guild_id: int, filters: Iterable[tuple[str, object]]) -> list[MemberReport]:
    clauses, params = ["guild_id = ?"], [guild_id]
    for clause, value in filters:
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
    return [MemberReport(r["id"], r["guild_id"], Location(r["channel_id"], r["thread_id"]), r["message_id"],
                         r["author_id"], r["content"], r["status"], r["mod_message_id"], r["created_at"],
                         r["updated_at"], r["resolved_by"], tuple(reasons[r["id"]]), r["resolution"],
                         r["resolved_at"]) for r in rows]


async def set_mod_message(db: Database, report_id: int, mod_message_id: int | None) -> None:
    await db.execute("UPDATE member_reports SET mod_message_id = ? WHERE id = ?", (mod_message_id, report_id))


async def close(db: Database, guild_id: int, report_id: int, *, resolution: Resolution, resolved_by: int | None,
                now: int) -> bool:
    """Close an open report (resolved or dismissed); False if it is not an open report of this guild."""
    return await db.execute(
        "UPDATE member_reports SET status = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ?, "
        "updated_at = ? WHERE id = ? AND guild_id = ? AND status = 'open'",
        (resolution, resolved_by, now, now, report_id, guild_id)) > 0


async def is_opted_out(db: Database, guild_id: int, user_id: int) -> bool:
    row = await db.fetchone("SELECT opted_out FROM privacy WHERE guild_id = ? AND user_id = ?",
                            (guild_id, user_id), read=True)
    return bool(row is not None and row["opted_out"])


async def deleted_messages(db: Database, message_ids: Sequence[int]) -> set[int]:
    """Which of these messages the log knows were deleted (their reports keep the snapshot)."""
    found: set[int] = set()
    for start in range(0, len(message_ids), 500):
        part = list(message_ids[start:start + 500])
        rows = await db.fetchall(f"SELECT id FROM messages WHERE id IN ({','.join('?' * len(part))}) "
                                 "AND deleted_at IS NOT NULL", part, read=True)
        found.update(r["id"] for r in rows)
    return found
