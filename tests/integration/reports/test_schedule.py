"""Scheduled digests: which period is due, and a period posted exactly once across concurrent
"processes" (two Database instances on one file), restarts, and failed posts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.logbook.writer import LogWriter
from bot.reports.model import Report
from bot.reports.schedule import (
    STALE_CLAIM_MS,
    claim,
    digest_run,
    due_period,
    mark_posted,
    period_bounds,
    release,
    run_due,
)
from bot.settings.guild import GuildSettings, GuildSettingsService
from bot.store.db import Database
from bot.util.timeutil import to_ms
from tests.helpers.rows import row

G = 1


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return to_ms(datetime(year, month, day, hour, minute, tzinfo=UTC))


DAILY = GuildSettings.model_validate({"digest": "daily", "digest_hour": 9, "mod_channel_id": 77})
WEEKLY = GuildSettings.model_validate({"digest": "weekly", "digest_hour": 9, "mod_channel_id": 77})


def test_daily_period_is_due_from_the_hour_until_midnight() -> None:
    assert due_period(DAILY, utc(2026, 11, 28, 8, 59)) is None
    assert due_period(DAILY, utc(2026, 11, 28, 9, 0)) == "2026-11-28"
    assert due_period(DAILY, utc(2026, 11, 28, 23, 59)) == "2026-11-28"
    assert due_period(DAILY.model_copy(update={"digest": "off"}), utc(2026, 11, 28, 12)) is None
    assert due_period(DAILY.model_copy(update={"mod_channel_id": None}), utc(2026, 11, 28, 12)) is None
    assert period_bounds("2026-11-28", 9) == (utc(2026, 11, 27, 9), utc(2026, 11, 28, 9))


def test_weekly_period_is_due_from_monday_at_the_hour() -> None:
    assert due_period(WEEKLY, utc(2026, 11, 23, 8, 30)) is None          # Monday, too early
    assert due_period(WEEKLY, utc(2026, 11, 23, 9, 0)) == "2026-W48"
    assert due_period(WEEKLY, utc(2026, 11, 28, 3, 0)) == "2026-W48"     # Saturday: still that week's
    assert due_period(WEEKLY, utc(2026, 11, 30, 10, 0)) == "2026-W49"
    assert due_period(WEEKLY, utc(2027, 1, 1, 12)) == "2026-W53"         # ISO weeks cross the new year
    assert period_bounds("2026-W48", 9) == (utc(2026, 11, 16, 9), utc(2026, 11, 23, 9))


async def test_a_period_is_claimed_once_across_processes_and_restarts(db: Database) -> None:
    now = utc(2026, 11, 28, 9, 5)
    async with db.clone() as other:
        wins = await asyncio.gather(*(claim(conn, G, "2026-11-28", now=now) for conn in [db, other] * 4))
    assert sorted(wins) == [False] * 7 + [True]

    async with db.clone() as restarted:                               # a new process, same file
        assert not await claim(restarted, G, "2026-11-28", now=now + 60_000)
        assert await claim(restarted, G, "2026-11-29", now=now + 60_000)   # another period
        assert await claim(restarted, 2, "2026-11-28", now=now + 60_000)   # another guild


async def test_an_unposted_claim_is_retried_once_stale_and_a_posted_one_never(db: Database) -> None:
    now = utc(2026, 11, 28, 9, 5)
    assert await claim(db, G, "2026-11-28", now=now)
    assert not await claim(db, G, "2026-11-28", now=now + STALE_CLAIM_MS - 1)
    assert await claim(db, G, "2026-11-28", now=now + STALE_CLAIM_MS + 1)        # the poster died: retry
    await mark_posted(db, G, "2026-11-28", 5555, now=now + STALE_CLAIM_MS + 2)
    assert not await claim(db, G, "2026-11-28", now=now + 100 * STALE_CLAIM_MS)
    run = await digest_run(db, G, "2026-11-28")
    assert run is not None and run.message_id == 5555 and run.posted_at == now + STALE_CLAIM_MS + 2

    assert await claim(db, G, "2026-11-29", now=now)
    await release(db, G, "2026-11-29")                                  # known failure: retry at once
    assert await claim(db, G, "2026-11-29", now=now + 1)


async def test_run_due_posts_each_digest_once(db: Database) -> None:
    writer = LogWriter(db, max_delay=0.01)
    writer.start()
    for i in range(5):
        await writer.put(row(i, channel=10 + i % 2, content=f"harbour ferry timetable update number {i}",
                             at=utc(2026, 11, 27, 20) + i * 60_000))
    await writer.stop()
    settings = GuildSettingsService(db)
    await settings.update(G, None, digest="daily", digest_hour=9, mod_channel_id=77)
    posted: list[tuple[int, str, Report]] = []

    async def post(guild_id: int, guild_settings: GuildSettings, period: str, report: Report) -> int:
        assert guild_settings.mod_channel_id == 77
        posted.append((guild_id, period, report))
        return 1000 + len(posted)

    now = utc(2026, 11, 28, 9, 1)
    assert await run_due(db, [G, 2], settings.get, post, now=utc(2026, 11, 28, 8)) == []   # not yet
    results = await run_due(db, [G, 2], settings.get, post, now=now)          # guild 2 has digests off
    assert [(r.guild_id, r.period, r.posted, r.message_id) for r in results] == [
        (G, "2026-11-28", True, 1001)]
    (_, _, report), = posted
    assert (report.since_ms, report.until_ms) == (utc(2026, 11, 27, 9), utc(2026, 11, 28, 9))
    assert report.messages == 5

    async with db.clone() as restarted:
        again = await run_due(restarted, [G], GuildSettingsService(restarted).get, post, now=now + 3_600_000)
    assert again == [] and len(posted) == 1


async def test_a_failed_post_is_retried_after_the_claim_goes_stale(db: Database) -> None:
    settings = GuildSettingsService(db)
    await settings.update(G, None, digest="daily", digest_hour=9, mod_channel_id=77)
    attempts: list[int] = []

    async def flaky_post(guild_id: int, _settings: GuildSettings, period: str, report: Report) -> int:
        attempts.append(guild_id)
        if len(attempts) == 1:
            raise ConnectionError("the moderators' channel is unreachable")
        return 4242

    now = utc(2026, 11, 28, 10)
    failed = await run_due(db, [G], settings.get, flaky_post, now=now)
    assert [(r.posted, r.message_id) for r in failed] == [(False, None)]
    assert await run_due(db, [G], settings.get, flaky_post, now=now + 60_000) == []      # claim still fresh
    retried = await run_due(db, [G], settings.get, flaky_post, now=now + STALE_CLAIM_MS + 1)
    assert [(r.posted, r.message_id) for r in retried] == [(True, 4242)]
    assert len(attempts) == 2
