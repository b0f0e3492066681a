"""No message is lost or doubled: a graceful stop during a burst, and `precis run` killed with SIGKILL mid-burst
(and again in the middle of the backfill that follows), then started again on the same database."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import discord

from bot.playground.fake_discord import FakeDiscord
from tests.helpers.log import log_rows
from tests.helpers.paths import ROOT
from tests.helpers.wait import until


def committed(database: Path, sql: str = "SELECT id, content FROM messages") -> dict[int, Any]:
    """What another process committed so far (WAL lets us read beside its writer)."""
    conn = sqlite3.connect(database, timeout=5)
    try:
        return {row[0]: row[1] for row in conn.execute(sql)}
    finally:
        conn.close()


async def test_graceful_stop_during_a_burst_commits_everything_received(launch_bot: Any,
                                                                       fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    received: list[int] = []
    posted: list[dict[str, Any]] = []
    halfway = asyncio.Event()

    async def burst() -> None:
        for i in range(1_500):
            posted.append(await fake.post(general, alice, f"burst message {i}"))
            if i % 50 == 0:
                await asyncio.sleep(0)

    async with launch_bot() as h:
        async def on_message(message: discord.Message) -> None:
            # The log's own handler ran before this one for the same event (listeners run in the order
            # they were added); with the cog still loaded, the row is in the writer's queue by now.
            if message.guild is not None and h.bot.get_cog("Logbook") is not None:
                received.append(message.id)
                if len(received) == 300:
                    halfway.set()
        h.bot.add_listener(on_message)
        poster = asyncio.create_task(burst())
        await asyncio.wait_for(halfway.wait(), 10)
        database = h.settings.database_path
        assert not poster.done()
    # The bot stopped the way SIGTERM stops it while the burst went on.
    await poster
    stored = committed(database)
    assert len(received) >= 300
    assert set(received) <= set(stored), "a message the bot had received was not committed at shutdown"

    async with launch_bot() as h:   # and the rest comes from history on the next start
        await h.settle()
        rows = await log_rows(h, "content LIKE 'burst message %'")
        assert [(r["id"], r["content"]) for r in rows] == [(int(p["id"]), p["content"]) for p in posted]


@contextmanager
def bot_process(fake: FakeDiscord, database: Path, log_file: Path, **settings: str
                ) -> Iterator[subprocess.Popen[bytes]]:
    """`precis run` pointed at the fake (through `python -m bot.playground`); always killed on the way out.
    `settings` are extra environment variables (e.g. SHUTDOWN_TIMEOUT="2")."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "OPENAI_", "DATABASE_"))}
    env.update(DISCORD_TOKEN=fake.token, DISCORD_API_BASE=fake.api_base, DISCORD_GATEWAY_URL=fake.gateway_url,
               DATABASE_PATH=str(database), FETCH_ALLOW_PRIVATE="true", LOG_LEVEL="INFO", PYTHONPATH=str(ROOT))
    env.update(settings)
    with open(log_file, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.playground", "run"], cwd=database.parent, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def hard_kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL


async def test_sigkill_mid_burst_and_mid_backfill_loses_and_doubles_nothing(fake_discord: FakeDiscord,
                                                                          tmp_path: Path) -> None:
    fake = fake_discord
    general, news, alice = fake.channel("general"), fake.channel("news"), fake.user("alice")
    assert general < news   # the backfill walks channels in id order: #general first, then #news
    database, log_file = tmp_path / "precis.sqlite3", tmp_path / "bot.log"
    posted: dict[int, str] = {}

    async def post(channel: int, text: str, **kwargs: Any) -> None:
        message = await fake.post(channel, alice, text, **kwargs)
        posted[int(message["id"])] = message["content"]

    # 1. A burst of 2,000 messages; the bot is killed once part of it is committed.
    with bot_process(fake, database, log_file) as proc:
        await fake.wait_until_identified(1)
        for sent in range(1_000):
            await post((general, news)[sent % 2], f"burst {sent}: the tide table for pier {sent % 7}")
            if sent == 800:
                await until(lambda: committed(database, "SELECT id, 1 FROM messages LIMIT 1"), what="a commit")
        hard_kill(proc)   # with the last messages still on their way through the bot
        sent += 1
    at_kill = committed(database)
    assert 0 < len(at_kill) <= len(posted) < 2_000, "the kill did not land mid-burst"
    while sent < 2_000:   # Discord keeps what is posted while the bot is dead
        await post((general, news)[sent % 2], f"burst {sent}: the tide table for pier {sent % 7}", dispatch=False)
        sent += 1

    # 2. Restarted, it backfills; #news's history stalls (rate limited), live messages keep coming, and the
    # bot is killed again before the #news gap is filled.
    stall = fake.fail_next("GET", rf"/channels/{news}/messages$", 429, retry_after=10.0)
    with bot_process(fake, database, log_file) as proc:
        await fake.wait_until_identified(2)
        general_ids = {i for i in posted if fake.message(i)["channel_id"] == str(general)}
        await until(lambda: stall.hits and general_ids <= set(committed(database)), what="#general's backfill")
        live = []
        for i in range(20):
            message = await fake.post(news, alice, f"live during the backfill {i}")
            posted[int(message["id"])] = message["content"]
            live.append(int(message["id"]))
        await until(lambda: set(live) <= set(committed(database)), what="the live messages to be committed")
        news_gap = {i for i in posted if i not in at_kill and i not in general_ids and i not in live}
        assert not news_gap <= set(committed(database)), "the backfill of #news was not interrupted"
        hard_kill(proc)

    # 3. Started once more: every message exactly once, with its text.
    with bot_process(fake, database, log_file):
        await until(lambda: len(committed(database)) >= len(posted), what=f"{len(posted)} logged messages")
        assert committed(database) == posted
        logged_in = committed(database, "SELECT channel_id, count(*) FROM messages GROUP BY channel_id")
        assert sum(logged_in.values()) == len(posted) == 2_020
