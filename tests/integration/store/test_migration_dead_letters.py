"""Migration 008 on a database written by the previous schema (both backends): dead letters lose the
payload that held the row's content, keep their kind, error and time, and new ones get new ids."""

from __future__ import annotations

from pathlib import Path

from bot.logbook.rows import MessageRow
from bot.store import logbook
from bot.store.db import Database, bundled_migrations


async def test_old_dead_letters_keep_their_kind_and_lose_their_content(db_target: Path | str) -> None:
    db = Database(db_target)
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in bundled_migrations(db.backend) if m.version <= 7])
        await db.execute("INSERT INTO log_dead_letters (id, op, payload, error, failed_at) VALUES (?, ?, ?, ?, ?)",
                         (41, "MessageRow", "MessageRow(content='the harbour code is 4471')", "refused", 1))
        await db.migrate()
        columns = set((await db.fetchall("SELECT * FROM log_dead_letters"))[0].keys())
        assert "payload" not in columns
        assert [tuple(r) for r in await db.fetchall("SELECT id, op, guild_id, author_id, error, failed_at "
                                                    "FROM log_dead_letters")] == [(41, "MessageRow", None, None,
                                                                                  "refused", 1)]
        letter = MessageRow(id=9, guild_id=1, channel_id=2, thread_id=None, author_id=3, author_name=None,
                            author_bot=False, webhook_id=None, type=0, content="the harbour code is 4471",
                            created_at=5)
        await logbook.store_dead_letter(db, letter, "refused again", 6)
        rows = await db.fetchall("SELECT id, message_id, author_id FROM log_dead_letters ORDER BY id")
        assert [tuple(r) for r in rows] == [(41, None, None), (42, 9, 3)]    # the next id, on both
        assert "4471" not in repr([tuple(r) for r in await db.fetchall("SELECT * FROM log_dead_letters")])
    finally:
        await db.close()
