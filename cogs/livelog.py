"""The live log channel in Discord: every few seconds, one post per guild with what happened since the last
(edits, deletions with their stored text, bulk deletions as attached files, member reports).

One job posts everything, one message per guild per run: Discord allows a channel 5 messages per 5 s, so
a raid of edits or deletions is reported in full without a single 429.
"""

from __future__ import annotations

import io
import logging

import discord
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.replies import NO_PINGS
from bot.logbook.live import LiveBatch, embed_line, file_line, fits_embed, summary_line
from bot.store.location import Location
from bot.util.text import clip
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)

EVERY = 2.0                   # seconds between posts (per guild at most one post per run)
MAX_FILES = 10                # Discord's limit per message
COLOUR = discord.Colour.dark_grey()


class LiveLogPoster(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.live = bot.services.live_log

    async def cog_load(self) -> None:
        self.job = self.bot.background.periodic("live-log", self.post_pending, every=EVERY)

    async def cog_unload(self) -> None:
        await self.job.stop()

    async def post_pending(self) -> None:
        for batch in await self.live.drain():
            channel = self.bot.get_channel(batch.channel_id)
            if not isinstance(channel, discord.TextChannel | discord.Thread):
                log.warning("guild %s: live log channel %s is gone or not a text channel; %d events not posted",
                            batch.guild_id, batch.channel_id, batch.events)
                continue
            try:
                embed, files = self.render(batch)
                await channel.send(embed=embed, files=files, allowed_mentions=NO_PINGS)
            except discord.HTTPException as exc:
                log.warning("could not post %d events to the live log of guild %s: %s", batch.events,
                            batch.guild_id, exc)

    def channel_name(self, where: Location) -> str:
        def name(channel_id: int) -> str:
            found = self.bot.get_channel(channel_id)
            return f"#{found.name}" if found is not None and hasattr(found, "name") else f"#{channel_id}"
        if where.thread_id is None:
            return name(where.channel_id)
        return f"{name(where.channel_id)} › {name(where.thread_id).lstrip('#')}"

    def render(self, batch: LiveBatch) -> tuple[discord.Embed, list[discord.File]]:
        """An embed when the events are few and short, else a summary with the events attached as text."""
        embed = discord.Embed(title="Live log", colour=COLOUR)
        files: list[discord.File] = []
        stamp = now_ms()
        if fits_embed(batch):
            embed.description = "\n".join(embed_line(e, batch.guild_id) for e in batch.entries)
        elif batch.entries:
            embed.description = f"{summary_line(LiveBatch(batch.guild_id, batch.channel_id, batch.entries))}: " \
                                "the details are attached."
            files.append(self._file([file_line(e, self.channel_name) for e in batch.entries],
                                    f"live-log-{stamp}.txt"))
        bulk = batch.bulk
        if len(bulk) > MAX_FILES - len(files):   # more bulk deletions than files allowed: merge the rest
            keep = MAX_FILES - len(files) - 1
            bulk = [*bulk[:keep], [e for b in bulk[keep:] for e in b]]
        for i, deleted in enumerate(bulk, 1):
            where = deleted[0].location
            place = f"<#{where.where}>" if where is not None else "a channel"
            line = f"🗑️ **bulk deletion** of {len(deleted)} message{'s' if len(deleted) != 1 else ''} in {place}" \
                   " (attached)"
            embed.description = clip(f"{embed.description}\n{line}" if embed.description else line, 4000)
            files.append(self._file([file_line(e, self.channel_name) for e in deleted],
                                    f"bulk-delete-{stamp}-{i}.txt"))
        return embed, files

    @staticmethod
    def _file(lines: list[str], filename: str) -> discord.File:
        return discord.File(io.BytesIO(("\n\n".join(lines) + "\n").encode("utf-8")), filename=filename)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(LiveLogPoster(bot))
