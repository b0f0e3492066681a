"""Conversation-log ingest: messages per second from the event handler to committed rows.

Realistic `discord.Message` objects are parsed once up front by discord.py itself (a minimal
ConnectionState holding one guild). Timed: the log cog's `on_message` (message -> row -> guild settings
-> writer queue) for every message, then `flush()` until the writer has committed them all. The event
loop is given a turn every `YIELD_EVERY` messages, as a gateway reader does between frames.

Baseline in the same run: plain `sqlite3` `executemany` of the same rows (prepared outside the timing)
into the same schema with the same pragmas, in transactions of the writer's batch size. Goals from the
issue: >= 20,000 msg/s, ratio >= 0.5. Also the p99 latency of one handler call (queueing, not committing).

PostgreSQL (when a server answers, see bench/pg.py), in the same run: the same handler path into a fresh
schema (the writer's batches go in as one unnest() INSERT each), against raw asyncpg
`copy_records_to_table` of the same rows into the same schema in transactions of the same size (goal:
ratio >= 0.5).

`python -m bench log_ingest`; LOG_INGEST_MESSAGES=10000 for a quick run.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import asyncpg
import discord
from discord.guild import Guild

from bench import pg
from bench.harness import Figure, figure
from bot.logbook.service import LogService
from bot.logbook.writer import LogWriter
from bot.settings.guild import GuildSettingsService
from bot.store import logbook as store
from bot.store.db import Database
from bot.store.sqlite import BUSY_TIMEOUT_MS
from cogs.logbook import Logbook, message_row

MESSAGES = int(os.environ.get("LOG_INGEST_MESSAGES", "100000"))
YIELD_EVERY = 100
GOAL_RATE, GOAL_RATIO = 20_000, 0.5
GUILD_ID, FIRST_CHANNEL = 900 << 22, 901 << 22
EPOCH_MS, START_MS = 1_420_070_400_000, 1_760_000_000_000
WORDS = ("the ferry timetable changes on monday and the harbour office opens late while the tide turns "
         "near the old pier so bring lanterns rope tea bread maps and patience for the night crossing").split()


def _guild(state: Any) -> Guild:
    channels = [{"id": str(FIRST_CHANNEL + i), "type": 0, "name": f"channel-{i}", "position": i,
                 "permission_overwrites": []} for i in range(8)]
    everyone = {"id": str(GUILD_ID), "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
                "hoist": False, "managed": False, "mentionable": False}
    guild = Guild(data=cast(Any, {"id": str(GUILD_ID), "name": "Bench", "owner_id": "1", "roles": [everyone],
                                  "channels": channels, "threads": [], "members": [], "emojis": [],
                                  "stickers": [], "features": [], "member_count": 60}), state=state)
    state._add_guild(guild)
    return guild


def _payload(i: int, rng: random.Random) -> dict[str, Any]:
    ms = START_MS + i * 37
    author = rng.randrange(60)
    content = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
    data: dict[str, Any] = {
        "id": str(((ms - EPOCH_MS) << 22) | (i & 0xFFF)), "channel_id": str(FIRST_CHANNEL + i % 8),
        "guild_id": str(GUILD_ID), "type": 0, "content": content,
        "author": {"id": str(10_000 + author), "username": f"member{author}", "global_name": f"Member {author}",
                   "discriminator": "0", "avatar": None},
        "member": {"roles": [], "nick": None, "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False,
                   "mute": False, "flags": 0},
        "timestamp": discord.utils.snowflake_time((ms - EPOCH_MS) << 22).isoformat(), "edited_timestamp": None,
        "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": False, "flags": 0, "components": [],
    }
    if i % 10 == 0:
        data["attachments"] = [{"id": str(i), "filename": f"photo-{i}.jpg", "size": 48_213,
                                "url": f"https://cdn.example/{i}/photo.jpg", "proxy_url": "https://cdn.example/p",
                                "content_type": "image/jpeg"}]
    return data


def build_messages(count: int) -> list[discord.Message]:
    """Parsed once, outside any timing, by discord.py's own Message constructor."""
    client = discord.Client(intents=discord.Intents.default())
    state = client._connection
    guild = _guild(state)
    rng = random.Random(7)
    out = []
    for i in range(count):
        data = _payload(i, rng)
        channel = guild.get_channel(int(data["channel_id"]))
        out.append(discord.Message(state=state, channel=cast(Any, channel), data=cast(Any, data)))
    return out


