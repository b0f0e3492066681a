"""A 30-day moderator report over a log of 1,000,000 messages.

Builds a temporary database (real migrations, then one bulk executemany): 60 days, 20 channels,
2,000 authors with a Zipf-like activity spread and staggered first messages, 2 % edited, 1 % deleted,
0.5 % flagged, links, summaries, questions, open member reports, one opted-out and one forgotten member.
The full-text triggers are dropped during the load (reports never read the FTS index) and restored.

Figures (median of 5 runs after a warm-up, extractive digest included):
- report_30d: `build_report` for the guild over the last 30 days; baseline = the same-run median of
  `SELECT count(*) FROM messages WHERE guild_id = ? AND created_at >= ? AND created_at < ?` over that
  window (an index-only count of the rows the report aggregates);
- report_30d_channel / report_30d_member: the same report narrowed to the busiest channel / a heavy member;
- report_full_scans: statements of a report run (traced on the read connection) whose EXPLAIN QUERY
  PLAN scans a table without an index; must be 0.
- postgres.report_30d*: the same rows COPYed into a fresh PostgreSQL schema (real migrations, then
  VACUUM ANALYZE), the same reports and baseline; goal <= 2 s. Skipped without a server (bench/pg.py).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench import pg
from bench.harness import Figure, figure, median_ms_async
from bot.reports.build import build_report
from bot.store.db import Database
from bot.store.sqlite import SqliteDatabase
from bot.util.timeutil import DISCORD_EPOCH_MS

log = logging.getLogger(__name__)

N_MESSAGES = 1_000_000
DAYS, CHANNELS, AUTHORS = 60, 20, 2_000
GUILD = 1
NOW = 1_790_000_000_000
DAY_MS = 86_400_000
REPEAT = 5
_VOCAB = ("harbour ferry timetable council budget museum storm orchard bakery lighthouse tickets route delay "
          "weather vote park library concert market bridge tram festival school river repair night shift "
          "parking rent garden bicycle lane noise cafe recipe match final goal league referee").split()
_FLAG_CATEGORIES = ("rule", "invite", "flood", "mass_mention", "harassment", "violence")
_FTS_TRIGGERS = ("messages_fts_insert", "messages_fts_update", "messages_fts_delete")


def snowflake(ms: int, seq: int) -> int:
    return ((ms - DISCORD_EPOCH_MS) << 22) | (seq & 0x3FFFFF)


@dataclass(slots=True)
class Generated:
    """The generated rows, per table: (columns, rows)."""
    tables: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]
    messages: int


def _generate() -> Generated:
    rnd = random.Random(20261128)
    start = NOW - DAYS * DAY_MS
    weights = [1 / (rank + 1) ** 1.1 for rank in range(AUTHORS)]
    rnd.shuffle(weights)
    # A third of the members were there before the log started; the rest arrive over the 60 days.
    joined = [start if rnd.random() < 0.33 else rnd.randrange(start, NOW - DAY_MS) for _ in range(AUTHORS)]
    channel_weights = [1 / (c + 1) for c in range(CHANNELS)]
    authors = rnd.choices(range(AUTHORS), weights=weights, k=N_MESSAGES)
    channels = rnd.choices(range(CHANNELS), weights=channel_weights, k=N_MESSAGES)
    events = sorted((joined[a] + int(rnd.random() * (NOW - joined[a])), a, c)
                    for a, c in zip(authors, channels, strict=True))
    opted_out, forgotten = 7, 11
    messages, revisions, flags, links, posts = [], [], [], [], []
    for seq, (at, a, c) in enumerate(events):
        mid = snowflake(at, seq)
        author, channel = 10_000 + a, 100 + c
        text = " ".join(rnd.choices(_VOCAB, k=rnd.randint(4, 16)))
        state = 1 if a == opted_out else 2 if a == forgotten else 0
        roll = rnd.random()
        edited = at + 60_000 if roll < 0.02 else None
        deleted = at + 300_000 if 0.02 <= roll < 0.03 else None
        messages.append((mid, GUILD, channel, author, f"user{a}", None if state else text, state, at, edited,
                         deleted))
        if edited:
            revisions.append((mid, GUILD, text, text + " (edited)", edited))
        if 0.03 <= roll < 0.035:
            flags.append((GUILD, channel, mid, author, _FLAG_CATEGORIES[seq % 6], 0.9, "rules", None, at, at))
        if 0.035 <= roll < 0.065:
            links.append((mid, f"https://news{seq % 40}.example/story/{seq}", GUILD, channel, author, at))
            if seq % 3 == 0:
                posts.append((mid + 1, GUILD, channel, None, mid, links[-1][1], author, "extractive",
                              at + 2000))
    tables: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {
        "messages": (("id", "guild_id", "channel_id", "author_id", "author_name", "content", "content_state",
                      "created_at", "edited_at", "deleted_at"), messages),
        "message_revisions": (("message_id", "guild_id", "old_content", "new_content", "edited_at"), revisions),
        "flags": (("guild_id", "channel_id", "message_id", "author_id", "category", "score", "provider", "detail",
                   "created_at", "flagged_at"), flags),
        "shared_links": (("message_id", "url", "guild_id", "channel_id", "user_id", "created_at"), links),
        "summary_posts": (("message_id", "guild_id", "channel_id", "thread_id", "source_message_id", "url",
                           "requested_by", "provider", "created_at"), posts),
        "questions": (("guild_id", "channel_id", "user_id", "url", "question", "answer", "answerable", "provider",
                       "created_at"),
                      [(GUILD, 100 + i % CHANNELS, 10_000 + i % AUTHORS, links[i][1], "when?", "soon",
                        int(i % 3 != 0), "extractive", links[i][5]) for i in range(0, len(links), 10)]),
        "member_reports": (("guild_id", "channel_id", "message_id", "author_id", "content", "status", "created_at",
                            "updated_at"),
                           [(GUILD, m[2], m[0], m[3], None, "open", m[7], m[7]) for m in messages[-50_000::1_000]]),
        "privacy": (("guild_id", "user_id", "opted_out", "updated_at"), [(GUILD, 10_000 + opted_out, 1, start)]),
    }
    return Generated(tables, len(messages))


def load_sqlite(path: Path, data: Generated) -> None:
    """One bulk executemany per table; the full-text triggers are dropped during the load and restored."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        triggers = [r[0] for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?, ?)", _FTS_TRIGGERS)]
        with conn:
            for name in _FTS_TRIGGERS:
                conn.execute(f"DROP TRIGGER {name}")
            for table, (columns, rows) in data.tables.items():
                conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join('?' * len(columns))})", rows)
            for sql in triggers:
                conn.execute(sql)
    finally:
        conn.close()


