"""Members reporting messages to the moderators.

One report per message however many members report it; each member counts once. The outcome tells
the cog what to do in the moderators' channel: post a new message, or edit the existing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import member_reports as store
from bot.store.db import Database
from bot.store.location import Location
from bot.store.member_reports import AddKind, MemberReport, NewReport, ReporterReason, Resolution

__all__ = ["MAX_REASON_CHARS", "REPORTS_PER_WINDOW", "REPORT_WINDOW_MS", "MemberReport", "ReportOutcome",
           "ReporterReason", "Resolution", "close_report", "get_report", "is_deleted", "open_reports",
           "report_for_post", "report_message", "resolve_report", "set_mod_message"]

REPORTS_PER_WINDOW = 5          # a member may file this many reports ...
REPORT_WINDOW_MS = 10 * 60_000  # ... per ten minutes (per guild)
MAX_REASON_CHARS = 500


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """kind: "new" (post it), "merged" (another member reported it too: edit the post), "reopened" (it was
    resolved; post it again), "already_reported" (this member reported it before; nothing changes) or
    "rate_limited" (refused; `retry_at` says when the member can report again)."""

    kind: AddKind
    report: MemberReport | None
    retry_at: int | None = None

    @property
    def reporters(self) -> int:
        return 0 if self.report is None else self.report.reporters

    @property
    def post_new(self) -> bool:
        """True when the cog should post to the moderators' channel (no post exists to edit)."""
        if self.kind in ("new", "reopened"):
            return True
        return self.kind == "merged" and self.report is not None and self.report.mod_message_id is None

    @property
    def edit_existing(self) -> bool:
        return self.kind == "merged" and self.report is not None and self.report.mod_message_id is not None


async def report_message(db: Database, *, guild_id: int, location: Location, message_id: int, author_id: int,
                         content_snapshot: str | None, reporter_id: int, reason: str | None,
                         now: int) -> ReportOutcome:
    """Record a member's report of a message (atomic: merging, per-member rate limit, reopening)."""
    if content_snapshot is not None and await store.is_opted_out(db, guild_id, author_id):
        content_snapshot = None   # the cog should already pass None; the privacy table has the last word
    reason = (" ".join(reason.split())[:MAX_REASON_CHARS] or None) if reason else None
    new = NewReport(guild_id, location, message_id, author_id, content_snapshot, reporter_id, reason, now)
    kind, report_id, retry_at = await store.add_report(
        db, new, window_ms=REPORT_WINDOW_MS, max_in_window=REPORTS_PER_WINDOW)
    report = None if report_id is None else await store.get_report(db, report_id)
    return ReportOutcome(kind, report, retry_at)


async def set_mod_message(db: Database, report_id: int, mod_message_id: int | None) -> None:
    """Remember the moderators' channel post of a report, so merges edit it."""
    await store.set_mod_message(db, report_id, mod_message_id)


async def get_report(db: Database, report_id: int) -> MemberReport | None:
    return await store.get_report(db, report_id)


async def open_reports(db: Database, guild_id: int, since: int | None = None) -> list[MemberReport]:
    """Open reports of a guild (created at or after `since` when given), oldest first."""
    return await store.reports_where(db, guild_id, status="open", since_ms=since)


async def report_for_post(db: Database, mod_message_id: int) -> MemberReport | None:
    """The report a moderators' post shows (its buttons carry no report id: the post is the key)."""
    return await store.report_for_post(db, mod_message_id)


async def close_report(db: Database, guild_id: int, report_id: int, *, resolution: Resolution,
                       resolved_by: int | None, now: int) -> MemberReport | None:
    """Close an open report as resolved or dismissed, remembering who and when; returns the closed report,
    or None when there is no such open report in this guild (someone else closed it first)."""
    if not await store.close(db, guild_id, report_id, resolution=resolution, resolved_by=resolved_by, now=now):
        return None
    return await store.get_report(db, report_id)


async def resolve_report(db: Database, guild_id: int, report_id: int, *, resolved_by: int | None,
                         now: int) -> bool:
    """Close an open report as resolved; False when there is no such open report in this guild."""
    return await store.close(db, guild_id, report_id, resolution="resolved", resolved_by=resolved_by, now=now)


async def is_deleted(db: Database, message_id: int) -> bool:
    """Whether the log saw the reported message deleted (the report keeps its snapshot)."""
    return message_id in await store.deleted_messages(db, [message_id])
