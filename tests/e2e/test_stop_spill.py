"""`precis run` stopped while its database refuses writes: the stop keeps its deadline and loses nothing:
the rows go to the spill file, and the next start writes them before anything else (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
from collections.abc import Awaitable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import pytest

from bot.logbook.spill import spill_path_for
from bot.playground.fake_discord import FakeDiscord
from bot.store.db import Database
from tests.e2e.test_log_durability import bot_process, committed
from tests.helpers.wait import until, until_async


def waiting_rows(log_file: Path) -> int:
    """The most rows the bot said were waiting for the database."""
    found = re.findall(r"(\d+) rows wait in memory", log_file.read_text())
    return max(map(int, found), default=0)


async def test_stop_with_a_locked_database_spills_and_the_next_start_replays_first(
        fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    database, log_file = tmp_path / "precis.sqlite3", tmp_path / "bot.log"
    spill = tmp_path / "precis.sqlite3.spill.jsonl"
    with bot_process(fake, database, log_file, SHUTDOWN_TIMEOUT="2") as proc:
        await fake.wait_until_identified(1)
        first = int((await fake.post(general, alice, "the tide table says nine"))["id"])
        await until(lambda: first in committed(database), what="the first message to be committed")
        # The names of the server are stored once at start: done before the lock, so only the log waits on it.
        await until(lambda: committed(database, "SELECT id, name FROM names"), what="the server's names")

        blocker = sqlite3.connect(database, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")   # another process holds the write lock until the bot is gone
        try:
            second = int((await fake.post(general, alice, "and the ferry leaves at ten"))["id"])
            third = int((await fake.post(general, alice, "a message deleted while the disk was busy"))["id"])
            await fake.edit(general, first, "the tide table says half past nine")
            await fake.delete(general, third)
            await until(lambda: waiting_rows(log_file) >= 4, what="the bot to hold the four rows")
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(proc.wait, 60)   # it must not hang on the lock
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
    log = log_file.read_text()
    assert code == 0, log
    assert "spilled to" in log and "Traceback" not in log
    assert spill.exists() and set(committed(database)) == {first}
    assert "half past nine" in spill.read_text()

    mark = len(log)
    with bot_process(fake, database, log_file, BACKFILL_LIMIT="0"):   # no backfill: only the spill can help
        await until(lambda: not spill.exists(), what="the spill file to be replayed")
        await fake.wait_until_identified(2)
        stored = committed(database, "SELECT id, content || '|' || (deleted_at IS NOT NULL) FROM messages")
        assert stored == {first: "the tide table says half past nine|0", second: "and the ferry leaves at ten|0",
                          third: "a message deleted while the disk was busy|1"}
        assert committed(database, "SELECT message_id, new_content FROM message_revisions") == {
            first: "the tide table says half past nine"}
    restart = log_file.read_text()[mark:]
    replayed = re.search(r"replayed \d+ log rows spilled at the last shutdown", restart)
    assert replayed is not None and replayed.start() < restart.index("logging in using static token")


@pytest.mark.postgres
async def test_stop_on_postgres_with_a_locked_table_spills_and_the_next_start_replays_first(
        fake_discord: FakeDiscord, tmp_path: Path, pg_url: str) -> None:
    """The same on PostgreSQL: the spill file sits in the data folder (DATABASE_PATH's), named after the
    database. Another session locks the messages table; with a lock timeout the writer's batches fail as
    "lock not available" and wait in memory."""
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    log_file = tmp_path / "bot.log"
    url = pg_url.replace("options=", "options=" + quote("-clock_timeout=200 "), 1)
    spill = spill_path_for(url, folder=tmp_path)
    assert spill is not None and spill.parent == tmp_path and spill.name.startswith("precis-postgres-")
    async with Database(pg_url) as db:
        async def committed_pg(sql: str = "SELECT id, content FROM messages") -> dict[int, Any]:
            return {row[0]: row[1] for row in await db.fetchall(sql)}

        with bot_process(fake, tmp_path / "precis.sqlite3", log_file, DATABASE_URL=url, SHUTDOWN_TIMEOUT="2") as proc:
            await fake.wait_until_identified(1)
            first = int((await fake.post(general, alice, "the tide table says nine"))["id"])
            await until_async(lambda: _has(committed_pg(), first), what="the first message to be committed")
            locker = await asyncpg.connect(pg_url)
            lock = locker.transaction()
            await lock.start()
            await locker.execute("LOCK TABLE messages IN EXCLUSIVE MODE")   # reads go on, writes wait
            try:
                second = int((await fake.post(general, alice, "and the ferry leaves at ten"))["id"])
                await fake.edit(general, first, "the tide table says half past nine")
                await until(lambda: waiting_rows(log_file) >= 2, what="the bot to hold the two rows")
                proc.send_signal(signal.SIGTERM)
                code = await asyncio.to_thread(proc.wait, 60)   # it must not hang on the lock
            finally:
                await lock.rollback()
                await locker.close()
        log = log_file.read_text()
        assert code == 0, log
        assert "spilled to" in log and "Traceback" not in log
        assert spill.exists() and set(await committed_pg()) == {first}
        assert not (tmp_path / "precis.sqlite3").exists()               # no SQLite file was made beside it

        mark = len(log)
        with bot_process(fake, tmp_path / "precis.sqlite3", log_file, DATABASE_URL=url, BACKFILL_LIMIT="0"):
            await until(lambda: not spill.exists(), what="the spill file to be replayed")
            await fake.wait_until_identified(2)
            assert await committed_pg() == {first: "the tide table says half past nine",
                                            second: "and the ferry leaves at ten"}
        restart = log_file.read_text()[mark:]
        replayed = re.search(r"replayed \d+ log rows spilled at the last shutdown", restart)
        assert replayed is not None and replayed.start() < restart.index("logging in using static token")


async def _has(rows: Awaitable[dict[int, Any]], key: int) -> bool:
    return key in await rows
