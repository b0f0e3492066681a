"""The PostgreSQL backend: an asyncpg pool, `?`/`:name` placeholders numbered, migrations in a version
table, bulk inserts through COPY into a temporary table, backups through pg_dump.

Several bot processes (shards) share one PostgreSQL database: every statement is a pool round trip, so
nothing here holds state a second process would not see. `write_transaction(key)` serialises on a
transaction advisory lock, which PostgreSQL releases with the transaction (or the lost connection).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import shutil
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import asyncpg
import asyncpg.exceptions as pgerr

from bot.store.db import (
    BulkInsert,
    Database,
    Migration,
    MigrationError,
    Params,
    Row,
    Statement,
    StoreError,
    bundled_migrations,
)
from bot.store.dialect import POSTGRES

log = logging.getLogger(__name__)

_TRANSIENT = (OSError, asyncio.TimeoutError, pgerr.PostgresConnectionError, pgerr.InterfaceError,
              pgerr.SerializationError, pgerr.DeadlockDetectedError, pgerr.InsufficientResourcesError,
              pgerr.OperatorInterventionError, pgerr.CannotConnectNowError, pgerr.LockNotAvailableError)
_MIGRATE_LOCK = "precis: migrate"
_NAME_START = re.compile(r"[A-Za-z_]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.lru_cache(maxsize=2048)
def numbered(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """`?` placeholders to `$1, $2, ...`; `:name` ones to `$k` (one number per name), skipping string
    literals, quoted names, comments and `::` casts. Returns the SQL and the names in order (None when
    the placeholders were positional)."""
    out: list[str] = []
    names: list[str] = []
    positional = 0
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:   # '' or "" escapes the quote
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1])
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end])
            i = end
        elif c == "?":
            positional += 1
            out.append(f"${positional}")
            i += 1
        elif c == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif c == ":" and i + 1 < n and _NAME_START.match(sql[i + 1]):
            match = _NAME.match(sql, i + 1)
            assert match is not None
            name = match.group(0)
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            i = match.end()
        else:
            out.append(c)
            i += 1
    if positional and names:
        raise ValueError("a statement mixes ? and :name placeholders")
    return "".join(out), (tuple(names) if names else None)


def _text(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL (SQLite's can): it is stored as U+FFFD."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _without_nul(bulk: BulkInsert, types: Mapping[str, str]) -> Sequence[Sequence[Any]]:
    """The rows, with `_text` applied to text columns that hold a NUL (a C-speed look first per column:
    there almost never is one)."""
    text = [i for i, c in enumerate(bulk.columns) if types[c] == "text"]
    dirty = [i for i in text if "\x00" in "".join(filter(None, (row[i] for row in bulk.rows)))]
    if not dirty:
        return bulk.rows
    return [tuple(_text(v) if i in dirty else v for i, v in enumerate(row)) for row in bulk.rows]


def _args(names: tuple[str, ...] | None, params: Params) -> Sequence[Any]:
    if names is None:
        if isinstance(params, Mapping):
            raise TypeError("named parameters given to a statement with ? placeholders")
        return [_text(p) for p in params]
    if not isinstance(params, Mapping):
        raise TypeError("positional parameters given to a statement with :name placeholders")
    return [_text(params[name]) for name in names]


def _rowcount(status: str) -> int:
    """Rows changed, from a command status such as 'UPDATE 3' or 'INSERT 0 1'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _schema_of(url: str) -> str | None:
    """The schema a URL's `options=-csearch_path=...` selects, if any (tests use a schema per test)."""
    for option in parse_qs(urlsplit(url).query).get("options", []):
        match = re.search(r"search_path\s*=\s*([A-Za-z0-9_]+)", unquote(option))
        if match:
            return match.group(1)
    return None


class _Tx:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        text, names = numbered(sql)
        return _rowcount(await self.conn.execute(text, *_args(names, params)))

    async def executemany(self, sql: str, params: Iterable[Params]) -> None:
        text, names = numbered(sql)
        await self.conn.executemany(text, [_args(names, p) for p in params])

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        text, names = numbered(sql)
        rows: list[Row] = await self.conn.fetch(text, *_args(names, params))
        return rows

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


