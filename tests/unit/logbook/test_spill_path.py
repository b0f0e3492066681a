"""Where a process spills the log rows its stop could not commit: beside a SQLite file, in the data folder
for PostgreSQL (named after the database, never its password), and one file per shard range, so processes
sharing a database never overwrite each other's."""

from __future__ import annotations

from pathlib import Path

from bot.logbook.spill import spill_path_for
from bot.util.shards import Shards


def test_sqlite_spills_beside_its_file_and_memory_nowhere() -> None:
    assert spill_path_for(Path("data/precis.sqlite3")) == Path("data/precis.sqlite3.spill.jsonl")
    assert spill_path_for("data/precis.sqlite3", folder=Path("/var/spill")) == Path(
        "/var/spill/precis.sqlite3.spill.jsonl")
    assert spill_path_for(":memory:") is None


def test_postgres_spills_in_the_folder_named_after_the_database_not_its_password() -> None:
    one = spill_path_for("postgresql://bot:secret@db.internal:5432/precis", folder=Path("data"))
    same = spill_path_for("postgresql://bot:other-secret@db.internal:5432/precis", folder=Path("data"))
    other = spill_path_for("postgresql://bot:secret@db.internal:5432/staging", folder=Path("data"))
    assert one is not None and one.parent == Path("data") and one.name.startswith("precis-postgres-")
    assert one.name.endswith(".spill.jsonl") and "secret" not in str(one)
    assert one == same and one != other


def test_each_shard_range_has_its_own_file() -> None:
    url = "postgresql://bot@db.internal/precis"
    low, high = (spill_path_for(url, folder=Path("data"), shards=Shards.parse(4, ids)) for ids in ("0,1", "2,3"))
    assert low is not None and high is not None and low != high
    assert low.name.endswith(".shards-0-1-of-4.spill.jsonl")
    assert spill_path_for(url, folder=Path("data"), shards=Shards.parse(4, None)) == spill_path_for(
        url, folder=Path("data"))                                   # all shards: the one process's file
    assert spill_path_for("data/precis.sqlite3", shards=Shards.parse(2, "1")) == Path(
        "data/precis.sqlite3.shards-1-of-2.spill.jsonl")