async def _load_postgres(url: str, data: Generated) -> None:
    """COPY per table, then VACUUM ANALYZE (statistics, and the visibility map index-only scans need)."""
    conn = await asyncpg.connect(url)
    try:
        for table, (columns, rows) in data.tables.items():
            await conn.copy_records_to_table(table, records=rows, columns=columns)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def _scalar(db: Database, sql: str, *params: object) -> int:
    row = await db.fetchone(sql, (GUILD, *params), read=True)
    return int(row[0]) if row is not None else 0


_SCAN = re.compile(r"\bSCAN (\S+)(.*)$")


def full_scans(path: Path, statements: list[str]) -> list[tuple[str, str]]:
    """(statement, plan line) for every table scanned without an index (subquery results excepted)."""
    conn = sqlite3.connect(path)
    try:
        bad = []
        for sql in statements:
            for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
                match = _SCAN.search(row[3])
                if match and "USING" not in match.group(2) and match.group(1) not in ("a", "ranked") \
                        and not match.group(1).startswith("("):
                    bad.append((sql, row[3]))
        return bad
    finally:
        conn.close()


async def _report_figures(db: Database, prefix: str, n: int, generated_s: float) -> tuple[list[Figure], int, int]:
    """The three report figures for one store; also returns (busiest channel, heaviest member)."""
    since, until = NOW - 30 * DAY_MS, NOW
    window = await _scalar(db, "SELECT count(*) FROM messages WHERE guild_id = ? AND created_at >= ? "
                           "AND created_at < ?", since, until)
    full = await build_report(db, GUILD, since_ms=since, until_ms=until)
    busiest = full.busiest_channels[0].channel_id
    member = await _scalar(   # the busiest member: the heaviest member filter
        db, "SELECT author_id FROM messages WHERE guild_id = ? AND created_at >= ? "
        "AND created_at < ? GROUP BY author_id ORDER BY count(*) DESC LIMIT 1", since, until)

    async def baseline() -> None:
        await db.fetchone("SELECT count(*) FROM messages WHERE guild_id = ? AND created_at >= ? "
                          "AND created_at < ?", (GUILD, since, until), read=True)

    base_ms = await median_ms_async(baseline, REPEAT)
    figures = []
    for name, channel, who in (("report_30d", None, None), ("report_30d_channel", busiest, None),
                               ("report_30d_member", None, member)):
        await build_report(db, GUILD, since_ms=since, until_ms=until, channel_id=channel,
                           member_id=who)   # warm-up

        async def once(channel: int | None = channel, who: int | None = who) -> None:
            await build_report(db, GUILD, since_ms=since, until_ms=until, channel_id=channel,
                               member_id=who)

        value = await median_ms_async(once, REPEAT)
        figures.append(figure(f"{prefix}{name}", value, "ms", base_ms, note=(
            f"{n:,} messages logged, {window:,} in the 30-day window (loaded in {generated_s:.1f} s); "
            f"baseline: index-only SELECT count(*) of the window")))
    return figures, busiest, member


