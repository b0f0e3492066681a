"""Moving an installation: copy every table of a SQLite store into an empty PostgreSQL one.

Rows keep their ids (identity sequences are moved past them), full-text search needs no rebuild step on
PostgreSQL (its tsvector column is generated from the copied text), and the copy ends with a count of
every table on both sides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.store.db import Database, StoreError

log = logging.getLogger(__name__)

CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    source: int
    target: int


async def _count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT count(*) FROM {table}", read=True)
    return int(row[0]) if row else 0


async def copy_store(source: Database, target: Database, *,
                     progress: Callable[[str, int], None] | None = None) -> list[TableCount]:
    """Copy `source` (SQLite, migrated) into `target` (PostgreSQL, migrated and empty); returns the counts.

    Raises StoreError when the target is not empty, the schemas differ, or a count does not match."""
    if source.backend != "sqlite" or target.backend != "postgres":
        raise StoreError("db copy copies a SQLite database into a PostgreSQL one")
    if await source.version() != await target.version():
        raise StoreError(f"schema versions differ: source {await source.version()}, target {await target.version()}")
    tables = await source.tables()
    missing = sorted(set(tables) - set(await target.tables()))
    if missing:
        raise StoreError(f"the target lacks tables {', '.join(missing)}")
    for table in await target.tables():
        if await _count(target, table):
            raise StoreError(f"the target is not empty (table {table} has rows); copy into an empty database")
    for table in await _referenced_first(target, tables):
        copied = await _copy_table(source, target, table)
        if progress is not None:
            progress(table, copied)
    await _move_sequences(target)
    counts = [TableCount(t, await _count(source, t), await _count(target, t)) for t in tables]
    wrong = [c for c in counts if c.source != c.target]
    if wrong:
        raise StoreError("row counts differ after the copy: " + ", ".join(
            f"{c.table} {c.source} -> {c.target}" for c in wrong))
    return counts


async def _copy_table(source: Database, target: Database, table: str) -> int:
    """Rows in rowid order, a chunk at a time (keyset: memory stays flat on big logs)."""
    after, copied = -(2 ** 63), 0
    while True:
        rows = await source.fetchall(f"SELECT rowid AS rowid_, * FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                     (after, CHUNK), read=True)
        if not rows:
            return copied
        columns = [c for c in rows[0].keys() if c != "rowid_"]  # noqa: SIM118  (a row iterates its values)
        await target.transaction(target.insert_rows(table, columns, [[r[c] for c in columns] for r in rows]))
        copied += len(rows)
        after = rows[-1]["rowid_"]


async def _referenced_first(target: Database, tables: list[str]) -> list[str]:
    """The tables in an order that fills a foreign key's table before the tables pointing at it."""
    refs: dict[str, set[str]] = {t: set() for t in tables}
    for r in await target.fetchall(
            "SELECT tc.table_name AS t, ccu.table_name AS ref FROM information_schema.table_constraints tc "
            "JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name "
            "AND ccu.constraint_schema = tc.constraint_schema "
            "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"):
        if r["t"] in refs and r["ref"] in refs and r["ref"] != r["t"]:
            refs[r["t"]].add(r["ref"])
    ordered: list[str] = []
    while refs:
        ready = sorted(t for t, needs in refs.items() if needs <= set(ordered))
        if not ready:
            raise StoreError(f"foreign keys form a cycle among {', '.join(sorted(refs))}")
        ordered += ready
        for t in ready:
            del refs[t]
    return ordered


async def _move_sequences(target: Database) -> None:
    """Identity columns continue after the copied ids."""
    for row in await target.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'"):
        table, column = row["table_name"], row["column_name"]
        await target.fetchall(
            f"SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max({column}), 0) + 1, false) FROM {table}",
            (table, column))
