"""Conversation log adapter: Discord events in, log rows out; backfill after downtime; retention."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.channels import location
from bot.logbook.rows import Cursor, Delete, Edit, MessageRow, ThreadEvent, clean_text
from bot.logbook.service import LogService
from bot.store import logbook as log_store
from bot.store.location import Location
from bot.util.timeutil import now_ms, snowflake_ms, to_ms

log = logging.getLogger(__name__)

RETENTION_EVERY = 24 * 3600.0
Loggable = discord.TextChannel | discord.Thread | discord.VoiceChannel | discord.StageChannel


def message_row(message: discord.Message) -> MessageRow | None:
    """The log row of a guild message; None for DMs and channels we do not log."""
    guild, channel = message.guild, message.channel
    if guild is None or not isinstance(channel, Loggable):
        return None
    channel_id, thread_id = location(channel)
    reply_to = message.reference.message_id if message.reference and message.type is discord.MessageType.reply \
        else None
    return MessageRow(
        id=message.id,
        guild_id=guild.id,
        channel_id=channel_id,
        thread_id=thread_id,
        author_id=message.author.id,
        author_name=clean_text(message.author.display_name),
        author_bot=message.author.bot,
        webhook_id=message.webhook_id,
        type=message.type.value,
        content=clean_text(message.content),
        created_at=snowflake_ms(message.id),   # the id encodes the creation time (cheaper than a datetime)
        reply_to=reply_to,
        attachments=[{"filename": clean_text(a.filename), "size": a.size, "content_type": clean_text(a.content_type),
                      "url": clean_text(a.url)} for a in message.attachments],
        embeds=[clean_text(e.url) for e in message.embeds if e.url],
        stickers=[clean_text(s.name) or "" for s in message.stickers],
        edited_at=to_ms(message.edited_at) if message.edited_at else None,
    )


def thread_event(thread: discord.Thread, kind: str) -> ThreadEvent:
    at = now_ms()
    return ThreadEvent(
        id=thread.id, guild_id=thread.guild.id, parent_id=thread.parent_id or 0, name=clean_text(thread.name),
        owner_id=thread.owner_id, created_at=to_ms(thread.created_at) if thread.created_at else at,
        archived_at=at if kind == "archive" else None, deleted_at=at if kind == "delete" else None, kind=kind)


class Logbook(commands.Cog):
    """Live events become log rows; after any gap (start-up, lost gateway) history fills the gap in.

    A channel's cursor means "everything up to here is logged". In a guild whose gap still waits for
    backfill, live rows do not move cursors; only backfill rows, which arrive oldest first, do. So a crash
    at any moment leaves cursors from which the next start finds every message it missed. A guild with no
    cursor yet has no gap to fill (the log starts with the bot, not with old history).
    """

    def __init__(self, bot: PrecisBot, service: LogService, *, backfill_limit: int) -> None:
        self.bot = bot
        self.service = service
        self.backfill_limit = backfill_limit
        self._resume_from: dict[int, dict[int, int]] = {}   # guild -> channel -> logged up to this id
        self._seen: dict[int, tuple[int, int]] = {}         # channel -> (guild, newest id queued this session)
        self._unsynced: set[int] = set()                     # guilds whose gap waits for backfill
        self._gaps = 0                                       # gaps opened (start-up and every disconnect)
        self._failed: set[int] = set()                       # channels whose last backfill broke off
        self._backfill_lock = asyncio.Lock()

    async def cog_load(self) -> None:
        await self.service.load()
        self._resume_from = await log_store.cursors_by_guild(self.service.db)
        self._unsynced = set(self._resume_from)
        self._gaps = 1
        self.retention_job = self.bot.background.periodic("log-retention", self.retention, every=RETENTION_EVERY)

    async def cog_unload(self) -> None:
        await self.retention_job.stop()

    # -- live events ---------------------------------------------------------------------------

    async def _log(self, message: discord.Message, *, live: bool) -> bool:
        row = message_row(message)
        if row is None:
            return False
        if live:
            row.advance_cursor = row.guild_id not in self._unsynced and row.where not in self._failed
        if not await self.service.record_message(row):
            return False
        seen = self._seen.get(row.where)
        if seen is None or row.id > seen[1]:
            self._seen[row.where] = (row.guild_id, row.id)
        return True

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.edited_at is not None:
            # discord.py updated its cached copy with an edit before this handler ran, so this is not the
            # text as posted. The edit's own event comes next and logs the original from its cached copy.
            return
        await self._log(message, live=True)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message = payload.message
        if payload.guild_id is None or message.edited_at is None:
            return   # embed unfurls also arrive as updates, without an edit time
        before = payload.cached_message
        if before is not None and before.edited_at is None:
            await self._log(before, live=True)   # the message as posted (a no-op if already logged)
        row = message_row(message)
        if row is None:
            return
        await self.service.record_edit(
            Edit(message_id=message.id, guild_id=payload.guild_id, content=row.content,
                 edited_at=to_ms(message.edited_at), message=row),
            author_id=message.author.id)

    def _where(self, channel_id: int) -> Location:
        channel = self.bot.get_channel(channel_id)
        return location(channel) if channel is not None else Location(channel_id)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            await self.service.record(Delete([payload.message_id], payload.guild_id, now_ms(),
                                             self._where(payload.channel_id)))

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            await self.service.record(Delete(sorted(payload.message_ids), payload.guild_id, now_ms(),
                                             self._where(payload.channel_id)))

    async def _wants_thread(self, guild_id: int, parent_id: int | None) -> bool:
        settings = await self.service.settings_for(guild_id)
        return self.service.wants(settings, parent_id or 0, author_bot=False)

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        if await self._wants_thread(thread.guild.id, thread.parent_id):
            await self.service.record(thread_event(thread, "create"))

    @commands.Cog.listener()
    async def on_thread_update(self, before: discord.Thread, after: discord.Thread) -> None:
        if after.archived and not before.archived and await self._wants_thread(after.guild.id, after.parent_id):
            await self.service.record(thread_event(after, "archive"))

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        if not await self._wants_thread(payload.guild_id, payload.parent_id):
            return
        at = now_ms()
        await self.service.record(ThreadEvent(id=payload.thread_id, guild_id=payload.guild_id,
                                              parent_id=payload.parent_id, name=None, owner_id=None,
                                              created_at=at, deleted_at=at, kind="delete"))

    # -- downtime ------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        # Whatever arrives from now until the next READY is lost from the gateway; history fills it in.
        for channel, (guild, last) in self._seen.items():
            if guild not in self._unsynced and channel not in self._failed:   # logged up to `last`
                known = self._resume_from.setdefault(guild, {})
                known[channel] = max(last, known.get(channel, 0))
        self._unsynced = set(self._resume_from)
        self._gaps += 1

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.bot.background.once("log-backfill", self.backfill)

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        # A process running several shards hears READY again only from the shard that reconnected.
        if self.bot.is_ready():
            self.bot.background.once("log-backfill", self.backfill)

    async def backfill(self) -> int:
        """Fetch what was posted since each channel's cursor (and in channels and threads new since the
        guild's newest cursor) into the log; then let live rows move cursors again."""
        async with self._backfill_lock:   # one at a time; a READY during a backfill queues another
            gaps = self._gaps
            resume = {guild: dict(channels) for guild, channels in self._resume_from.items()}
            failed: set[int] = set()
            fetched = 0
            for guild in list(self.bot.guilds):
                fetched += await self._backfill_guild(guild, resume.get(guild.id, {}), failed)
            if gaps == self._gaps:   # no new gap opened meanwhile: this one is closed
                self._failed = failed
                self._unsynced.clear()
                for channel, (guild_id, last) in list(self._seen.items()):
                    if channel not in failed:
                        await self.service.record(Cursor(channel, guild_id, last))
        if fetched:
            log.info("backfill logged %d messages missed while disconnected", fetched)
        return fetched

    async def _backfill_guild(self, guild: discord.Guild, cursors: dict[int, int], failed: set[int]) -> int:
        if not cursors:
            return 0   # never logged here: the log starts with the bot, not with old history
        settings = await self.service.settings_for(guild.id)
        # Anything newer than the newest logged message, in a channel with no cursor of its own (a new
        # channel or thread, or one with nothing logged yet), was posted while nobody was listening.
        floor = max(cursors.values())
        channels: list[Loggable] = [c for c in guild.channels if isinstance(c, Loggable)]
        fetched = 0
        for channel in sorted([*channels, *guild.threads], key=lambda c: c.id):
            parent = channel.parent_id if isinstance(channel, discord.Thread) else channel.id
            if not self.service.wants(settings, parent or 0, author_bot=False):
                continue
            if isinstance(channel, discord.Thread):
                await self.service.record(thread_event(channel, "seen"))   # added if created during the gap
            after = cursors.get(channel.id, floor)
            last = channel.last_message_id
            if last is None or last <= after:
                continue   # nothing new there
            count, complete = await self._backfill_channel(channel, after)
            fetched += count
            if not complete:
                failed.add(channel.id)
        return fetched

    async def _backfill_channel(self, channel: Loggable, after: int) -> tuple[int, bool]:
        me = channel.guild.me
        if me is None or not channel.permissions_for(me).read_message_history:
            return 0, True
        count = 0
        try:
            async for message in channel.history(limit=self.backfill_limit, after=discord.Object(after),
                                                 oldest_first=True):
                if await self._log(message, live=False):
                    count += 1
        except discord.HTTPException as exc:
            log.warning("backfill of channel %s stopped after %d messages: %s", channel.id, count, exc)
            return count, False
        return count, True

    # -- retention -----------------------------------------------------------------------------

    async def retention(self) -> None:
        await self.service.retention(self.bot.owned.owns)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Logbook(bot, bot.services.log, backfill_limit=bot.services.settings.backfill_limit))
