"""The PostgreSQL backend's own duties: migrations twin SQLite's, processes migrate together, the CLI's
db verbs (migrate, backup through pg_dump, copy from SQLite), and full-text search with quoted input."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logbook.rows import Edit
from bot.moderation import member_reports
from bot.settings.guild import GuildSettingsService
from bot.store import logbook, logquery
from bot.store import questions as qstore
from bot.store.copy import copy_store
from bot.store.db import Database, StoreError, bundled_migrations
from bot.store.location import Location
from bot.store.questions import QuestionRecord
from tests.helpers.paths import ROOT
from tests.helpers.rows import row

pytestmark = pytest.mark.postgres


def test_both_backends_have_the_same_numbered_migrations() -> None:
    """A migration landed for one backend only fails here (and stray files in schema/ are not loaded)."""
    sqlite, postgres = bundled_migrations("sqlite"), bundled_migrations("postgres")
    assert [m.name for m in sqlite] == [m.name for m in postgres]
    assert sorted(p.name for p in (ROOT / "bot" / "store" / "schema").iterdir()) == ["postgres", "sqlite"]


async def test_processes_starting_together_migrate_once(pg_url: str) -> None:
    handles = [Database(pg_url) for _ in range(4)]
    await asyncio.gather(*(h.open() for h in handles))
    try:
        assert {await h.version() for h in handles} == {len(bundled_migrations("postgres"))}
        assert await handles[0].migrate() == (await handles[0].version(),) * 2
    finally:
        await asyncio.gather(*(h.close() for h in handles))


async def _fill(db: Database) -> None:
    """A little of everything, through the store functions the bot uses."""
    await logbook.apply(db, [row(i, author=100 + i % 3, content=f"the ferry {i} leaves the harbour at noon")
                             for i in range(30)])
    first = row(0)
    await logbook.apply(db, [Edit(first.id, 1, "the ferry 0 leaves at one", first.created_at + 5_000)])
    await GuildSettingsService(db).update(1, 7, daily_tokens=500)
    for i in range(3):
        await qstore.add(db, QuestionRecord(1, 10, None, 100, "https://x.example/a", f"when {i}?", "noon", True,
                                            0.9, "extractive", None, 0, 0, 5, first.created_at + i))
    await member_reports.report_message(db, guild_id=1, location=Location(10), message_id=first.id, author_id=100,
                                        content_snapshot="the ferry", reporter_id=300, reason="spam",
                                        now=first.created_at)


async def test_db_copy_moves_every_table_with_its_ids_and_search(tmp_path: Path, pg_url: str) -> None:
    async with Database(tmp_path / "old.sqlite3") as old:
        await _fill(old)
        question_ids = [r["id"] for r in await old.fetchall("SELECT id FROM questions ORDER BY id")]
    code, out, err = await _precis(tmp_path, "db", "copy", "--to", pg_url)
    assert code == 0, err
    assert "every count matches" in out and "messages" in out
    async with Database(pg_url) as new:
        assert await new.fetchone("SELECT count(*) FROM messages") == (30,)
        assert [r["id"] for r in await new.fetchall("SELECT id FROM questions ORDER BY id")] == question_ids
        hits = await logquery.search(new, 1, "leaves harbour", limit=50)
        assert len(hits) == 29 and all("harbour" in h.content for h in hits)   # message 0 was edited
        assert await logquery.revisions(new, row(0).id) == [
            {"old_content": "the ferry 0 leaves the harbour at noon", "new_content": "the ferry 0 leaves at one",
             "edited_at": row(0).created_at + 5_000}]
        added = await qstore.add(new, QuestionRecord(1, 10, None, 100, None, "and?", None, False, 0.0,
                                                     "extractive", None, 0, 0, 0, 0))
        assert added == max(question_ids) + 1                          # ids continue after the copied ones
        assert (await GuildSettingsService(new).get(1)).daily_tokens == 500
    code, _, err = await _precis(tmp_path, "db", "copy", "--to", pg_url)      # into a database with rows
    assert code == 1 and "not empty" in err


async def test_copy_refuses_a_target_of_another_schema_version(tmp_path: Path, pg_url: str) -> None:
    async with Database(tmp_path / "old.sqlite3") as old, Database(pg_url) as new:
        await new.execute("UPDATE schema_version SET version = version - 1")
        with pytest.raises(StoreError, match="schema versions differ"):
            await copy_store(old, new)


async def test_search_takes_any_input_as_words(db_on_postgres: Database) -> None:
    db = db_on_postgres
    await logbook.apply(db, [row(1, content="tickets or passes for the night ferry"),
                             row(2, content="the night tram -ferry"), row(3, content="night ferry night ferry")])
    for hostile in ('"', "ferry OR", "-ferry", "night & | ! ferry:*", "(((", "'; DROP TABLE messages; --"):
        await logquery.search(db, 1, hostile)                      # never a syntax error
    assert [h.message_id for h in await logquery.search(db, 1, "or")] == [row(1).id]    # a word, not OR
    assert {h.message_id for h in await logquery.search(db, 1, "night -ferry")} == {row(1).id, row(2).id, row(3).id}
    ranked = await logquery.search(db, 1, "night ferry")
    assert ranked[0].message_id == row(3).id                       # the best match first


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
async def test_db_backup_calls_pg_dump(tmp_path: Path, pg_url: str) -> None:
    async with Database(pg_url) as db:
        await _fill(db)
    code, out, err = await _precis(tmp_path, "db", "backup", str(tmp_path / "precis.dump"),
                                   env={"DATABASE_URL": pg_url})
    assert code == 0, err
    assert "pg_dump" in out
    listing = (await asyncio.to_thread(subprocess.run, ["pg_restore", "--list", str(tmp_path / "precis.dump")],
                                       capture_output=True, text=True, check=True)).stdout
    assert "TABLE DATA" in listing and " messages " in listing


async def test_db_backup_without_pg_dump_says_to_use_it(tmp_path: Path, pg_url: str) -> None:
    code, _, err = await _precis(tmp_path, "db", "backup", str(tmp_path / "precis.dump"),
                                 env={"DATABASE_URL": pg_url, "PATH": str(tmp_path)})   # no pg_dump on PATH
    assert code == 1 and "pg_dump --format=custom" in err and "Traceback" not in err
    assert not (tmp_path / "precis.dump").exists()


async def test_db_migrate_on_postgres_and_a_bad_url(tmp_path: Path, pg_url: str) -> None:
    code, out, _ = await _precis(tmp_path, "db", "migrate", env={"DATABASE_URL": pg_url})
    assert code == 0 and out.startswith("schema version 0 ->")
    code, out, _ = await _precis(tmp_path, "db", "migrate", env={"DATABASE_URL": pg_url})
    assert out.startswith("schema is up to date")
    code, _, err = await _precis(tmp_path, "db", "migrate", env={"DATABASE_URL": "mysql://x"})
    assert code == 2 and "DATABASE_URL" in err


async def _precis(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    environment = {"PATH": os.environ.get("PATH", ""), "DATABASE_PATH": str(tmp_path / "old.sqlite3"),
                   "HOME": str(tmp_path), "PYTHONPATH": str(ROOT), **(env or {})}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=environment, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
