"""A write transaction whose caller is cancelled while it waits for its turn leaves nothing open behind it,
on both backends: SQLite's BEGIN waiting on another process's lock, PostgreSQL's advisory lock waiting on
another transaction with the same key. (A connection left inside a transaction would make every later
write fail on SQLite, and keep locks and a pool connection busy on PostgreSQL.)"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable

import pytest

from bot.playground.fake_discord.events import WAIT_TIMEOUT
from bot.store.db import Database
from tests.helpers.wait import until, until_async

INSERT = "INSERT INTO leases (name, expires_at) VALUES (?, 0)"


@pytest.mark.db_options(busy_timeout_ms=30_000)   # BEGIN waits for the other process, not fails
async def test_cancelled_while_begin_waits_is_rolled_back(db: Database) -> None:
    release: Callable[[], Awaitable[None]]
    if db.backend == "sqlite":
        blocker = sqlite3.connect(db.path, isolation_level=None)   # type: ignore[attr-defined]
        blocker.execute("BEGIN EXCLUSIVE")                         # another process holds the write lock

        async def waiting() -> bool:
            return db.write_lock.locked()                          # type: ignore[attr-defined]

        async def release() -> None:
            blocker.execute("ROLLBACK")
            blocker.close()
    else:
        held, done = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            async with db.write_transaction("settings") as tx:
                await tx.execute(INSERT, ("first",))
                held.set()
                await done.wait()
        holder = asyncio.create_task(hold())
        await until(held.is_set, what="the first transaction to hold the key")

        async def waiting() -> bool:
            row = await db.fetchone("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            return row is not None and row[0] > 0

        async def release() -> None:
            done.set()
            await holder

    async def second() -> None:
        async with db.write_transaction("settings") as tx:
            await tx.execute(INSERT, ("cancelled",))
    waiter = asyncio.create_task(second())
    await until_async(waiting, what="the second transaction to wait for its turn")
    waiter.cancel()
    await release()   # before the cancellation is done: the BEGIN (or the lock) it waited for gets through
    with pytest.raises(asyncio.CancelledError):
        await waiter

    async def after() -> None:   # fails (SQLite) or waits for ever (PostgreSQL) behind a transaction left open
        async with db.write_transaction("settings") as tx:
            await tx.execute(INSERT, ("after",))
    await asyncio.wait_for(after(), WAIT_TIMEOUT)
    rows = await db.fetchall("SELECT name FROM leases ORDER BY name")
    assert [r[0] for r in rows] == (["after"] if db.backend == "sqlite" else ["after", "first"])
