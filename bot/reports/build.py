"""Moderator reports: what happened in a guild (or one channel, or one member) over a period.

`build_report` gathers every figure with a handful of aggregate queries (bot/store/reports.py) and a
short digest of the busiest channels (bot/reports/digest.py, or an LLM); bot/reports/render.py turns it
into markdown or JSON and bot/reports/chart.py into a PNG chart. Texts of opted-out, forgotten or purged
members are never read: the digest only sees kept content (content_state 0) of members who have not opted out.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Literal
from urllib.parse import urlsplit

from bot.reports.digest import extractive_digest
from bot.reports.model import ChannelCount, ChannelDigest, FlagCategory, OpenReport, Report, SeriesPoint
from bot.store import member_reports as reports_store
from bot.store import names as names_store
from bot.store import reports as store
from bot.store.db import Database
from bot.store.member_reports import MemberReport
from bot.store.moderation import Flag
from bot.store.names import Names
from bot.store.reports import HOUR_MS, Scope

log = logging.getLogger(__name__)

DAY_MS = 24 * HOUR_MS
HOURLY_UP_TO_MS = 48 * HOUR_MS     # longer periods are charted per day
BUSIEST_CHANNELS = 5
DIGEST_CHANNELS = 3
DIGEST_TEXTS = 150                 # most recent readable messages per channel given to the digest
FLAG_EXAMPLES = 5                  # jump links per flag category
TOP_DOMAINS = 5

DigestFn = Callable[[int, list[str]], Awaitable[str]]


async def build_report(db: Database, guild_id: int, *, since_ms: int, until_ms: int,
                       channel_id: int | None = None, member_id: int | None = None,
                       digest: DigestFn | None = None, extractive: DigestFn | None = None) -> Report:
    """Everything moderators see for [since_ms, until_ms), optionally narrowed to a channel and/or member.

    `digest(channel_id, texts)` writes the "what was discussed" line of a busy channel (an LLM, say);
    without one, or if it fails, `extractive` does (the bot runs `extractive_digest` in its worker pool;
    without it, `extractive_digest` is called in place)."""
    if until_ms <= since_ms:
        raise ValueError("the report period must end after it starts")
    scope = Scope(guild_id, since_ms, until_ms, channel_id, member_id)
    report = Report(guild_id, since_ms, until_ms, channel_id, member_id)

    per_channel: Counter[int] = Counter()
    per_hour: Counter[int] = Counter()
    for channel, hour, n in await store.activity(db, scope):
        per_channel[channel] += n
        per_hour[hour] += n
        report.hours[hour % 24] += n
    report.messages = sum(per_channel.values())
    report.busiest_channels = [ChannelCount(c, n) for c, n in
                               sorted(per_channel.items(), key=lambda cn: (-cn[1], cn[0]))[:BUSIEST_CHANNELS]]
    report.series_unit, report.series = _series(since_ms, until_ms, per_hour)

    report.active_members, report.new_participants = await store.members(db, scope)
    report.edits = await store.edits(db, scope)
    report.deletes = await store.deletes(db, scope)
    report.links_shared, urls = await store.links(db, scope)
    report.top_domains = _top_domains(urls)
    report.summaries = await store.summaries(db, scope)
    report.questions, report.answered = await store.questions(db, scope)

    examples: dict[str, list[Flag]] = {}
    for flag in await store.top_flags(db, scope, FLAG_EXAMPLES):
        examples.setdefault(flag.category, []).append(flag)
    report.flags = [FlagCategory(cat, n, tuple(examples.get(cat, ())))
                    for cat, n in await store.flag_counts(db, scope)]

    # Open now and filed before the period ended: an old open report still wants attention.
    opened = await reports_store.reports_where(db, guild_id, status="open", until_ms=until_ms,
                                               channel_id=channel_id, member_id=member_id)
    closed = await reports_store.resolved_between(db, guild_id, since_ms, until_ms, channel_id=channel_id,
                                                  member_id=member_id)
    deleted = await reports_store.deleted_messages(db, [r.message_id for r in (*opened, *closed)])
    report.open_reports = [_entry(r, deleted) for r in opened]
    report.resolved_reports = [_entry(r, deleted) for r in closed]

    for busy in report.busiest_channels[:DIGEST_CHANNELS]:
        texts = await store.channel_texts(db, scope, busy.channel_id, DIGEST_TEXTS)
        text = await _digest(busy.channel_id, texts, digest, extractive)
        report.digests.append(ChannelDigest(busy.channel_id, busy.messages, text))
    report.names = await _names(db, report)
    return report


def _entry(r: MemberReport, deleted: set[int]) -> OpenReport:
    return OpenReport(r.id, r.location, r.message_id, r.author_id, r.reporters, r.created_at, r.jump_url,
                      r.reasons, r.content, r.message_id in deleted, r.resolution, r.resolved_by, r.resolved_at)


async def _names(db: Database, report: Report) -> Names:
    """Names for every channel, thread and member the report shows (ids stay where no name is known)."""
    flags = [f for c in report.flags for f in c.examples]
    reports = [*report.open_reports, *report.resolved_reports]
    places = [*(f.location for f in flags), *(o.location for o in reports)]
    channels = {c.channel_id for c in report.busiest_channels} | {d.channel_id for d in report.digests}
    channels |= {p.channel_id for p in places} | ({report.channel_id} if report.channel_id else set())
    members = {f.author_id for f in flags} | {o.author_id for o in reports}
    members |= {r.reporter_id for o in reports for r in o.reasons}
    members |= {o.resolved_by for o in reports if o.resolved_by} | ({report.member_id} if report.member_id else set())
    return await names_store.lookup(db, report.guild_id, channels=channels, members=members,
                                    threads={p.thread_id for p in places if p.thread_id})


async def _digest(channel_id: int, texts: list[str], digest: DigestFn | None, extractive: DigestFn | None) -> str:
    if not texts:
        return ""
    if digest is not None:
        try:
            return (await digest(channel_id, texts)).strip()
        except Exception:
            log.warning("digest of channel %s failed; using the extractive digest", channel_id, exc_info=True)
    if extractive is not None:
        return await extractive(channel_id, texts)
    return extractive_digest(texts)


def _series(since_ms: int, until_ms: int, per_hour: Counter[int]
            ) -> tuple[Literal["hour", "day"], list[SeriesPoint]]:
    """Counts per UTC hour (periods up to 48 h) or per UTC day, zeros included."""
    if until_ms - since_ms <= HOURLY_UP_TO_MS:
        first, last = since_ms // HOUR_MS, (until_ms - 1) // HOUR_MS
        return "hour", [SeriesPoint(h * HOUR_MS, per_hour.get(h, 0)) for h in range(first, last + 1)]
    per_day: Counter[int] = Counter()
    for hour, n in per_hour.items():
        per_day[hour // 24] += n
    first, last = since_ms // DAY_MS, (until_ms - 1) // DAY_MS
    return "day", [SeriesPoint(d * DAY_MS, per_day.get(d, 0)) for d in range(first, last + 1)]


def _top_domains(urls: list[tuple[str, int]]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for url, n in urls:
        host = (urlsplit(url).hostname or "").lower()
        if host:
            counts[host.removeprefix("www.")] += n
    return sorted(counts.items(), key=lambda hn: (-hn[1], hn[0]))[:TOP_DOMAINS]