async def handler_path(messages: list[discord.Message], target: Path | str) -> tuple[float, list[int], LogWriter]:
    """Seconds from the first handler call until everything is committed, and each call's duration (ns)."""
    async with Database(target) as db:
        writer = LogWriter(db)
        writer.start()
        service = LogService(db, writer, GuildSettingsService(db))
        cog = Logbook(cast(Any, None), service, backfill_limit=0)   # only its handlers are driven here
        await service.load()
        await service.settings_for(GUILD_ID)   # settings are cached from the first message on
        durations = [0] * len(messages)
        clock = time.perf_counter_ns
        start = time.perf_counter()
        for i, message in enumerate(messages):
            began = clock()
            await cog.on_message(message)
            durations[i] = clock() - began
            if i % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        await writer.flush()
        elapsed = time.perf_counter() - start
        await writer.stop()
        count = (await db.fetchall("SELECT count(*) FROM messages"))[0][0]
        assert count == len(messages), f"only {count} of {len(messages)} rows were committed"
    return elapsed, durations, writer


async def raw_executemany(messages: list[discord.Message], path: Path, batch: int) -> float:
    """The same rows, already as parameter tuples, straight into the same schema with the same pragmas."""
    async with Database(path):   # creates the schema through the real migrations
        pass
    params = _params(messages)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA journal_mode = WAL")
        start = time.perf_counter()
        for first in range(0, len(params), batch):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(store.INSERT_MESSAGE, params[first:first + batch])
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == len(params)
    finally:
        conn.close()
    return elapsed


def _params(messages: list[discord.Message]) -> list[tuple[Any, ...]]:
    params = []
    for message in messages:
        row = message_row(message)
        assert row is not None
        params.append(store.message_params(row))
    return params


async def raw_copy(messages: list[discord.Message], url: str, batch: int) -> float:
    """The same rows with asyncpg's COPY (copy_records_to_table) into the same PostgreSQL schema."""
    async with Database(url):   # the real migrations
        pass
    params: Sequence[tuple[Any, ...]] = _params(messages)
    conn = await asyncpg.connect(url)
    try:
        start = time.perf_counter()
        for first in range(0, len(params), batch):
            async with conn.transaction():
                await conn.copy_records_to_table("messages", records=params[first:first + batch],
                                                 columns=store.MESSAGE_COLUMNS)
        elapsed = time.perf_counter() - start
        assert await conn.fetchval("SELECT count(*) FROM messages") == len(params)
    finally:
        await conn.close()
    return elapsed


def percentile(values: list[int], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] / 1000   # ns -> us


def _figures(prefix: str, messages: int, elapsed: float, durations: list[int], writer: LogWriter, base: float,
             base_name: str, base_note: str) -> list[Figure]:
    rate, base_rate = messages / elapsed, messages / base
    p50, p99, p999 = percentile(durations, 0.5), percentile(durations, 0.99), percentile(durations, 0.999)
    stats = writer.stats
    note = (f"{messages} messages; goal >= {GOAL_RATE} msg/s and ratio >= {GOAL_RATIO}; "
            f"{stats.batches} batches, largest {stats.largest_batch}")
    return [
        figure(f"{prefix}handler_to_commit", rate, "msg/s", base_rate, note=note),
        figure(f"{prefix}{base_name}", base_rate, "msg/s", note=base_note),
        figure(f"{prefix}handler_p99", p99, "us",
               note=f"one on_message call; p50 {p50:.1f} us, p99.9 {p999:.1f} us, "
                    f"mean {statistics.fmean(durations) / 1000:.1f} us"),
    ]


async def run() -> list[Figure]:
    messages = build_messages(MESSAGES)
    with tempfile.TemporaryDirectory(prefix="precis-bench-") as folder:
        elapsed, durations, writer = await handler_path(messages, Path(folder) / "handler.sqlite3")
        raw = await raw_executemany(messages, Path(folder) / "raw.sqlite3", writer._max_batch)
    figures = _figures("log_ingest.", len(messages), elapsed, durations, writer, raw, "raw_executemany",
                       "plain sqlite3 baseline, same rows")
    server = await pg.server_url()
    if server is None:
        return [*figures, Figure("log_ingest.postgres", 0.0, "skipped", note="no PostgreSQL server (bench/pg.py)")]
    async with pg.fresh_schema(server, "bench") as url:
        elapsed, durations, writer = await handler_path(messages, url)
    async with pg.fresh_schema(server, "bench") as url:
        raw = await raw_copy(messages, url, writer._max_batch)
    return [*figures, *_figures("log_ingest.postgres.", len(messages), elapsed, durations, writer, raw, "raw_copy",
                                "asyncpg copy_records_to_table baseline, same rows and schema")]
