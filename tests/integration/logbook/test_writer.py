"""The message-log writer and log service over a real SQLite file: batching, idempotence, edits,
deletes, hostile input, outages, privacy, retention, search and export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.logbook.rows import Delete, Edit, ThreadEvent, clean_text
from bot.logbook.service import DAY_MS, LogService
from bot.logbook.writer import LogWriter
from bot.moderation import member_reports
from bot.settings.guild import GuildSettingsService
from bot.store import logbook as store
from bot.store import names
from bot.store.db import Database
from bot.store.location import Location
from tests.helpers.rows import BASE_MS, row
from tests.helpers.wait import until

pytestmark = pytest.mark.db_options(busy_timeout_ms=50)   # lock tests must not wait long


@pytest.fixture
async def writer(db: Database) -> AsyncIterator[LogWriter]:
    w = LogWriter(db, max_batch=100, max_delay=0.01, max_queue=500)
    w.start()
    yield w
    await w.stop()


@pytest.fixture
async def service(db: Database, writer: LogWriter) -> LogService:
    svc = LogService(db, writer, GuildSettingsService(db))
    await svc.load()
    return svc


async def count(db: Database, sql: str = "SELECT count(*) FROM messages", *params: object) -> int:
    return int((await db.fetchone(sql, params))[0])


async def test_batches_commit_every_row_once_and_replays_do_not_duplicate(db: Database, writer: LogWriter) -> None:
    rows = [row(i, channel=10 + i % 3) for i in range(1_000)]
    for r in rows:
        await writer.put(r)
    for r in rows[:300]:                      # a replay (backfill overlapping live events)
        await writer.put(r)
    await writer.flush()
    assert await count(db) == 1_000
    assert writer.stats.batches < 1_000 / 2  # batched, not row by row
    cursors = await store.cursors(db)
    for channel in (10, 11, 12):
        assert cursors[channel] == max(r.id for r in rows if r.channel_id == channel)


async def test_full_queue_applies_backpressure_without_dropping(db: Database) -> None:
    writer = LogWriter(db, max_batch=10, max_delay=0.0, max_queue=5)
    writer.start()
    rows = [row(i) for i in range(200)]
    refused = sum(1 for r in rows[:50] if not writer.put_nowait(r))
    assert refused > 0                        # the queue really is bounded
    for r in rows:                            # awaiting put waits for room
        await writer.put(r)
    await writer.stop()
    assert await count(db) == 200


async def test_edits_become_revisions_and_deletes_are_soft(db: Database, writer: LogWriter) -> None:
    first = row(1, content="the ferry leaves at nine")
    await writer.put(first)
    await writer.put(Edit(first.id, 1, "the ferry leaves at ten", BASE_MS + 5_000))
    await writer.put(Edit(first.id, 1, "the ferry leaves at ten", BASE_MS + 5_000))   # duplicate event
    await writer.put(Edit(first.id, 1, "the ferry leaves at eleven", BASE_MS + 9_000))
    unseen = row(2, content="edited before we ever saw it")                         # not logged before
    await writer.put(Edit(unseen.id, 1, unseen.content, BASE_MS + 7_000, message=unseen))
    await writer.put(Delete([first.id, 999], 1, BASE_MS + 10_000))
    await writer.flush()
    revisions = await db.fetchall("SELECT message_id, old_content, new_content FROM message_revisions ORDER BY id")
    assert [tuple(r) for r in revisions] == [
        (first.id, "the ferry leaves at nine", "the ferry leaves at ten"),
        (first.id, "the ferry leaves at ten", "the ferry leaves at eleven"),
        (unseen.id, None, "edited before we ever saw it"),
    ]
    stored = await db.fetchone("SELECT content, deleted_at, edited_at FROM messages WHERE id = ?", (first.id,))
    assert tuple(stored) == ("the ferry leaves at eleven", BASE_MS + 10_000, BASE_MS + 9_000)
    assert await count(db) == 2


@pytest.mark.parametrize("content", [
    "x" * 4_000,
    "null\x00byte in the middle",
    clean_text("lone \ud800 surrogate"),
    "Z̸̢̛a̵̡͠l̷͇̕g̴̨͝o̶̢͘ text" * 40,
    "right-to-left \u202eoverride\u202c and \u200fmarks",
    "",
])
async def test_hostile_content_never_breaks_the_writer(db: Database, writer: LogWriter, content: str) -> None:
    hostile = row(1, content=content, attachments=[
        {"filename": f"f{i}.png", "size": i, "content_type": "image/png", "url": f"https://cdn.example/{i}"}
        for i in range(500)])
    await writer.put(hostile)
    await writer.put(row(2))
    await writer.flush()
    stored = await db.fetchone("SELECT content, attachments FROM messages WHERE id = ?", (hostile.id,))
    # PostgreSQL text cannot hold NUL: that backend stores U+FFFD in its place.
    assert stored["content"] == (content if db.backend == "sqlite" else content.replace("\x00", "\ufffd"))
    assert len(json.loads(stored["attachments"])) == 500
    assert await count(db) == 2


def test_lone_surrogates_are_replaced_not_dropped() -> None:
    assert clean_text("a\udc80b") == "a\ufffdb"


async def test_unstorable_row_goes_to_dead_letters_and_the_rest_commit(db: Database, writer: LogWriter) -> None:
    bad = row(5)
    bad.author_id = 2 ** 70                   # no SQLite integer can hold it
    for r in [row(1), row(2), bad, row(3), row(4)]:
        await writer.put(r)
    await writer.flush()
    assert await count(db) == 4
    assert await count(db, "SELECT count(*) FROM log_dead_letters") == 1
    assert writer.stats.dead_letters == 1


@pytest.mark.sqlite_only
async def test_locked_database_is_retried_and_nothing_is_lost(db: Database, writer: LogWriter) -> None:
    blocker = sqlite3.connect(db.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")        # another process holds the write lock
    try:
        for i in range(50):
            await writer.put(row(i))
        await until(lambda: writer.stats.retries >= 2, what="two retries of the locked batch")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await writer.flush()
    assert await count(db) == 50


@pytest.mark.postgres
async def test_lost_server_connections_are_retried_and_nothing_is_lost(pg_url: str) -> None:
    """The server ends the writer's connections (a restart, a failover) while rows arrive: the batch waits
    in memory, is retried on a new connection, and every row is committed once."""
    name = f"precis-writer-{uuid.uuid4().hex[:8]}"
    async with Database(f"{pg_url}&application_name={name}") as db, Database(pg_url) as admin:
        writer = LogWriter(db, max_batch=20, max_delay=0.01)
        writer.start()
        kill = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")
        try:
            for i in range(200):
                await writer.put(row(i))
                if i % 40 == 20:
                    await admin.fetchall(kill, (name,))
            await until(lambda: writer.stats.retries >= 1, what="a retry after a lost connection")
            await writer.flush()
        finally:
            await writer.stop()
        assert await count(db) == 200
        assert await count(db, "SELECT count(*) FROM log_dead_letters") == 0


async def test_graceful_stop_flushes_a_burst(db: Database) -> None:
    writer = LogWriter(db, max_batch=64, max_delay=0.05)
    writer.start()
    for i in range(3_000):
        writer.put_nowait(row(i)) or await writer.put(row(i))
    await writer.stop()
    assert await count(db) == 3_000


async def test_opted_out_members_are_logged_without_content(db: Database, service: LogService) -> None:
    await service.set_opt_out(1, 100, True)
    await service.record_message(row(1, author=100, content="secret words"))
    await service.record_message(row(2, author=200, content="public words"))
    await service.writer.flush()
    stored = {r["author_id"]: tuple(r) for r in await db.fetchall(
        "SELECT author_id, content, content_state FROM messages")}
    assert stored == {100: (100, None, 1), 200: (200, "public words", 0)}
    assert [h.author_id for h in await service.search(1, "words")] == [200]


async def test_excluded_channels_and_bots_are_not_logged(db: Database, service: LogService) -> None:
    await service.guild_settings.update(1, None, log_excluded_channels=[11])
    assert await service.record_message(row(1, channel=10))
    assert not await service.record_message(row(2, channel=11))
    bot_row = row(3)
    bot_row.author_bot = True
    assert not await service.record_message(bot_row)
    await service.guild_settings.update(1, None, log_enabled=False)
    assert not await service.record_message(row(4))


async def test_forget_removes_texts_but_keeps_counts(db: Database, service: LogService) -> None:
    await service.record_message(row(1, author=100, content="first thing I said"))
    await service.record(Edit(row(1).id, 1, "edited thing I said", BASE_MS + 60_000))
    await service.record_message(row(2, author=100, content="second thing"))
    await service.record_message(row(3, author=200, content="someone else"))
    result = await service.forget(1, 100)    # rows still queued are committed first
    assert (result.messages, result.revisions) == (2, 1)
    assert await count(db, "SELECT count(*) FROM messages WHERE author_id = 100") == 2
    assert await count(db, "SELECT count(*) FROM messages WHERE author_id = 100 AND "
                           "(content IS NOT NULL OR author_name IS NOT NULL)") == 0
    assert await service.search(1, "thing") == []
    assert [h.content for h in await service.search(1, "someone")] == ["someone else"]


async def test_forget_also_removes_report_texts_of_and_by_the_member(db: Database, service: LogService) -> None:
    said = await member_reports.report_message(
        db, guild_id=1, location=Location(10), message_id=row(1).id, author_id=100, content_snapshot="their words",
        reporter_id=200, reason="reported by someone else", now=BASE_MS)
    await member_reports.report_message(
        db, guild_id=1, location=Location(10), message_id=row(2).id, author_id=300, content_snapshot="other words",
        reporter_id=100, reason="the forgetting member's reason", now=BASE_MS)
    await names.save(db, 1, [(100, "member", "Forgetful"), (300, "member", "Keeper")], BASE_MS)
    await service.forget(1, 100)
    assert (await names.lookup(db, 1, members=[100, 300])).members == {300: "Keeper"}   # the name goes too
    reports = {r["author_id"]: r["content"] for r in await db.fetchall("SELECT author_id, content FROM member_reports")}
    reasons = {r["reporter_id"]: r["reason"] for r in await db.fetchall(
        "SELECT reporter_id, reason FROM member_report_reasons")}
    assert reports == {100: None, 300: "other words"}
    assert reasons == {200: "reported by someone else", 100: None}
    assert said.report is not None and (await member_reports.get_report(db, said.report.id)) is not None


async def test_retention_removes_old_and_blanks_long_deleted(db: Database, service: LogService) -> None:
    now = BASE_MS + 200 * DAY_MS
    await service.guild_settings.update(1, None, retention_days=30, deleted_content_days=7)
    old = row(1, at=now - 40 * DAY_MS)
    deleted_long_ago = row(2, at=now - 20 * DAY_MS)
    deleted_recently = row(3, at=now - 20 * DAY_MS + 1)
    fresh = row(4, at=now - DAY_MS)
    for r in (old, deleted_long_ago, deleted_recently, fresh):
        await service.record_message(r)
    await service.record(Delete([deleted_long_ago.id], 1, now - 10 * DAY_MS))
    await service.record(Delete([deleted_recently.id], 1, now - 2 * DAY_MS))
    await service.writer.flush()
    results = await service.purge_all(now=now)
    assert [(r.guild_id, r.removed, r.blanked) for r in results] == [(1, 1, 1)]
    rows = {r["id"]: r["content"] for r in await db.fetchall("SELECT id, content FROM messages")}
    assert set(rows) == {deleted_long_ago.id, deleted_recently.id, fresh.id}
    assert rows[deleted_long_ago.id] is None and rows[deleted_recently.id] is not None
    assert await service.search(1, "ferry") != []   # the FTS index followed the purge without errors


async def test_search_is_ranked_filtered_and_safe_against_fts_syntax(service: LogService) -> None:
    await service.record_message(row(1, channel=10, author=100, content="budget vote tonight at the council"))
    await service.record_message(row(2, channel=11, author=200, content="the budget is too big"))
    await service.record_message(row(3, channel=10, author=100, content="unrelated chatter"))
    assert {h.content for h in await service.search(1, "budget")} == {
        "budget vote tonight at the council", "the budget is too big"}
    assert [h.author_id for h in await service.search(1, "budget", author_id=200)] == [200]
    assert [h.channel_id for h in await service.search(1, "budget", channel_id=10)] == [10]
    assert len(await service.search(1, 'budget" OR')) == 0               # OR is a word, not syntax
    assert len(await service.search(1, 'budget:* "')) == 2              # quotes and operators neutralised
    assert await service.search(1, 'content:* NEAR(') == []
    assert await service.search(1, "***") == []
    assert await service.search(2, "budget") == []                        # other guilds never leak


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
async def test_export_round_trips(service: LogService, fmt: str) -> None:
    await service.record_message(row(1, channel=10, content='quote " and, comma\nnewline'))
    await service.record_message(row(2, channel=10, attachments=[{"filename": "a.pdf", "size": 3,
                                                                  "content_type": "application/pdf", "url": "u"}]))
    await service.record_message(row(3, channel=11))
    out = io.StringIO()
    written = await service.export(1, out, channel_id=10, fmt=fmt)   # type: ignore[arg-type]
    assert written == 2
    text = out.getvalue()
    if fmt == "jsonl":
        items = [json.loads(line) for line in text.splitlines()]
    else:
        items = list(csv.DictReader(io.StringIO(text)))
    assert [i["content"] for i in items] == ['quote " and, comma\nnewline',
                                             "message 2 about the harbour ferry timetable"]
    assert items[0]["id"] == str(row(1).id)
    attachments = items[1]["attachments"]
    assert (attachments if fmt == "jsonl" else json.loads(attachments))[0]["filename"] == "a.pdf"


async def test_threads_are_recorded(db: Database, writer: LogWriter) -> None:
    await writer.put(ThreadEvent(5, 1, 10, "questions", 100, BASE_MS))
    await writer.put(ThreadEvent(5, 1, 10, None, None, BASE_MS, archived_at=BASE_MS + 1, kind="archive"))
    await writer.put(ThreadEvent(5, 1, 10, None, None, BASE_MS, deleted_at=BASE_MS + 2, kind="delete"))
    await writer.flush()
    thread = await db.fetchone("SELECT name, owner_id, archived_at, deleted_at FROM threads WHERE id = 5")
    assert tuple(thread) == ("questions", 100, BASE_MS + 1, BASE_MS + 2)
