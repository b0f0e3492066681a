"""The conversation log as the cogs and the CLI see it: what to log, privacy, search, export, retention."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Literal, TextIO

from bot.logbook.rows import Cursor, Delete, Edit, MessageRow, ThreadEvent
from bot.logbook.writer import LogWriter
from bot.settings.guild import GuildSettings, GuildSettingsService
from bot.store import leases, logquery
from bot.store import logbook as store
from bot.store.db import Database
from bot.store.logbook import ForgetResult
from bot.store.logquery import SearchHit
from bot.util.timeutil import iso, now_ms

log = logging.getLogger(__name__)

ExportFormat = Literal["jsonl", "csv"]
LogOp = MessageRow | Edit | Delete | ThreadEvent | Cursor
Observer = Callable[[LogOp], None]
DAY_MS = 86_400_000
RETENTION_LEASE_MS = 3_600_000   # a purge that takes longer than this may be started again elsewhere


@dataclass(frozen=True, slots=True)
class PurgeResult:
    guild_id: int
    removed: int
    blanked: int


class LogService:
    def __init__(self, db: Database, writer: LogWriter, guild_settings: GuildSettingsService) -> None:
        self.db = db
        self.writer = writer
        self.guild_settings = guild_settings
        self._opted_out: set[tuple[int, int]] = set()
        self._holder = leases.new_holder()
        self._observers: list[Observer] = []

    def add_observer(self, observer: Observer) -> None:
        """Call `observer(op)` for every operation queued from now on (after privacy rules applied). Observers
        run on the event handlers' path: they must only take note (e.g. append to a queue) and return."""
        self._observers.append(observer)

    def remove_observer(self, observer: Observer) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    async def load(self) -> None:
        self._opted_out = await store.opted_out_members(self.db)
        await self.guild_settings.preload()   # handlers then queue rows in event order (see preload)

    # -- what gets logged ----------------------------------------------------------------------

    async def settings_for(self, guild_id: int) -> GuildSettings:
        return await self.guild_settings.get(guild_id)   # cached there: no query on the hot path

    def wants(self, settings: GuildSettings, channel_id: int, *, author_bot: bool) -> bool:
        if not settings.log_enabled or channel_id in settings.log_excluded_channels:
            return False
        return settings.log_bots or not author_bot

    def is_opted_out(self, guild_id: int, user_id: int) -> bool:
        return (guild_id, user_id) in self._opted_out

    async def record(self, op: LogOp) -> None:
        if not self.writer.put_nowait(op):
            await self.writer.put(op)   # backpressure: wait for room, never drop
        for observer in self._observers:
            try:
                observer(op)
            except Exception:
                log.exception("log observer %r failed", observer)

    async def record_message(self, row: MessageRow) -> bool:
        """Log a message if the guild wants it; strips content of opted-out members. True if queued."""
        settings = await self.settings_for(row.guild_id)
        if not self.wants(settings, row.channel_id, author_bot=row.from_bot):
            return False
        if self.is_opted_out(row.guild_id, row.author_id):
            row.opted_out = True
            row.content = None
            row.attachments = []
        await self.record(row)
        return True

    async def record_edit(self, edit: Edit, author_id: int | None) -> None:
        if author_id is not None and self.is_opted_out(edit.guild_id, author_id):
            edit.content = None
            if edit.message is not None:
                edit.message.opted_out = True
        if edit.message is not None:
            settings = await self.settings_for(edit.guild_id)
            if not self.wants(settings, edit.message.channel_id, author_bot=edit.message.from_bot):
                return
        await self.record(edit)

    # -- privacy -------------------------------------------------------------------------------

    async def set_opt_out(self, guild_id: int, user_id: int, opted_out: bool) -> None:
        await store.set_opt_out(self.db, guild_id, user_id, opted_out, now_ms())
        if opted_out:
            self._opted_out.add((guild_id, user_id))
        else:
            self._opted_out.discard((guild_id, user_id))

    async def forget(self, guild_id: int, user_id: int) -> ForgetResult:
        """Delete the member's stored texts; rows already queued are committed first so none escape."""
        await self.writer.flush()
        return await store.forget_member(self.db, guild_id, user_id)

    # -- retention -----------------------------------------------------------------------------

    async def purge_guild(self, guild_id: int, *, now: int | None = None) -> PurgeResult:
        settings = await self.settings_for(guild_id)
        at = now if now is not None else now_ms()
        removed, blanked = await store.purge(
            self.db, guild_id, older_than=at - settings.retention_days * DAY_MS,
            deleted_before=at - settings.deleted_content_days * DAY_MS)
        if removed or blanked:
            log.info("retention for guild %s: removed %d messages, blanked %d deleted ones",
                     guild_id, removed, blanked)
        return PurgeResult(guild_id, removed, blanked)

    async def purge_all(self, *, now: int | None = None) -> list[PurgeResult]:
        return [await self.purge_guild(g, now=now) for g in await store.logged_guilds(self.db)]

    async def retention(self, owns: Callable[[int], bool], *, now: int | None = None) -> list[PurgeResult]:
        """The retention run of one bot process: the guilds on its shards, each under a lease so that no
        two processes purge a guild at once (a guild whose lease another holds is left to that one)."""
        at = now if now is not None else now_ms()
        results = []
        for guild_id in await store.logged_guilds(self.db):
            name = f"retention:{guild_id}"
            if not owns(guild_id) or not await leases.take(self.db, name, now=at, ttl_ms=RETENTION_LEASE_MS,
                                                           holder=self._holder):
                continue
            try:
                results.append(await self.purge_guild(guild_id, now=at))
            finally:
                await leases.release(self.db, name, self._holder)
        await leases.prune(self.db, before=now_ms() - DAY_MS)   # ended cooldowns, notes and claims
        return results

    # -- reading -------------------------------------------------------------------------------

    async def search(self, guild_id: int, query: str, *, author_id: int | None = None,
                     channel_id: int | None = None, since: int | None = None, limit: int = 10,
                     thread_id: int | None = None) -> list[SearchHit]:
        await self.writer.flush()
        return await logquery.search(self.db, guild_id, query, author_id=author_id, channel_id=channel_id,
                                     since=since, limit=limit, thread_id=thread_id)

    async def export(self, guild_id: int, out: TextIO, *, channel_id: int | None = None,
                     since: int | None = None, fmt: ExportFormat = "jsonl", thread_id: int | None = None) -> int:
        """Write the log to `out` as JSON lines or CSV (a channel includes its threads, unless `thread_id`
        narrows it to one); returns the number of messages written."""
        await self.writer.flush()
        rows = logquery.export_rows(self.db, guild_id, channel_id=channel_id, since=since, thread_id=thread_id)
        return await write_export(rows, out, fmt)


async def write_export(rows: AsyncIterator[dict[str, object]], out: TextIO,
                       fmt: ExportFormat) -> int:
    count = 0
    writer = None
    async for row in rows:
        for key in ("created_at", "edited_at", "deleted_at"):
            row[key] = iso(row[key])  # type: ignore[arg-type]
        for key in ("id", "guild_id", "channel_id", "thread_id", "author_id", "webhook_id", "reply_to"):
            if row[key] is not None:
                row[key] = str(row[key])   # snowflakes exceed JavaScript's safe integers
        if fmt == "jsonl":
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(logquery.EXPORT_COLUMNS))
                writer.writeheader()
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for k, v in row.items()})
        count += 1
    if fmt == "csv" and writer is None:
        csv.DictWriter(out, fieldnames=list(logquery.EXPORT_COLUMNS)).writeheader()
    return count
