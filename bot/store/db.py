"""The SQLite connection: WAL, busy timeout, foreign keys, numbered migrations, online backup.

One writer connection serves every write (SQLite has a single writer anyway; aiosqlite runs it on its
own thread) and a second connection serves long reads (reports, exports, search), which WAL lets run
beside the writes without blocking them.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5_000


class MigrationError(Exception):
    """A migration failed; the database was left as it was before it."""


class DatabaseUnavailable(Exception):
    """The database file cannot be opened or created where it was asked for (one line saying why)."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    folder = resources.files("bot.store") / "schema"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 001, 002, ... without gaps: {versions}")
    return found


async def _connect(path: Path | str, busy_timeout_ms: int) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so batches are exactly one transaction.
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across process crashes
    conn.row_factory = sqlite3.Row
    return conn


class Database:
    """Owns the connections; every SQL statement of the project goes through `bot/store/`."""

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        self.busy_timeout_ms = busy_timeout_ms
        self._write: aiosqlite.Connection | None = None
        self._read: aiosqlite.Connection | None = None
        self.write_lock = asyncio.Lock()

    async def open(self, *, migrate: bool = True, create: bool = True) -> Database:
        """Connect (creating the file and its folder when `create`), turn WAL on and migrate.
        Raises DatabaseUnavailable when the path cannot hold a database."""
        if isinstance(self.path, Path):
            self._check_path(create)
        try:
            self._write = await _connect(self.path, self.busy_timeout_ms)
            mode = await (await self._write.execute("PRAGMA journal_mode = WAL")).fetchone()
        except sqlite3.Error as exc:
            await self.close()
            raise DatabaseUnavailable(f"cannot open {self.path}: {exc}") from None
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

    def _check_path(self, create: bool) -> None:
        assert isinstance(self.path, Path)
        if self.path.is_dir():
            raise DatabaseUnavailable(f"{self.path} is a folder, not a database file")
        if self.path.exists():
            return
        if not create:
            raise DatabaseUnavailable(f"there is no database at {self.path}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise DatabaseUnavailable(f"cannot create the folder {self.path.parent}: a file is in the way"
                                      ) from None
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create the folder {self.path.parent}: {exc.strerror or exc}"
                                      ) from None

    async def close(self) -> None:
        for conn in {id(c): c for c in (self._read, self._write) if c is not None}.values():
            await conn.close()
        self._read = self._write = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

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

    # -- small helpers used by the table modules -------------------------------------------------

    async def fetchall(self, sql: str, params: Sequence[Any] = (), *, read: bool = False) -> list[sqlite3.Row]:
        conn = self.reader if read else self.conn
        # One call on the connection's thread: no statement (and no read snapshot) stays open across an
        # await, where another task's BEGIN IMMEDIATE could otherwise fail at once instead of waiting.
        return list(await conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] = (), *, read: bool = False) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params, read=read)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write in its own transaction; returns lastrowid."""
        async with self.write_lock:
            cur = await self.conn.execute(sql, params)
            return cur.lastrowid or 0

    @asynccontextmanager
    async def write_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE on the writer connection under the write lock; commit, or roll back on error."""
        async with self.write_lock:
            conn = self.conn
            try:
                # Inside the try: a caller cancelled while BEGIN waits on a lock must not leave the
                # connection in a transaction once BEGIN gets through.
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
                await conn.execute("COMMIT")
            except BaseException:
                await _rollback(conn)
                raise

    async def transaction(self, statements: Iterable[tuple[str, Sequence[Any] | Iterable[Sequence[Any]], bool]]
                          ) -> None:
        """Run (sql, params, many) statements in one transaction; all or nothing."""
        async with self.write_transaction() as conn:
            for sql, params, many in statements:
                if many:
                    await conn.executemany(sql, params)
                else:
                    await conn.execute(sql, params)

    # -- schema -----------------------------------------------------------------------------------

    async def version(self) -> int:
        row = await (await self.conn.execute("PRAGMA user_version")).fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> tuple[int, int]:
        """Apply pending migrations, each in its own transaction together with its version bump."""
        migrations = bundled_migrations() if migrations is None else migrations
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

    async def backup(self, destination: Path | str) -> None:
        """Online backup (sqlite3 backup API): consistent even while the bot writes. The destination's
        folder must exist (a mistyped path creates nothing)."""
        dest = Path(destination)
        target = await aiosqlite.connect(dest)
        try:
            await self.reader.backup(target)
        finally:
            await target.close()


async def _rollback(conn: aiosqlite.Connection) -> None:
    """Roll back whatever the connection's thread has begun by the time it gets here: statements run in
    order on that thread, so checking `in_transaction` from here could miss a BEGIN still under way."""
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "no transaction is active" not in str(exc):
            raise
    except (sqlite3.ProgrammingError, ValueError):
        pass   # closed meanwhile (a shutdown): nothing is left to roll back, and the caller's error stands