async def run() -> list[Figure]:
    started = time.perf_counter()
    data = await asyncio.to_thread(_generate)
    generated_s = time.perf_counter() - started
    since, until = NOW - 30 * DAY_MS, NOW
    with tempfile.TemporaryDirectory(prefix="precis-report-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        async with Database(path):
            pass   # the real schema, migrations included
        started = time.perf_counter()
        await asyncio.to_thread(load_sqlite, path, data)
        loaded_s = generated_s + time.perf_counter() - started
        db = SqliteDatabase(path)
        async with db:
            figures, busiest, member = await _report_figures(db, "", data.messages, loaded_s)
            traced: list[str] = []
            for channel, who in ((None, None), (busiest, None), (None, member), (busiest, member)):
                await db.reader.set_trace_callback(traced.append)
                try:
                    await build_report(db, GUILD, since_ms=since, until_ms=until, channel_id=channel,
                                       member_id=who)
                finally:
                    await db.reader.set_trace_callback(None)  # type: ignore[arg-type]  # None removes it
        statements = sorted({s for s in traced if s.lstrip().upper().startswith(("SELECT", "WITH"))})
        bad = await asyncio.to_thread(full_scans, path, statements)
        for sql, plan in bad:
            log.warning("full scan in a report query: %s  <-  %s", plan, sql[:200])
        figures.append(Figure("report_full_scans", float(len(bad)), "statements", note=(
            f"EXPLAIN QUERY PLAN of the {len(statements)} distinct statements of four report runs "
            "(guild, channel, member, both): " + ("every table access uses an index" if not bad else
                                                 "; ".join(sorted({p for _, p in bad}))))))
    server = await pg.server_url()
    if server is None:
        return [*figures, Figure("postgres.report", 0.0, "skipped", note="no PostgreSQL server (bench/pg.py)")]
    async with pg.fresh_schema(server, "bench") as url:
        async with Database(url):
            pass
        started = time.perf_counter()
        await _load_postgres(url, data)
        loaded_s = generated_s + time.perf_counter() - started
        async with Database(url) as pg_db:
            pg_figures, _, _ = await _report_figures(pg_db, "postgres.", data.messages, loaded_s)
    return [*figures, *pg_figures]
