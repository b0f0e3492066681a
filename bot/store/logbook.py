"""SQL of the conversation log: applying batches of events, cursors, privacy, search, export, purges."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from bot.logbook.rows import Cursor, Delete, Edit, MessageRow, ThreadEvent
from bot.store.db import Database, Statement, has_work
from bot.store.dialect import Dialect

LogOp = MessageRow | Edit | Delete | ThreadEvent | Cursor

CONTENT_KEPT, CONTENT_OPTED_OUT, CONTENT_FORGOTTEN, CONTENT_PURGED = 0, 1, 2, 3

MESSAGE_COLUMNS = ("id", "guild_id", "channel_id", "thread_id", "author_id", "author_name", "author_bot",
                   "webhook_id", "type", "content", "content_state", "created_at", "edited_at", "reply_to",
                   "attachments", "embeds", "stickers")
_MESSAGE_CONFLICT = "ON CONFLICT (id) DO NOTHING"
INSERT_MESSAGE = (f"INSERT INTO messages ({', '.join(MESSAGE_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(MESSAGE_COLUMNS))}) {_MESSAGE_CONFLICT}")


def _advance_cursor(dialect: Dialect) -> str:
    return ("INSERT INTO channel_cursors (channel_id, guild_id, last_message_id) VALUES (?, ?, ?) "
            "ON CONFLICT (channel_id) DO UPDATE SET last_message_id = "
            f"{dialect.greatest('channel_cursors.last_message_id', 'excluded.last_message_id')}")


_REVISION = (
    "INSERT INTO message_revisions (message_id, guild_id, old_content, new_content, edited_at) "
    "SELECT CAST(:id AS BIGINT), CAST(:guild AS BIGINT), (SELECT content FROM messages WHERE id = :id), "
    "CAST(:new AS TEXT), CAST(:at AS BIGINT) WHERE CAST(:new AS TEXT) IS NOT NULL AND NOT EXISTS "
    # No revision repeats the current text, and none keeps text the message itself may not keep
    # (opted out, forgotten, purged).
    "(SELECT 1 FROM messages WHERE id = :id AND (content IS NOT DISTINCT FROM :new OR content_state <> 0)) "
    "ON CONFLICT DO NOTHING"
)
_APPLY_EDIT = (
    "UPDATE messages SET content = CASE WHEN content_state = 0 THEN :new ELSE content END, edited_at = :at "
    "WHERE id = :id"
)
_THREAD = ("INSERT INTO threads (id, guild_id, parent_id, name, owner_id, created_at, archived_at, deleted_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_SOFT_DELETE = "UPDATE messages SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL"


def _json(value: list[Any]) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


def message_params(row: MessageRow) -> tuple[Any, ...]:
    state = CONTENT_OPTED_OUT if row.opted_out else CONTENT_KEPT
    return (row.id, row.guild_id, row.channel_id, row.thread_id, row.author_id, row.author_name,
            int(row.author_bot), row.webhook_id, row.type, None if row.opted_out else row.content, state,
            row.created_at, row.edited_at, row.reply_to,
            None if row.opted_out else _json(row.attachments), _json(row.embeds), _json(row.stickers))


def _cursor_params(rows: Iterable[MessageRow]) -> list[tuple[int, int, int]]:
    newest: dict[int, tuple[int, int]] = {}
    for row in rows:
        if not row.advance_cursor:
            continue
        where = row.where
        if where not in newest or row.id > newest[where][1]:
            newest[where] = (row.guild_id, row.id)
    return [(channel, guild, last) for channel, (guild, last) in newest.items()]


def _statements_for_group(db: Database, kind: type, ops: list[Any]) -> list[Statement]:
    if kind is MessageRow:
        return [*db.insert_rows("messages", MESSAGE_COLUMNS, [message_params(r) for r in ops],
                                conflict=_MESSAGE_CONFLICT),
                (_advance_cursor(db.dialect), _cursor_params(ops), True)]
    if kind is Edit:
        out: list[Statement] = []
        for chunk in _distinct_messages(ops):
            edits = [{"id": e.message_id, "guild": e.guild_id, "new": e.content, "at": e.edited_at} for e in chunk]
            missing = [message_params(e.message) for e in chunk if e.message is not None]
            out += [(_REVISION, edits, True), (INSERT_MESSAGE, missing, True), (_APPLY_EDIT, edits, True)]
        return out
    if kind is Cursor:
        return [(_advance_cursor(db.dialect), [(c.channel_id, c.guild_id, c.last_message_id) for c in ops], True)]
    if kind is Delete:
        return [(_SOFT_DELETE, [(d.deleted_at, mid) for d in ops for mid in d.message_ids], True)]
    if kind is ThreadEvent:
        # A known thread keeps the name it was logged with (and a forgotten name stays forgotten); "seen"
        # (a thread found after a gap) only adds threads the log does not know yet.
        params = [[(t.id, t.guild_id, t.parent_id, t.name, t.owner_id, t.created_at, t.archived_at, t.deleted_at)
                   for t in ops if (t.kind == "seen") is seen] for seen in (False, True)]
        return [(_THREAD + " ON CONFLICT (id) DO UPDATE SET "
                 "archived_at = coalesce(excluded.archived_at, threads.archived_at), "
                 "deleted_at = coalesce(excluded.deleted_at, threads.deleted_at)", params[0], True),
                (_THREAD + " ON CONFLICT (id) DO NOTHING", params[1], True)]
    raise TypeError(f"not a log operation: {kind.__name__}")


def _distinct_messages(edits: list[Edit]) -> list[list[Edit]]:
    """Runs of edits touching distinct messages: a second edit of one message must see the first applied."""
    chunks: list[list[Edit]] = [[]]
    seen: set[int] = set()
    for edit in edits:
        if edit.message_id in seen:
            chunks.append([])
            seen.clear()
        chunks[-1].append(edit)
        seen.add(edit.message_id)
    return chunks


def statements(db: Database, ops: Sequence[LogOp]) -> list[Statement]:
    """Consecutive operations of one kind share an executemany; order between kinds is kept."""
    out: list[Statement] = []
    for kind, group in groupby(ops, key=type):
        out.extend(s for s in _statements_for_group(db, kind, list(group)) if has_work(s))
    return out


async def apply(db: Database, ops: Sequence[LogOp]) -> None:
    await db.transaction(statements(db, ops))


async def store_dead_letter(db: Database, op: LogOp, error: str, at: int) -> None:
    await db.execute("INSERT INTO log_dead_letters (op, payload, error, failed_at) VALUES (?, ?, ?, ?)",
                     (type(op).__name__, repr(op), error, at))


# -- cursors and privacy -----------------------------------------------------------------------------

async def cursors(db: Database) -> dict[int, int]:
    rows = await db.fetchall("SELECT channel_id, last_message_id FROM channel_cursors")
    return {row["channel_id"]: row["last_message_id"] for row in rows}


async def cursors_by_guild(db: Database) -> dict[int, dict[int, int]]:
    """guild -> {channel or thread -> last message id logged with everything before it}."""
    out: dict[int, dict[int, int]] = {}
    for row in await db.fetchall("SELECT guild_id, channel_id, last_message_id FROM channel_cursors"):
        out.setdefault(row["guild_id"], {})[row["channel_id"]] = row["last_message_id"]
    return out


async def opted_out_members(db: Database) -> set[tuple[int, int]]:
    rows = await db.fetchall("SELECT guild_id, user_id FROM privacy WHERE opted_out = 1")
    return {(row["guild_id"], row["user_id"]) for row in rows}


async def set_opt_out(db: Database, guild_id: int, user_id: int, opted_out: bool, at: int) -> None:
    await db.execute(
        "INSERT INTO privacy (guild_id, user_id, opted_out, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET opted_out = excluded.opted_out, "
        "updated_at = excluded.updated_at",
        (guild_id, user_id, int(opted_out), at))


@dataclass(frozen=True, slots=True)
class ForgetResult:
    messages: int
    revisions: int
    questions: int


async def forget_member(db: Database, guild_id: int, user_id: int) -> ForgetResult:
    """Remove every stored text of a member in a guild; rows stay (content NULL) so counts survive."""
    async with db.write_transaction(f"guild:{guild_id}") as conn:
        messages = await conn.execute(
            "UPDATE messages SET content = NULL, attachments = NULL, embeds = NULL, stickers = NULL, "
            "author_name = NULL, content_state = ? WHERE guild_id = ? AND author_id = ? "
            "AND (content IS NOT NULL OR attachments IS NOT NULL OR author_name IS NOT NULL)",
            (CONTENT_FORGOTTEN, guild_id, user_id))
        revisions = await conn.execute(
            "DELETE FROM message_revisions WHERE message_id IN "
            "(SELECT id FROM messages WHERE guild_id = ? AND author_id = ?)", (guild_id, user_id))
        await conn.execute("UPDATE threads SET name = NULL WHERE guild_id = ? AND owner_id = ?",
                           (guild_id, user_id))   # a thread's title is its owner's words too
        questions = await conn.execute(
            "UPDATE questions SET question = NULL, answer = NULL WHERE guild_id = ? AND user_id = ? "
            "AND (question IS NOT NULL OR answer IS NOT NULL)", (guild_id, user_id))
        # Reports keep that a message was reported, not the member's words: neither the snapshot of
        # their reported message nor the reasons they gave when reporting others.
        await conn.execute("UPDATE member_reports SET content = NULL WHERE guild_id = ? AND author_id = ?",
                           (guild_id, user_id))
        await conn.execute(
            "UPDATE member_report_reasons SET reason = NULL WHERE reporter_id = ? AND report_id IN "
            "(SELECT id FROM member_reports WHERE guild_id = ?)", (user_id, guild_id))
        await conn.execute("DELETE FROM names WHERE guild_id = ? AND id = ? AND kind = 'member'",
                           (guild_id, user_id))
    return ForgetResult(messages, revisions, questions)


# -- retention -------------------------------------------------------------------------------------

async def purge(db: Database, guild_id: int, *, older_than: int, deleted_before: int, chunk: int = 5_000
                ) -> tuple[int, int]:
    """Delete messages created before `older_than`; blank the content of messages deleted before
    `deleted_before`. Works in chunks so the writer is never held up for long. Returns (removed, blanked)."""
    removed = blanked = 0
    while True:
        ids = [r["id"] for r in await db.fetchall(
            "SELECT id FROM messages WHERE guild_id = ? AND created_at < ? LIMIT ?", (guild_id, older_than, chunk))]
        if not ids:
            break
        marks = ",".join("?" * len(ids))
        await db.transaction([
            (f"DELETE FROM message_revisions WHERE message_id IN ({marks})", ids, False),
            (f"DELETE FROM messages WHERE id IN ({marks})", ids, False),
        ])
        removed += len(ids)
    while True:
        ids = [r["id"] for r in await db.fetchall(
            "SELECT id FROM messages WHERE guild_id = ? AND deleted_at < ? AND content_state <> ? "
            "AND (content IS NOT NULL OR attachments IS NOT NULL) LIMIT ?",
            (guild_id, deleted_before, CONTENT_PURGED, chunk))]
        if not ids:
            break
        marks = ",".join("?" * len(ids))
        await db.transaction([
            (f"DELETE FROM message_revisions WHERE message_id IN ({marks})", ids, False),
            (f"UPDATE messages SET content = NULL, attachments = NULL, content_state = {CONTENT_PURGED} "
             f"WHERE id IN ({marks})", ids, False),
        ])
        blanked += len(ids)
    await db.transaction([(
        "DELETE FROM threads WHERE guild_id = ? AND created_at < ?", (guild_id, older_than), False)])
    return removed, blanked


async def logged_guilds(db: Database) -> list[int]:
    return [r["guild_id"] for r in await db.fetchall("SELECT DISTINCT guild_id FROM channel_cursors")]
