"""The SQLite store: pragmas, migrations (all-or-nothing), backup, per-guild settings."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.logbook.writer import LogWriter
from bot.settings.guild import GuildSettingsService, InvalidSetting
from bot.store.db import Database, Migration, MigrationError, bundled_migrations
from tests.helpers.rows import row
from tests.helpers.wait import until


async def test_fresh_database_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    async with Database(tmp_path / "a.db") as db:
        assert await db.version() == bundled_migrations()[-1].version
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
        assert (await db.fetchone("PRAGMA busy_timeout"))[0] == 5000
        names = {r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"guild_settings", "settings_audit", "messages", "message_revisions", "messages_fts"} <= names


async def test_migrations_are_numbered_without_gaps() -> None:
    versions = [m.version for m in bundled_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_failed_migration_leaves_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    good = [Migration(1, "001_a.sql", "CREATE TABLE a (x INTEGER);")]
    bad = [*good, Migration(2, "002_b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1); SELEC nonsense;")]
    db = Database(path)
    await db.open(migrate=False)
    try:
        assert await db.migrate(good) == (0, 1)
        with pytest.raises(MigrationError, match=r"002_b\.sql"):
            await db.migrate(bad)
        assert await db.version() == 1
        tables = {r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "b" not in tables
        assert (await db.fetchone("SELECT count(*) FROM a"))[0] == 0
    finally:
        await db.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(MigrationError, match="newer"):
        await Database(path).open()


async def test_backup_while_writing_is_consistent(tmp_path: Path) -> None:
    async with Database(tmp_path / "live.db") as db:
        writer = LogWriter(db, max_batch=50, max_delay=0.0)
        writer.start()
        producing = asyncio.create_task(_produce(writer, 2_000))
        await until(lambda: writer.stats.committed >= 100, what="some committed rows")
        # Through the reader: the writer's own connection also sees a batch it has not committed yet.
        before = (await db.fetchone("SELECT count(*) FROM messages", read=True))[0]
        await db.backup(tmp_path / "copy.db")
        await producing
        await writer.stop()
        total = (await db.fetchone("SELECT count(*) FROM messages"))[0]
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in copy.execute("SELECT id FROM messages ORDER BY id")]
        assert copy.execute("PRAGMA user_version").fetchone()[0] == bundled_migrations()[-1].version
    assert total == 2_000
    # A consistent snapshot: everything committed before the backup began, and a prefix of the rows in the
    # order the writer committed them (no half-written batch, no gap).
    assert len(ids) >= before >= 100
    assert ids == [row(i).id for i in range(len(ids))]


async def _produce(writer: LogWriter, n: int) -> None:
    for i in range(n):
        await writer.put(row(i))
        if i % 100 == 0:
            await asyncio.sleep(0)


async def test_guild_settings_typed_cached_and_audited(tmp_path: Path) -> None:
    async with Database(tmp_path / "s.db") as db:
        service = GuildSettingsService(db)
        assert (await service.get(7)).summary_mode == "auto"
        await service.update(7, 42, summary_mode="reaction", retention_days=30)
        with pytest.raises(InvalidSetting, match="retention_days"):
            await service.update(7, 42, retention_days=0)
        with pytest.raises(InvalidSetting, match="regular expression"):
            await service.update(7, 42, mod_rules=["/(unclosed/"])
        fresh = GuildSettingsService(db)   # a new process sees what was stored
        settings = await fresh.get(7)
        assert (settings.summary_mode, settings.retention_days) == ("reaction", 30)
        changes = await fresh.history(7)
        assert {(c.key, c.old_value, c.new_value, c.user_id) for c in changes} == {
            ("summary_mode", "auto", "reaction", 42), ("retention_days", 90, 30, 42)}
        assert (await fresh.get(8)).summary_mode == "auto"   # other guilds keep defaults
