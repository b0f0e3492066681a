"""The SQLite backend: WAL, busy timeout, foreign keys, migrations in PRAGMA user_version, online backup.

One writer connection serves every write (SQLite has a single writer anyway; aiosqlite runs it on its
own thread) and a second connection serves long reads (reports, exports, search), which WAL lets run
beside the writes without blocking them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.db import (
    BulkInsert,
    Database,
    Migration,
    MigrationError,
    Params,
    Row,
    Statement,
    bundled_migrations,
)
from bot.store.dialect import SQLITE

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
_TRANSIENT = ("locked", "busy", "disk is full", "disk i/o", "unable to open")
# Many rows per INSERT statement, not one statement per row: SQLite wraps each statement of a table with
# triggers in a savepoint, and FTS5 writes its pending index out at every savepoint, so row-by-row inserts
# made one tiny full-text segment per message (measured: ~2x slower ingest).
_MAX_VARIABLES = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
_MAX_ROWS_PER_INSERT = 250


async def _connect(path: Path | str, busy_timeout_ms: int) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so batches are exactly one transaction.
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across process crashes
    conn.row_factory = sqlite3.Row
    return conn


@functools.lru_cache(maxsize=32)
def _multi_row_insert(head: str, width: int, count: int, conflict: str) -> str:
    one = f"({', '.join('?' * width)})"
    return f"{head}{', '.join([one] * count)} {conflict}".rstrip()


class _Tx:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        cur = await self.conn.execute(sql, params)
        return cur.rowcount

    async def executemany(self, sql: str, params: Iterable[Params]) -> None:
        await self.conn.executemany(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


class SqliteDatabase(Database):
    backend = "sqlite"
    dialect = SQLITE

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        self.busy_timeout_ms = busy_timeout_ms
        self._write: aiosqlite.Connection | None = None
        self._read: aiosqlite.Connection | None = None
        self.write_lock = asyncio.Lock()

    @property
    def target(self) -> str:
        return str(self.path)

    def clone(self) -> Database:
        return SqliteDatabase(self.path, busy_timeout_ms=self.busy_timeout_ms)

    async def open(self, *, migrate: bool = True) -> Database:
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write = await _connect(self.path, self.busy_timeout_ms)
        mode = await (await self._write.execute("PRAGMA journal_mode = WAL")).fetchone()
        if mode and mode[0] != "wal" and str(self.path) != ":memory:":
            log.warning("SQLite refused WAL mode (got %s); concurrent reads will block writes", mode[0])
        if migrate:
            try:
                await self.migrate()
            except BaseException:
                await self.close()
                raise
        self._read = await _connect(self.path, self.busy_timeout_ms) if str(self.path) != ":memory:" else self._write
        return self

    async def close(self) -> None:
        for conn in {id(c): c for c in (self._read, self._write) if c is not None}.values():
            await conn.close()
        self._read = self._write = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._write is None:
            raise RuntimeError("database is not open")
        return self._write

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._read is None:
            raise RuntimeError("database is not open")
        return self._read

    # -- statements -------------------------------------------------------------------------------

    async def fetchall(self, sql: str, params: Params = (), *, read: bool = False) -> list[Row]:
        conn = self.reader if read else self.conn
        # One call on the connection's thread: no statement (and no read snapshot) stays open across an
        # await, where another task's BEGIN IMMEDIATE could otherwise fail at once instead of waiting.
        return list(await conn.execute_fetchall(sql, params))

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self.write_lock:
            cur = await self.conn.execute(sql, params)
            return cur.rowcount

    async def execute_returning(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.write_lock:
            return list(await self.conn.execute_fetchall(sql, params))

    @asynccontextmanager
    async def write_transaction(self, key: str = "write") -> AsyncIterator[_Tx]:
        """BEGIN IMMEDIATE on the writer connection under the write lock (one writer: every key is one)."""
        async with self.write_lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(conn)
                await conn.execute("COMMIT")
            except BaseException:
                await _rollback(conn)
                raise

    async def transaction(self, statements: Iterable[Statement]) -> None:
        async with self.write_transaction() as tx:
            for statement in statements:
                if isinstance(statement, BulkInsert):
                    for sql, params, _ in self._values_inserts(statement):
                        await tx.execute(sql, params)
                    continue
                sql, params, many = statement
                if many:
                    await tx.executemany(sql, params)
                else:
                    await tx.execute(sql, params)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    conflict: str = "") -> list[Statement]:
        return list(self._values_inserts(BulkInsert(table, tuple(columns), rows, conflict)))

    @staticmethod
    def _values_inserts(bulk: BulkInsert) -> list[tuple[str, Any, bool]]:
        """Multi-row VALUES statements (see _MAX_ROWS_PER_INSERT for why not one statement per row)."""
        head = f"INSERT INTO {bulk.table} ({', '.join(bulk.columns)}) VALUES "
        per = max(1, min(_MAX_ROWS_PER_INSERT, _MAX_VARIABLES // len(bulk.columns)))
        out: list[tuple[str, Any, bool]] = []
        for first in range(0, len(bulk.rows), per):
            chunk = bulk.rows[first:first + per]
            out.append((_multi_row_insert(head, len(bulk.columns), len(chunk), bulk.conflict),
                        [value for row in chunk for value in row], False))
        return out

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and any(t in str(exc).lower() for t in _TRANSIENT)

    # -- schema -----------------------------------------------------------------------------------

    async def version(self) -> int:
        row = await (await self.conn.execute("PRAGMA user_version")).fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> tuple[int, int]:
        migrations = bundled_migrations("sqlite") if migrations is None else migrations
        before = current = await self.version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise MigrationError(f"database schema {current} is newer than this program ({latest}); upgrade precis")
        async with self.write_lock:
            for migration in migrations:
                if migration.version <= current:
                    continue
                script = f"BEGIN IMMEDIATE;\n{migration.sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
                try:
                    await self.conn.executescript(script)
                except sqlite3.Error as exc:
                    await _rollback(self.conn)
                    raise MigrationError(f"migration {migration.name} failed: {exc}") from None
                current = migration.version
                log.info("applied migration %s", migration.name)
        return before, current

    async def tables(self) -> list[str]:
        rows = await self.fetchall("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                                   "AND name NOT LIKE 'sqlite_%' ORDER BY name", read=True)
        virtual = [r["name"] for r in rows if r["sql"].upper().startswith("CREATE VIRTUAL TABLE")]
        # A virtual table's shadow tables are named after it: messages_fts_data, messages_fts_idx, ...
        return [r["name"] for r in rows if not any(r["name"] == v or r["name"].startswith(f"{v}_") for v in virtual)]

    async def backup(self, destination: Path | str) -> str:
        """Online backup (sqlite3 backup API): consistent even while the bot writes."""
        dest = Path(destination)
        dest.parent.mkdir(parents=True, exist_ok=True)
        target = await aiosqlite.connect(dest)
        try:
            await self.reader.backup(target)
        finally:
            await target.close()
        return f"backed up {self.path} to {dest}"


async def _rollback(conn: aiosqlite.Connection) -> None:
    if conn.in_transaction:
        await conn.execute("ROLLBACK")