class PostgresDatabase(Database):
    backend = "postgres"
    dialect = POSTGRES

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self.url = url
        self.min_size, self.max_size = min_size, max_size
        self._pool: asyncpg.Pool | None = None
        self._types: dict[str, dict[str, str]] = {}

    @property
    def target(self) -> str:
        return self.url

    def clone(self) -> Database:
        return PostgresDatabase(self.url, min_size=self.min_size, max_size=self.max_size)

    def describe(self) -> str:
        return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", self.url)

    async def open(self, *, migrate: bool = True) -> Database:
        try:
            self._pool = await asyncpg.create_pool(self.url, min_size=self.min_size, max_size=self.max_size)
        except (OSError, pgerr.PostgresError) as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {self.describe()}: {exc}") from None
        try:
            if migrate:
                await self.migrate()   # loads the column types too
            else:
                await self._load_types()
        except BaseException:
            await self.close()
            raise
        return self

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    async def _load_types(self) -> None:
        types: dict[str, dict[str, str]] = {}
        for r in await self.pool.fetch(
                "SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, NULL) AS type FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"):
            types.setdefault(r["t"], {})[r["c"]] = r["type"]
        self._types = types

    # -- statements -------------------------------------------------------------------------------

    async def fetchall(self, sql: str, params: Params = (), *, read: bool = False) -> list[Row]:
        text, names = numbered(sql)
        rows: list[Row] = await self.pool.fetch(text, *_args(names, params))
        return rows

    async def execute(self, sql: str, params: Params = ()) -> int:
        text, names = numbered(sql)
        return _rowcount(await self.pool.execute(text, *_args(names, params)))

    async def execute_returning(self, sql: str, params: Params = ()) -> list[Row]:
        return await self.fetchall(sql, params)

    @asynccontextmanager
    async def write_transaction(self, key: str = "write") -> AsyncIterator[_Tx]:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
            yield _Tx(conn)

    async def transaction(self, statements: Iterable[Statement]) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            tx = _Tx(conn)
            for statement in statements:
                if isinstance(statement, BulkInsert):
                    await self._bulk_insert(conn, statement)
                    continue
                sql, params, many = statement
                if many:
                    await tx.executemany(sql, params)
                else:
                    await tx.execute(sql, params)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    conflict: str = "") -> list[Statement]:
        return [BulkInsert(table, tuple(columns), rows, conflict)] if rows else []

    async def _bulk_insert(self, conn: asyncpg.Connection, bulk: BulkInsert) -> None:
        """COPY (binary) into a session's temporary twin of the table, then one INSERT ... SELECT, so that
        ON CONFLICT still applies: close to a plain COPY's speed, and far cheaper on our side than encoding
        parameters (measured in bench/log_ingest.py)."""
        types = self._types.get(bulk.table, {})
        if not all(c in types for c in bulk.columns):   # a table this handle has not seen: row by row
            marks = ", ".join("?" * len(bulk.columns))
            await _Tx(conn).executemany(
                f"INSERT INTO {bulk.table} ({', '.join(bulk.columns)}) VALUES ({marks}) {bulk.conflict}",
                list(bulk.rows))
            return
        stage = f"precis_stage_{bulk.table}"
        await conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {bulk.table}) ON COMMIT DELETE ROWS")
        await conn.copy_records_to_table(stage, records=_without_nul(bulk, types), columns=list(bulk.columns),
                                         schema_name="pg_temp")
        columns = ", ".join(bulk.columns)
        await conn.execute(f"INSERT INTO {bulk.table} ({columns}) SELECT {columns} FROM {stage} {bulk.conflict}")
        await conn.execute(f"TRUNCATE {stage}")   # the next bulk insert of this transaction starts empty

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, _TRANSIENT)

    # -- schema -----------------------------------------------------------------------------------

    async def version(self) -> int:
        async with self.pool.acquire() as conn:
            return await self._version(conn)

    @staticmethod
    async def _version(conn: asyncpg.Connection) -> int:
        if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
            return 0
        return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))

    async def migrate(self, migrations: list[Migration] | None = None) -> tuple[int, int]:
        migrations = bundled_migrations("postgres") if migrations is None else migrations
        latest = migrations[-1].version if migrations else 0
        async with self.pool.acquire() as conn:
            # Processes starting together migrate one after the other; the later ones find nothing to do.
            await conn.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", _MIGRATE_LOCK)
            try:
                before = current = await self._version(conn)
                if current > latest:
                    raise MigrationError(
                        f"database schema {current} is newer than this program ({latest}); upgrade precis")
                for migration in migrations:
                    if migration.version <= current:
                        continue
                    try:
                        async with conn.transaction():
                            await conn.execute(migration.sql)
                            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                            await conn.execute("DELETE FROM schema_version")
                            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", migration.version)
                    except pgerr.PostgresError as exc:
                        raise MigrationError(f"migration {migration.name} failed: {exc}") from None
                    current = migration.version
                    log.info("applied migration %s", migration.name)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", _MIGRATE_LOCK)
        await self._load_types()
        return before, current

    async def tables(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version' ORDER BY table_name")
        return [r["table_name"] for r in rows]

    async def backup(self, destination: Path | str) -> str:
        """pg_dump's custom format (restore with pg_restore), when pg_dump is installed."""
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise StoreError("pg_dump is not installed here: back PostgreSQL up with pg_dump "
                             f"(pg_dump --format=custom --file=BACKUP '{self.describe()}')")
        dest = Path(destination)
        dest.parent.mkdir(parents=True, exist_ok=True)
        command = [pg_dump, "--format=custom", f"--file={dest}", f"--dbname={self.url}"]
        schema = _schema_of(self.url)
        if schema is not None:
            command.append(f"--schema={schema}")
        proc = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE)
        _, err = await proc.communicate()
        if proc.returncode != 0:
            raise StoreError(f"pg_dump failed: {err.decode(errors='replace').strip()}")
        return f"backed up {self.describe()} to {dest} with pg_dump (restore with pg_restore)"
