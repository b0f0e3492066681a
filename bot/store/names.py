"""Names of guilds, channels and members as the bot last saw them, so reports (the CLI's too, which has no
Discord connection) can say "#general" and "alice" instead of snowflakes.

Thread names come from the log's `threads` table and members' names fall back to the display name their
latest logged message was stored with; `/privacy forget` blanks both, and removes the member's row here
(bot/store/logbook.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from bot.store.db import Database

NameKind = Literal["guild", "channel", "member"]
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ThreadName:
    name: str | None
    parent_id: int


@dataclass(slots=True)
class Names:
    """What is known; a missing id means the bot never saw a name for it."""
    guild: str | None = None
    channels: dict[int, str] = field(default_factory=dict)
    threads: dict[int, ThreadName] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)


async def save(db: Database, guild_id: int, entries: Iterable[tuple[int, NameKind, str]], now: int) -> None:
    """Remember names: (id, kind, name); the guild's own row has id == guild_id."""
    rows = [(guild_id, i, kind, name, now) for i, kind, name in entries if name]
    if not rows:
        return
    await db.transaction([(
        "INSERT INTO names (guild_id, id, kind, name, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id, id) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
        "updated_at = excluded.updated_at WHERE names.name <> excluded.name OR names.kind <> excluded.kind",
        rows, True)])


async def guild_name(db: Database, guild_id: int) -> str | None:
    row = await db.fetchone("SELECT name FROM names WHERE guild_id = ? AND id = ? AND kind = 'guild'",
                            (guild_id, guild_id), read=True)
    return None if row is None else str(row["name"])


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


async def lookup(db: Database, guild_id: int, *, channels: Iterable[int] = (), threads: Iterable[int] = (),
                 members: Iterable[int] = ()) -> Names:
    """The names known for these ids (each list is read with a handful of indexed queries)."""
    names = Names(guild=await guild_name(db, guild_id))
    wanted = sorted(set(channels) | set(members))
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start:start + _CHUNK]
        for r in await db.fetchall(f"SELECT id, kind, name FROM names WHERE guild_id = ? AND id IN ({_marks(part)})",
                                   [guild_id, *part], read=True):
            (names.members if r["kind"] == "member" else names.channels)[r["id"]] = r["name"]
    thread_ids = sorted(set(threads))
    for start in range(0, len(thread_ids), _CHUNK):
        part = thread_ids[start:start + _CHUNK]
        for r in await db.fetchall(f"SELECT id, parent_id, name FROM threads WHERE id IN ({_marks(part)})", part,
                                   read=True):
            names.threads[r["id"]] = ThreadName(r["name"], r["parent_id"])
    for member in sorted(set(members) - set(names.members)):
        # The display name the member's latest logged message was stored with (messages_author index).
        row = await db.fetchone("SELECT author_name FROM messages WHERE guild_id = ? AND author_id = ? "
                                "AND author_name IS NOT NULL ORDER BY id DESC LIMIT 1", (guild_id, member),
                                read=True)
        if row is not None:
            names.members[member] = row["author_name"]
    return names
