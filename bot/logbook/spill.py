"""The spill file: log rows the database would not take before the writer's stop deadline (disk full,
locked, a server that does not answer), kept as JSON lines and replayed first on the next start.

Where (`spill_path_for`): for SQLite beside the database file; for PostgreSQL in the data folder
(SPILL_DIR, by default DATABASE_PATH's folder), named after the database. Each process has its own file:
one running some of the shards has their ids in the name, so shard processes sharing a database (and a
folder) never overwrite each other's, and each replays its own when it starts again.

Replaying is safe even for rows that did commit at the last moment: every log operation is idempotent
(inserts ignore known ids, edits skip unchanged text, deletes and cursors only move forward). The file
holds message text like the database does, so it is private to the bot's user (mode 0600) and is gone
once its rows are committed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.logbook.rows import Cursor, Delete, Edit, MessageRow, ThreadEvent
from bot.store.db import is_postgres_url, without_password
from bot.store.logbook import LogOp
from bot.util.shards import Shards

log = logging.getLogger(__name__)

_KINDS: dict[str, type[Any]] = {k.__name__: k for k in (MessageRow, Edit, Delete, ThreadEvent, Cursor)}


def spill_path_for(database: Path | str, *, folder: Path | None = None, shards: Shards | None = None
                   ) -> Path | None:
    """`precis.sqlite3` -> `precis.sqlite3.spill.jsonl` beside it (or in `folder`); a PostgreSQL URL ->
    `precis-postgres-<digest of the URL without password>.spill.jsonl` in `folder` (default: here); with a
    subset of the shards, `.shards-0-1-of-4` before `.spill.jsonl`. An in-memory database has none."""
    if str(database) == ":memory:":
        return None
    if is_postgres_url(database):
        digest = hashlib.sha256(without_password(str(database)).encode()).hexdigest()[:10]
        base = (folder or Path()) / f"precis-postgres-{digest}"
    else:
        path = Path(database)
        base = (folder or path.parent) / path.name
    if shards is not None and not shards.everything:
        base = base.with_name(f"{base.name}.shards-{'-'.join(map(str, shards.ids))}-of-{shards.count}")
    return base.with_name(base.name + ".spill.jsonl")


def _encode(op: LogOp) -> str:
    return json.dumps({"op": type(op).__name__, "row": dataclasses.asdict(op)}, ensure_ascii=False)


def _decode(line: str) -> LogOp:
    data = json.loads(line)
    kind, fields = _KINDS[data["op"]], data["row"]
    if kind is Edit and fields.get("message") is not None:
        fields["message"] = MessageRow(**fields["message"])
    op: LogOp = kind(**fields)
    return op


def write_spill(path: Path, ops: Sequence[LogOp]) -> None:
    """Replace the spill file with `ops` (which include whatever an earlier spill still held), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)   # the data folder of a PostgreSQL install may be new
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        for op in ops:
            out.write(_encode(op) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def read_spill(path: Path) -> list[LogOp]:
    """The rows a previous run spilled (none when there is no file); unreadable lines are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    ops: list[LogOp] = []
    bad = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            ops.append(_decode(line))
        except (ValueError, KeyError, TypeError):
            bad += 1
    if bad:
        log.error("%d unreadable lines in the log spill file %s were skipped", bad, path)
    return ops
