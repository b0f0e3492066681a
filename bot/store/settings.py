"""Per-guild settings rows and their audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.util.timeutil import now_ms


@dataclass(frozen=True, slots=True)
class SettingChange:
    guild_id: int
    user_id: int | None
    key: str
    old_value: Any
    new_value: Any
    changed_at: int


async def load_guild(db: Database, guild_id: int) -> dict[str, Any]:
    rows = await db.fetchall("SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return {row["key"]: json.loads(row["value"]) for row in rows}


async def load_all(db: Database) -> dict[int, dict[str, Any]]:
    """Every guild's stored settings: guild -> {key: value}."""
    out: dict[int, dict[str, Any]] = {}
    for row in await db.fetchall("SELECT guild_id, key, value FROM guild_settings", read=True):
        out.setdefault(row["guild_id"], {})[row["key"]] = json.loads(row["value"])
    return out


async def save(db: Database, guild_id: int, changes: dict[str, tuple[Any, Any]], user_id: int | None) -> None:
    """Store new values ({key: (old, new)}) and their audit rows in one transaction."""
    at = now_ms()
    await db.transaction([
        ("INSERT INTO guild_settings (guild_id, key, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
         "updated_by = excluded.updated_by",
         [(guild_id, key, json.dumps(new), at, user_id) for key, (_, new) in changes.items()], True),
        ("INSERT INTO settings_audit (guild_id, user_id, key, old_value, new_value, changed_at) "
         "VALUES (?, ?, ?, ?, ?, ?)",
         [(guild_id, user_id, key, json.dumps(old), json.dumps(new), at) for key, (old, new) in changes.items()],
         True),
    ])


async def recent_changes(db: Database, guild_id: int, limit: int = 5) -> list[SettingChange]:
    rows = await db.fetchall(
        "SELECT guild_id, user_id, key, old_value, new_value, changed_at FROM settings_audit "
        "WHERE guild_id = ? ORDER BY id DESC LIMIT ?", (guild_id, limit))
    return [SettingChange(r["guild_id"], r["user_id"], r["key"], json.loads(r["old_value"] or "null"),
                          json.loads(r["new_value"] or "null"), r["changed_at"]) for r in rows]
