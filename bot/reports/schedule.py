"""Scheduled digests: a report posted to the moderators' channel once per day or week.

Schedule (UTC): "daily" is due from `digest_hour` until midnight, period key "2026-11-28", covering
the 24 hours before that day's `digest_hour`; "weekly" is due from Monday at `digest_hour` until the
end of the ISO week, key "2026-W48", covering the 7 days before that Monday's `digest_hour`. Being due
all day (or all week) means a bot that was down at the hour still posts when it comes back.

Exactly once: `claim` inserts (guild, period) into `digest_runs` in one statement, so of any number
of processes or restarts only one wins. The winner posts and calls `mark_posted`. If posting fails
(or the process dies first), the claim stays unposted; once it is older than `STALE_CLAIM_MS` the
next run may claim it again and retry. That delay is the price of exactly-once: a post that failed
only seemingly (a timeout after Discord accepted it) is repeated at most once per stale period, and a
post that succeeded is never repeated once `mark_posted` ran. `release` drops a claim at once when
the caller knows nothing was posted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.reports.build import DigestFn, build_report
from bot.reports.model import Report
from bot.settings.guild import GuildSettings
from bot.store import moderation as store
from bot.store.db import Database
from bot.store.moderation import DigestRun
from bot.util.timeutil import from_ms, now_ms, to_ms

__all__ = ["STALE_CLAIM_MS", "DigestRun", "claim", "digest_run", "due_period", "mark_posted", "period_bounds",
           "release", "run_due"]

log = logging.getLogger(__name__)

STALE_CLAIM_MS = 15 * 60_000

SettingsFor = Callable[[int], Awaitable[GuildSettings]]
# Posts the report to the guild's moderators' channel; returns the posted message id (or None).
PostFn = Callable[[int, GuildSettings, str, Report], Awaitable[int | None]]


def due_period(settings: GuildSettings, now: int) -> str | None:
    """The period whose digest is due at `now` (unix ms), or None (digests off, no channel, too early)."""
    if settings.digest == "off" or settings.mod_channel_id is None:
        return None
    moment = from_ms(now)
    if settings.digest == "daily":
        return moment.date().isoformat() if moment.hour >= settings.digest_hour else None
    year, week, weekday = moment.isocalendar()
    if weekday == 1 and moment.hour < settings.digest_hour:
        return None
    return f"{year}-W{week:02d}"


def period_bounds(period: str, digest_hour: int) -> tuple[int, int]:
    """(since_ms, until_ms) the digest of `period` covers."""
    if "-W" in period:
        year, week = period.split("-W")
        end = datetime.combine(date.fromisocalendar(int(year), int(week), 1), datetime.min.time(), UTC)
        end += timedelta(hours=digest_hour)
        return to_ms(end - timedelta(days=7)), to_ms(end)
    end = datetime.combine(date.fromisoformat(period), datetime.min.time(), UTC)
    end += timedelta(hours=digest_hour)
    return to_ms(end - timedelta(days=1)), to_ms(end)


async def claim(db: Database, guild_id: int, period: str, *, now: int | None = None,
                stale_after_ms: int = STALE_CLAIM_MS) -> bool:
    """True for exactly one caller per (guild, period), or again once an unposted claim has gone stale."""
    at = now_ms() if now is None else now
    return await store.claim_digest(db, guild_id, period, now=at, stale_before=at - stale_after_ms)


async def mark_posted(db: Database, guild_id: int, period: str, message_id: int | None, *,
                      now: int | None = None) -> None:
    await store.mark_digest_posted(db, guild_id, period, message_id=message_id,
                                   now=now_ms() if now is None else now)


async def release(db: Database, guild_id: int, period: str) -> None:
    """Give up an unposted claim so the next run retries at once (use only when nothing was posted)."""
    await store.release_digest(db, guild_id, period)


async def digest_run(db: Database, guild_id: int, period: str) -> DigestRun | None:
    return await store.digest_run(db, guild_id, period)


@dataclass(frozen=True, slots=True)
class DigestResult:
    guild_id: int
    period: str
    posted: bool
    message_id: int | None = None


async def run_due(db: Database, guild_ids: Iterable[int], settings_for: SettingsFor, post: PostFn, *,
                  now: int | None = None, digest: DigestFn | None = None,
                  extractive: DigestFn | None = None) -> list[DigestResult]:
    """One scheduler tick: for each guild with a due, unclaimed period, build its report and post it.

    A failed post keeps its claim (see the module notes); other guilds carry on."""
    at = now_ms() if now is None else now
    results = []
    for guild_id in guild_ids:
        settings = await settings_for(guild_id)
        period = due_period(settings, at)
        if period is None or not await claim(db, guild_id, period, now=at):
            continue
        since, until = period_bounds(period, settings.digest_hour)
        try:
            report = await build_report(db, guild_id, since_ms=since, until_ms=until, digest=digest,
                                        extractive=extractive)
            message_id = await post(guild_id, settings, period, report)
        except Exception:
            log.exception("digest %s of guild %s failed; it is retried once the claim goes stale", period,
                          guild_id)
            results.append(DigestResult(guild_id, period, False))
            continue
        await mark_posted(db, guild_id, period, message_id, now=at)
        results.append(DigestResult(guild_id, period, True, message_id))
    return results
