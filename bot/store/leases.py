"""Leases: named claims with an expiry, shared by every process on the store.

A lease is held by `holder` until `expires_at` (unix ms). Taking one is a single upsert, so of any number
of processes racing for a free (or expired) lease exactly one wins. An anonymous lease (holder '') can
only be taken once it has expired: cooldowns and once-a-day notes. A named holder may renew its own.
"""

from __future__ import annotations

import os
import socket
import uuid

from bot.store.db import Database

_TAKE = (
    "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
    "WHERE leases.expires_at <= ? OR (excluded.holder <> '' AND leases.holder = excluded.holder)"
)


def new_holder() -> str:
    """A holder name unique to this process and caller: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def take(db: Database, name: str, *, now: int, ttl_ms: int, holder: str = "") -> bool:
    """True if this caller now holds the lease until now + ttl_ms."""
    return await db.execute(_TAKE, (name, holder, now + ttl_ms, now)) > 0


async def release(db: Database, name: str, holder: str) -> None:
    await db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


async def expires_at(db: Database, name: str) -> int | None:
    """When the lease ends, if it is held."""
    row = await db.fetchone("SELECT expires_at FROM leases WHERE name = ?", (name,), read=True)
    return None if row is None else int(row["expires_at"])


async def prune(db: Database, *, before: int) -> int:
    """Forget leases that ended before `before`; returns how many."""
    return await db.execute("DELETE FROM leases WHERE expires_at < ?", (before,))
