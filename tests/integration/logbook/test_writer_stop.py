"""Stopping the log writer while the database refuses writes: the stop keeps its deadline, the rows go to
the spill file, and the next start replays them before anything else. On both backends: SQLite answers
"locked" (or "disk is full") and the writer retries; on PostgreSQL another session's table lock makes the
writer's INSERT wait, and the stop cancels it (and rolls its transaction back)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
import pytest

from bot.logbook.rows import Delete, Edit
from bot.logbook.spill import read_spill, spill_path_for
from bot.logbook.writer import LogWriter
from bot.store.db import Database
from tests.helpers.rows import BASE_MS, row
from tests.helpers.wait import until, until_async

pytestmark = pytest.mark.db_options(busy_timeout_ms=50)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another process holds the write lock (SQLite answers "database is locked")."""
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


Held = Callable[[LogWriter], Awaitable[bool]]


@asynccontextmanager
async def refusing(db: Database) -> AsyncIterator[Held]:
    """Another process holds the write lock until the block ends; yields a check that a writer is held up
    by it (SQLite: it met "database is locked" and retries; PostgreSQL: its INSERT waits for the lock)."""
    if db.backend == "sqlite":
        with locked(db.path):   # type: ignore[attr-defined]
            async def retrying(writer: LogWriter) -> bool:
                return writer.stats.retries >= 1
            yield retrying
        return
    conn = await asyncpg.connect(db.target)
    lock = conn.transaction()
    await lock.start()
    await conn.execute("LOCK TABLE messages IN EXCLUSIVE MODE")   # reads go on, writes wait

    async def waiting(_: LogWriter) -> bool:
        return bool(await conn.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                        "AND relation = 'messages'::regclass"))
    try:
        yield waiting
    finally:
        await lock.rollback()
        await conn.close()


def spill_for(db: Database, tmp_path: Path) -> Path:
    spill = spill_path_for(db.target, folder=tmp_path)
    assert spill is not None
    return spill


async def count(db: Database, sql: str = "SELECT count(*) FROM messages") -> int:
    return int((await db.fetchone(sql))[0])


async def stop_while(db: Database, refuse: Callable[[], Awaitable[None]]) -> tuple[LogWriter, Path]:
    spill = spill_path_for(db.path)
    assert spill is not None
    writer = LogWriter(db, max_batch=10, max_delay=0.01, spill_path=spill, stop_timeout=0.3)
    writer.start()
    first = row(1, content="the ferry leaves at nine")
    await writer.put(first)
    await writer.flush()
    await refuse()
    for i in range(2, 40):   # a few pages' worth, more than the free pages the file may have
        await writer.put(row(i, content=f"message {i} about the harbour " + "ferry timetable " * 300))
    await writer.put(Edit(first.id, 1, "the ferry leaves at ten", BASE_MS + 60_000))
    await writer.put(Delete([row(2).id], 1, BASE_MS + 70_000))
    await until(lambda: writer.stats.retries >= 1, what="the writer to meet the refusal")
    await asyncio.wait_for(writer.stop(), 30)   # returns: the deadline is the writer's, 0.3 s
    return writer, spill


@pytest.mark.sqlite_only
@pytest.mark.parametrize("refusal", ["locked", "disk full"])
async def test_stop_keeps_its_deadline_spills_and_the_next_start_replays(db: Database, refusal: str) -> None:
    blocker = sqlite3.connect(db.path, isolation_level=None, timeout=0)

    async def refuse() -> None:
        if refusal == "locked":
            blocker.execute("BEGIN EXCLUSIVE")
        else:   # the database may not grow by one page: SQLite answers "database or disk is full"
            pages = (await db.fetchone("PRAGMA page_count"))[0]
            await db.conn.execute(f"PRAGMA max_page_count = {pages}")

    writer, spill = await stop_while(db, refuse)
    assert writer.stats.spilled == 40 and spill.exists()
    assert {type(op).__name__ for op in read_spill(spill)} == {"MessageRow", "Edit", "Delete"}
    assert spill.stat().st_mode & 0o777 == 0o600
    assert await count(db) == 1

    if refusal == "locked":
        blocker.execute("ROLLBACK")
    else:
        await db.conn.execute("PRAGMA max_page_count = 1073741823")
    blocker.close()
    again = LogWriter(db, max_batch=10, max_delay=0.01, spill_path=spill)
    again.start()
    assert await again.replay_spill() == 40
    assert not spill.exists() and again.stats.replayed == 40
    await again.stop()
    assert await count(db) == 39
    first = await db.fetchone("SELECT content, edited_at FROM messages WHERE id = ?", (row(1).id,))
    assert tuple(first) == ("the ferry leaves at ten", BASE_MS + 60_000)
    assert await count(db, "SELECT count(*) FROM message_revisions") == 1
    assert await count(db, "SELECT count(*) FROM messages WHERE deleted_at IS NOT NULL") == 1


