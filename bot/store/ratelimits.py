"""Token buckets kept in the store, so that every process sharing it counts against the same limits
(bot/summaries/limits.py holds the arithmetic; callers read and save inside one write transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Database, Transaction
from bot.store.dialect import upsert

_COLUMNS = ("name", "tokens", "capacity", "window_ms", "updated_at", "quiet_until", "idle_at")
_SAVE = upsert("rate_buckets", _COLUMNS, ("name",))


@dataclass(slots=True)
class StoredBucket:
    name: str
    tokens: float
    capacity: int
    window_ms: int
    updated_at: int
    quiet_until: int


async def load(tx: Transaction, names: Sequence[str]) -> dict[str, StoredBucket]:
    if not names:
        return {}
    rows = await tx.fetchall(f"SELECT {', '.join(_COLUMNS[:-1])} FROM rate_buckets "
                             f"WHERE name IN ({', '.join('?' * len(names))})", list(names))
    return {r["name"]: StoredBucket(r["name"], float(r["tokens"]), int(r["capacity"]), int(r["window_ms"]),
                                    int(r["updated_at"]), int(r["quiet_until"])) for r in rows}


async def save(tx: Transaction, bucket: StoredBucket, *, idle_at: int) -> None:
    await tx.execute(_SAVE, (bucket.name, float(bucket.tokens), bucket.capacity, bucket.window_ms,
                             bucket.updated_at, bucket.quiet_until, idle_at))


async def prune(db: Database, *, before: int) -> int:
    """Forget buckets that were full and quiet again before `before` (the same as having none)."""
    return await db.execute("DELETE FROM rate_buckets WHERE idle_at < ?", (before,))
