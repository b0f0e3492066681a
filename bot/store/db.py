"""The store's one interface, `Database`, with two backends: SQLite (embedded, the default) and PostgreSQL.

`Database(target)` opens the backend the target names: a file path (or ":memory:") is SQLite, a
`postgresql://` URL is PostgreSQL (bot/store/sqlite.py, bot/store/postgres.py). The table modules write
SQL once, with `?` placeholders (or `:name` with a dict), in the subset both engines accept
(`INSERT ... ON CONFLICT`, `RETURNING`, `IS NOT DISTINCT FROM`, `FILTER`); what still differs is asked of
`db.dialect` (bot/store/dialect.py) by name. Each backend has its own numbered migrations,
schema/sqlite/NNN_*.sql and schema/postgres/NNN_*.sql, with the same numbers and names.

Writing (or porting) a store function so it runs on both (tests/integration/store/test_postgres.py checks
the migrations pair up; the `db` fixture runs every store test on both):
- `INSERT OR REPLACE` -> `dialect.upsert(...)`; `INSERT OR IGNORE` -> `... ON CONFLICT DO NOTHING`;
  in `DO UPDATE SET`, name the table's own columns (`t.col`), not bare `col`.
- scalar `max(a, b)` -> `db.dialect.greatest(a, b)`; `strftime` days -> `db.dialect.utc_day(col)`;
  summing a condition -> `sum(db.dialect.flag("x > 0"))`; `WHERE 1` -> `WHERE TRUE`; a subquery in FROM
  needs an alias; ORDER BY may name an output column but not use one inside an expression.
- a parameter whose type nothing around it fixes (`SELECT ?`, `? IS NULL`) -> `CAST(? AS BIGINT|TEXT)`;
  ids and times are BIGINT in PostgreSQL, 0/1 flags stay INTEGER, JSON stays TEXT.
- writes: `db.execute` (returns rows changed), `db.execute_returning` (RETURNING rows), `db.transaction`
  for statement batches, `db.write_transaction(key)` for read-then-write; never a connection object.
- new tables: add the migration to both folders; full-text search has a helper per backend in logquery.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Protocol

from bot.store.dialect import Dialect

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
BACKENDS = ("sqlite", "postgres")

Params = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class BulkInsert:
    """Many rows into one table, run by `Database.transaction` the backend's fastest way."""
    table: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    conflict: str = ""         # e.g. "ON CONFLICT (id) DO NOTHING"


# (sql, params or a list of params, executemany?), or a bulk insert from `Database.insert_rows`
Statement = tuple[str, Any, bool] | BulkInsert


def has_work(statement: Statement) -> bool:
    """False for a statement with nothing to do (no parameters, no rows)."""
    return bool(statement.rows if isinstance(statement, BulkInsert) else statement[1])


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def keys(self) -> Any: ...


class StoreError(Exception):
    """A store operation that cannot be done here, said in one line (the CLI prints it)."""


class MigrationError(Exception):
    """A migration failed; the database was left as it was before it."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations(backend: str = "sqlite") -> list[Migration]:
    folder = resources.files("bot.store") / "schema" / backend
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


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Transaction(Protocol):
    """One open write transaction (from `Database.write_transaction`)."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""

    async def executemany(self, sql: str, params: Iterable[Params]) -> None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...


class Database:
    """Owns the connections; every SQL statement of the project goes through `bot/store/`.

    `Database(path_or_url)` returns the backend's subclass; the methods below are what every backend
    provides (the table modules use nothing else)."""

    _backends: ClassVar[dict[str, type[Database]]] = {}
    backend: ClassVar[str] = ""
    dialect: Dialect

    def __new__(cls, target: str | Path, **options: Any) -> Database:
        if cls is Database:
            cls = cls._backends["postgres" if is_postgres_url(target) else "sqlite"]
        return super().__new__(cls)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.backend:
            Database._backends[cls.backend] = cls

    @property
    def target(self) -> str:
        """The path or URL this database was opened with: `Database(db.target)` opens the same store."""
        raise NotImplementedError

    def clone(self) -> Database:
        """A second, unopened handle on the same store, as another process would open it."""
        return Database(self.target)

    async def open(self, *, migrate: bool = True) -> Database:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- statements -------------------------------------------------------------------------------

    async def fetchall(self, sql: str, params: Params = (), *, read: bool = False) -> list[Row]:
        """Rows of one query; `read=True` lets a backend serve it beside the writes (long reads)."""
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Params = (), *, read: bool = False) -> Row | None:
        rows = await self.fetchall(sql, params, read=read)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write in its own transaction; returns the number of rows it changed."""
        raise NotImplementedError

    async def execute_returning(self, sql: str, params: Params = ()) -> list[Row]:
        """Run one write with a RETURNING clause in its own transaction; returns the rows it returned."""
        raise NotImplementedError

    def write_transaction(self, key: str = "write") -> AbstractAsyncContextManager[Transaction]:
        """A transaction for read-then-write work: commit, or roll back on error.

        Transactions with the same `key` run one at a time, across processes too (SQLite has one writer
        anyway; PostgreSQL takes a transaction advisory lock on the key). Use a narrower key (say, per
        guild) where only the same key's work can conflict."""
        raise NotImplementedError

    async def transaction(self, statements: Iterable[Statement]) -> None:
        """Run (sql, params, many) statements in one transaction; all or nothing. Takes no key: for
        statements that are safe beside concurrent writers (inserts, upserts, keyed updates)."""
        raise NotImplementedError

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    conflict: str = "") -> list[Statement]:
        """Statements inserting many rows fast (`conflict`: e.g. "ON CONFLICT (id) DO NOTHING")."""
        raise NotImplementedError

    def is_transient(self, exc: BaseException) -> bool:
        """True for errors worth retrying later (locked, busy, connection lost, disk full)."""
        raise NotImplementedError

    # -- schema -----------------------------------------------------------------------------------

    async def version(self) -> int:
        raise NotImplementedError

    async def migrate(self, migrations: list[Migration] | None = None) -> tuple[int, int]:
        """Apply pending migrations, each in its own transaction together with its version bump."""
        raise NotImplementedError

    async def tables(self) -> list[str]:
        """The project's tables (not the backend's internals or full-text shadow tables)."""
        raise NotImplementedError

    async def backup(self, destination: Path | str) -> str:
        """Write a consistent copy of the store to `destination`; returns a line saying what was done."""
        raise NotImplementedError

    def describe(self) -> str:
        """Where the store is, without secrets (for messages)."""
        return self.target