async def test_stop_on_postgres_cancels_the_waiting_insert_spills_and_the_next_start_replays(
        db_on_postgres: Database, tmp_path: Path) -> None:
    db, spill = db_on_postgres, spill_for(db_on_postgres, tmp_path)
    writer = LogWriter(db, max_batch=10, max_delay=0.01, spill_path=spill, stop_timeout=0.3)
    writer.start()
    first = row(1, content="the ferry leaves at nine")
    await writer.put(first)
    await writer.flush()
    async with refusing(db) as held:
        for i in range(2, 40):
            await writer.put(row(i, content=f"message {i} about the harbour"))
        await writer.put(Edit(first.id, 1, "the ferry leaves at ten", BASE_MS + 60_000))
        await writer.put(Delete([row(2).id], 1, BASE_MS + 70_000))
        await until_async(lambda: held(writer), what="the writer's INSERT to wait for the lock")
        await asyncio.wait_for(writer.stop(), 30)   # returns: the deadline is the writer's, 0.3 s
        assert writer.stats.spilled == 40 and spill.exists()
        assert await count(db) == 1
    # The cancelled INSERT's transaction was rolled back: nothing of it appears once the lock is gone.
    assert await count(db) == 1
    assert await count(db, "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' "
                           "AND datname = current_database()") == 0

    again = LogWriter(db, max_batch=10, max_delay=0.01, spill_path=spill)
    again.start()
    assert await again.replay_spill() == 40
    await again.stop()
    assert not spill.exists() and await count(db) == 39
    stored = await db.fetchone("SELECT content, edited_at FROM messages WHERE id = ?", (first.id,))
    assert stored is not None and tuple(stored) == ("the ferry leaves at ten", BASE_MS + 60_000)
    assert await count(db, "SELECT count(*) FROM messages WHERE deleted_at IS NOT NULL") == 1


async def test_replayed_rows_come_before_new_ones_and_replaying_twice_changes_nothing(db: Database,
                                                                                      tmp_path: Path) -> None:
    spill = spill_for(db, tmp_path)
    async with refusing(db) as held:
        writer = LogWriter(db, max_batch=10, max_delay=0.01, spill_path=spill, stop_timeout=0.2)
        writer.start()
        first = row(1, content="first words")
        await writer.put(first)
        await writer.put(Edit(first.id, 1, "second words", BASE_MS + 5_000))
        await until_async(lambda: held(writer), what="the writer to be held up")
        await writer.stop()
    copy = spill.read_bytes()
    writer = LogWriter(db, max_batch=10, max_delay=0.01, spill_path=spill)
    writer.start()
    # An edit made right after the restart lands after the spilled rows, not under them.
    await writer.put(Edit(first.id, 1, "third words", BASE_MS + 9_000))
    assert await writer.replay_spill() == 2
    await writer.stop()
    spill.write_bytes(copy)                      # as if the file had outlived its commit (a crash)
    writer = LogWriter(db, max_batch=10, max_delay=0.01, spill_path=spill)
    writer.start()
    assert await writer.replay_spill() == 2
    await writer.stop()
    stored = await db.fetchone("SELECT content FROM messages WHERE id = ?", (first.id,))
    assert stored is not None and stored["content"] == "third words"
    assert await count(db, "SELECT count(*) FROM message_revisions") == 2


async def test_without_a_spill_file_a_stop_still_keeps_its_deadline(db: Database,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    async with refusing(db) as held:
        writer = LogWriter(db, max_batch=10, max_delay=0.01, stop_timeout=0.2)
        writer.start()
        await writer.put(row(1, content="kept nowhere"))
        await until_async(lambda: held(writer), what="the writer to be held up")
        await asyncio.wait_for(writer.stop(), 30)
    assert "1 log rows were not committed before the stop and there is no spill file: lost" in caplog.text
    assert "kept nowhere" not in caplog.text
