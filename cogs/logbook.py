"""Conversation log adapter: Discord events in, log rows out; backfill after downtime; retention."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands, tasks

from bot.client import PrecisBot
from bot.logbook import LogService
from bot.logrows import Delete, Edit, MessageRow, ThreadEvent, clean_text
from bot.store import logbook as log_store
from bot.timeutil import now_ms, to_ms

log = logging.getLogger(__name__)

Loggable = discord.TextChannel | discord.Thread | discord.VoiceChannel | discord.StageChannel


def message_row(message: discord.Message) -> MessageRow | None:
    """The log row of a guild message; None for DMs and channels we do not log."""
    guild, channel = message.guild, message.channel
    if guild is None or not isinstance(channel, Loggable):
        return None
    in_thread = isinstance(channel, discord.Thread)
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else channel.id
    reply_to = message.reference.message_id if message.reference and message.type is discord.MessageType.reply \
        else None
    return MessageRow(
        id=message.id,
        guild_id=guild.id,
        channel_id=parent_id or channel.id,
        thread_id=channel.id if in_thread else None,
        author_id=message.author.id,
        author_name=clean_text(message.author.display_name),
        author_bot=message.author.bot,
        webhook_id=message.webhook_id,
        type=message.type.value,
        content=clean_text(message.content),
        created_at=to_ms(message.created_at),
        reply_to=reply_to,
        attachments=[{"filename": clean_text(a.filename), "size": a.size, "content_type": a.content_type,
                      "url": a.url} for a in message.attachments],
        embeds=[e.url for e in message.embeds if e.url],
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
    def __init__(self, bot: PrecisBot, service: LogService, *, backfill_limit: int) -> None:
        self.bot = bot
        self.service = service
        self.backfill_limit = backfill_limit
        self._resume_from: dict[int, int] = {}   # channel -> last message id logged before the gap
        self._seen: dict[int, int] = {}          # channel -> newest message id queued this session
        self._backfilling = False

    async def cog_load(self) -> None:
        await self.service.load()
        self._resume_from = await log_store.cursors(self.service.db)
        self.retention.start()

    async def cog_unload(self) -> None:
        self.retention.cancel()

    # -- live events ---------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        row = message_row(message)
        if row is not None and await self.service.record_message(row):
            self._seen[row.where] = max(row.id, self._seen.get(row.where, 0))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message = payload.message
        if payload.guild_id is None or message.edited_at is None:
            return   # embed unfurls also arrive as updates, without an edit time
        row = message_row(message)
        if row is None:
            return
        await self.service.record_edit(
            Edit(message_id=message.id, guild_id=payload.guild_id, content=row.content,
                 edited_at=to_ms(message.edited_at), message=row),
            author_id=message.author.id)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            await self.service.record(Delete([payload.message_id], payload.guild_id, now_ms()))

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            await self.service.record(Delete(sorted(payload.message_ids), payload.guild_id, now_ms()))

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        await self.service.record(thread_event(thread, "create"))

    @commands.Cog.listener()
    async def on_thread_update(self, before: discord.Thread, after: discord.Thread) -> None:
        if after.archived and not before.archived:
            await self.service.record(thread_event(after, "archive"))

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        at = now_ms()
        await self.service.record(ThreadEvent(id=payload.thread_id, guild_id=payload.guild_id,
                                              parent_id=payload.parent_id, name=None, owner_id=None,
                                              created_at=at, deleted_at=at, kind="delete"))

    # -- downtime ------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        # Whatever arrives from now until the next READY is lost from the gateway; history fills it in.
        for channel, last in self._seen.items():
            self._resume_from[channel] = max(last, self._resume_from.get(channel, 0))

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self._backfilling:
            self.bot.spawn(self.backfill(dict(self._resume_from)), name="log-backfill")

    async def backfill(self, cursors: dict[int, int]) -> int:
        """Fetch history after each cursor (and new threads of logged channels) into the log."""
        self._backfilling = True
        fetched = 0
        try:
            for channel_id, after in sorted(cursors.items()):
                channel = self.bot.get_channel(channel_id)
                if isinstance(channel, Loggable):
                    fetched += await self._backfill_channel(channel, after)
            for guild in self.bot.guilds:
                for thread in guild.threads:
                    parent_cursor = cursors.get(thread.parent_id or 0)
                    if thread.id not in cursors and parent_cursor is not None and thread.id > parent_cursor:
                        fetched += await self._backfill_channel(thread, thread.id - 1)
        finally:
            self._backfilling = False
        if fetched:
            log.info("backfill logged %d messages missed while disconnected", fetched)
        return fetched

    async def _backfill_channel(self, channel: Loggable, after: int) -> int:
        me = channel.guild.me
        if me is None or not channel.permissions_for(me).read_message_history:
            return 0
        count = 0
        try:
            async for message in channel.history(limit=self.backfill_limit, after=discord.Object(after),
                                                 oldest_first=True):
                row = message_row(message)
                if row is not None and await self.service.record_message(row):
                    count += 1
        except discord.HTTPException as exc:
            log.warning("backfill of channel %s stopped: %s", channel.id, exc)
        return count

    # -- retention -----------------------------------------------------------------------------

    @tasks.loop(hours=24)
    async def retention(self) -> None:
        try:
            await self.service.purge_all()
        except Exception:
            log.exception("retention purge failed; it will run again tomorrow")


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Logbook(bot, bot.services.log, backfill_limit=bot.services.settings.backfill_limit))
