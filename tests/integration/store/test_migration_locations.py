"""Migration 006 on a database written by the previous schema: flags gain their thread, shared links and
member reports stored under a thread's id move to (parent channel, thread) like log rows, and resolved
reports keep when they were resolved."""

from __future__ import annotations

from pathlib import Path

from bot.store import member_reports, moderation
from bot.store.db import Database, bundled_migrations
from bot.store.location import Location

G, CHANNEL, THREAD, OTHER_THREAD, PLAIN = 1, 10, 77, 88, 11
IN_THREAD, IN_CHANNEL, UNLOGGED, REPORTED = 1001, 1002, 1003, 1004


async def test_existing_rows_are_moved_to_channel_and_thread(db_target: Path | str) -> None:
    db = Database(db_target)   # on both backends
    await db.open(migrate=False)
    try:
        before = [m for m in bundled_migrations(db.backend) if m.version <= 5]
        await db.migrate(before)
        await db.transaction([
            ("INSERT INTO messages (id, guild_id, channel_id, thread_id, author_id, created_at) "
             "VALUES (?, ?, ?, ?, ?, ?)",
             [(IN_THREAD, G, CHANNEL, THREAD, 5, 1), (IN_CHANNEL, G, PLAIN, None, 5, 2),
              (REPORTED, G, CHANNEL, THREAD, 6, 3)], True),
            # A thread the log knows, whose message was not logged (e.g. logged before retention removed it).
            ("INSERT INTO threads (id, guild_id, parent_id, created_at) VALUES (?, ?, ?, ?)",
             [(OTHER_THREAD, G, CHANNEL, 1)], True),
            ("INSERT INTO flags (guild_id, channel_id, message_id, author_id, category, score, provider, created_at, "
             "flagged_at) VALUES (?, ?, ?, 5, 'rule', 1, 'rules', 1, 1)",
             [(G, CHANNEL, IN_THREAD), (G, PLAIN, IN_CHANNEL)], True),
            ("INSERT INTO shared_links (message_id, url, guild_id, channel_id, user_id, created_at) "
             "VALUES (?, ?, ?, ?, 5, 1)",
             [(IN_THREAD, "https://a.example/", G, THREAD), (IN_CHANNEL, "https://b.example/", G, PLAIN),
              (UNLOGGED, "https://c.example/", G, OTHER_THREAD)], True),
            ("INSERT INTO member_reports (guild_id, channel_id, message_id, author_id, content, status, created_at, "
             "updated_at, resolved_by) VALUES (?, ?, ?, 6, 'text', ?, 1, ?, ?)",
             [(G, THREAD, REPORTED, "resolved", 500, 42), (G, PLAIN, IN_CHANNEL, "open", 1, None)], True),
        ])
        assert await db.migrate() == (5, bundled_migrations(db.backend)[-1].version)

        flags = {f.message_id: f.location for f in await moderation.flags_for_message(db, IN_THREAD)
                 + await moderation.flags_for_message(db, IN_CHANNEL)}
        assert flags == {IN_THREAD: Location(CHANNEL, THREAD), IN_CHANNEL: Location(PLAIN)}
        links = {r["url"]: (r["channel_id"], r["thread_id"]) for r in await db.fetchall("SELECT * FROM shared_links")}
        assert links == {"https://a.example/": (CHANNEL, THREAD), "https://b.example/": (PLAIN, None),
                         "https://c.example/": (CHANNEL, OTHER_THREAD)}
        reports = {r.message_id: r for r in await member_reports.reports_where(db, G, status=None)}
        assert reports[REPORTED].location == Location(CHANNEL, THREAD)
        assert (reports[REPORTED].resolution, reports[REPORTED].resolved_at, reports[REPORTED].resolved_by) == (
            "resolved", 500, 42)
        assert reports[IN_CHANNEL].location == Location(PLAIN) and reports[IN_CHANNEL].resolution is None
        assert reports[REPORTED].jump_url == f"https://discord.com/channels/{G}/{THREAD}/{REPORTED}"
    finally:
        await db.close()
