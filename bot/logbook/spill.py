"""The spill file: log rows the database would not take before the writer's stop deadline (disk full,
locked), kept next to the database as JSON lines and replayed first on the next start.

Replaying is safe even for rows that did commit at the last moment: every log operation is idempotent
(inserts ignore known ids, edits skip unchanged text, deletes and cursors only move forward). The file
holds message text like the database does, so it is private to the bot's user (mode 0600) and is gone
once its rows are committed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.logbook.rows import Cursor, Delete, Edit, MessageRow, ThreadEvent
from bot.store.logbook import LogOp

log = logging.getLogger(__name__)

_KINDS: dict[str, type[Any]] = {k.__name__: k for k in (MessageRow, Edit, Delete, ThreadEvent, Cursor)}


def spill_path_for(database: Path | str) -> Path | None:
    """`precis.sqlite3` -> `precis.sqlite3.spill.jsonl` beside it; an in-memory database has none."""
    if str(database) == ":memory:":
        return None
    path = Path(database)
    return path.with_name(path.name + ".spill.jsonl")


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
