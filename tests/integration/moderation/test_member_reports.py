"""Member reports over a real SQLite file: merging, repeat reporters, the per-member rate limit,
resolving and reopening, opted-out snapshots, and concurrent reports from two connections."""

from __future__ import annotations

import asyncio

from bot.moderation.member_reports import (
    REPORT_WINDOW_MS,
    REPORTS_PER_WINDOW,
    ReportOutcome,
    close_report,
    get_report,
    open_reports,
    report_for_post,
    report_message,
    resolve_report,
    set_mod_message,
)
from bot.store import logbook
from bot.store.db import Database
from bot.store.location import Location

GUILD, CHANNEL, AUTHOR = 1, 10, 500
T = 1_790_000_000_000


async def report(db: Database, message_id: int, reporter: int, *, now: int = T, reason: str | None = "spam",
                 content: str | None = "buy cheap ferry tickets", guild: int = GUILD,
                 author: int = AUTHOR) -> ReportOutcome:
    return await report_message(db, guild_id=guild, location=Location(CHANNEL), message_id=message_id,
                                author_id=author, content_snapshot=content, reporter_id=reporter,
                                reason=reason, now=now)


async def test_reports_of_one_message_merge_and_count_each_member_once(db: Database) -> None:
    first = await report(db, 1000, reporter=1, reason="  spam\n links  ")
    assert first.kind == "new" and first.post_new and not first.edit_existing and first.reporters == 1
    assert first.report is not None and first.report.reasons[0].reason == "spam links"
    await set_mod_message(db, first.report.id, 9001)

    second = await report(db, 1000, reporter=2, reason="rude", now=T + 1_000)
    assert second.kind == "merged" and second.edit_existing and not second.post_new
    assert second.report is not None and second.report.id == first.report.id
    assert second.report.mod_message_id == 9001 and second.reporters == 2

    again = await report(db, 1000, reporter=1, reason="still spam", now=T + 2_000)
    assert again.kind == "already_reported" and again.reporters == 2
    assert not again.post_new and not again.edit_existing

    stored = await get_report(db, first.report.id)
    assert stored is not None
    assert [(r.reporter_id, r.reason) for r in stored.reasons] == [(1, "spam links"), (2, "rude")]
    assert stored.content == "buy cheap ferry tickets"
    assert stored.jump_url == f"https://discord.com/channels/{GUILD}/{CHANNEL}/1000"
    assert [r.id for r in await open_reports(db, GUILD)] == [first.report.id]


async def test_merge_without_a_mod_message_asks_for_a_post(db: Database) -> None:
    await report(db, 1000, reporter=1)                    # posting failed: no mod message stored
    merged = await report(db, 1000, reporter=2)
    assert merged.kind == "merged" and merged.post_new


async def test_members_are_rate_limited_per_window(db: Database) -> None:
    for i in range(REPORTS_PER_WINDOW):
        outcome = await report(db, 2000 + i, reporter=7, now=T + i * 1_000)
        assert outcome.kind == "new"
    limited = await report(db, 3000, reporter=7, now=T + 60_000)
    assert limited.kind == "rate_limited" and limited.report is None
    assert limited.retry_at == T + REPORT_WINDOW_MS       # when the oldest report leaves the window
    assert await get_report(db, 6) is None                # nothing was stored for the refused report
    assert (await report(db, 3000, reporter=8, now=T + 60_000)).kind == "new"    # others are not limited
    assert (await report(db, 3001, reporter=7, now=T + 60_000, guild=2)).kind == "new"  # per guild
    later = await report(db, 3000, reporter=7, now=T + REPORT_WINDOW_MS)
    assert later.kind == "merged" and later.reporters == 2


async def test_resolved_reports_close_and_reopen_on_a_new_report(db: Database) -> None:
    first = await report(db, 1000, reporter=1)
    assert first.report is not None
    await set_mod_message(db, first.report.id, 9001)
    assert await resolve_report(db, GUILD, first.report.id, resolved_by=42, now=T + 10)
    assert not await resolve_report(db, GUILD, first.report.id, resolved_by=42, now=T + 20)   # already
    assert not await resolve_report(db, 2, first.report.id, resolved_by=42, now=T + 20)       # other guild
    assert await open_reports(db, GUILD) == []

    reopened = await report(db, 1000, reporter=1, now=T + 100)
    assert reopened.kind == "reopened" and reopened.post_new
    assert reopened.report is not None and reopened.report.status == "open"
    assert reopened.report.mod_message_id is None and reopened.reporters == 1
    assert [r.id for r in await open_reports(db, GUILD, since=T)] == [first.report.id]
    assert await open_reports(db, GUILD, since=T + 1) == []


async def test_snapshot_of_an_opted_out_author_is_not_kept(db: Database) -> None:
    await logbook.set_opt_out(db, GUILD, AUTHOR, True, T - 1)
    outcome = await report(db, 1000, reporter=1, content="words of someone who opted out")
    assert outcome.report is not None and outcome.report.content is None
    plain = await report(db, 1001, reporter=1, author=AUTHOR + 1, content="kept")
    assert plain.report is not None and plain.report.content == "kept"


async def test_two_processes_reporting_at_once_make_one_report(db: Database) -> None:
    async with db.clone() as other:
        outcomes = await asyncio.gather(
            *(report(conn, 4000, reporter=r, now=T + r) for r, conn in enumerate([db, other, db, other], 1)))
    kinds = sorted(o.kind for o in outcomes)
    assert kinds == ["merged", "merged", "merged", "new"]
    (only,) = await open_reports(db, GUILD)
    assert only.reporters == 4


async def test_closing_remembers_how_who_and_when_and_a_new_round_forgets_it(db: Database) -> None:
    first = await report(db, 1000, reporter=1, reason="spam")
    assert first.report is not None
    await set_mod_message(db, first.report.id, 9001)
    found = await report_for_post(db, 9001)           # the buttons on the post find their report by the post
    assert found is not None and found.id == first.report.id and await report_for_post(db, 9002) is None

    dismissed = await close_report(db, GUILD, first.report.id, resolution="dismissed", resolved_by=42, now=T + 50)
    assert dismissed is not None
    assert (dismissed.status, dismissed.resolution, dismissed.resolved_by, dismissed.resolved_at) == (
        "resolved", "dismissed", 42, T + 50)
    assert [(r.reporter_id, r.reason) for r in dismissed.reasons] == [(1, "spam")]
    assert await close_report(db, GUILD, first.report.id, resolution="resolved", resolved_by=43, now=T + 60) is None
    stored = await get_report(db, first.report.id)
    assert stored is not None and (stored.resolution, stored.resolved_by) == ("dismissed", 42)   # first one wins

    again = await report(db, 1000, reporter=2, reason="still spam", now=T + 100)
    assert again.kind == "reopened" and again.report is not None
    assert (again.report.resolution, again.report.resolved_by, again.report.resolved_at) == (None, None, None)


async def test_a_thread_message_is_reported_under_its_channel_and_jumps_into_the_thread(db: Database) -> None:
    outcome = await report_message(db, guild_id=GUILD, location=Location(CHANNEL, 77), message_id=1000,
                                   author_id=AUTHOR, content_snapshot="in a thread", reporter_id=1, reason=None,
                                   now=T)
    assert outcome.report is not None
    assert outcome.report.location == Location(CHANNEL, 77) and outcome.report.channel_id == CHANNEL
    assert outcome.report.jump_url == f"https://discord.com/channels/{GUILD}/77/1000"
