"""/logs search and /logs export: the conversation log, for moderators only."""

from __future__ import annotations

import gzip
import io
import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.app.errors import UserFacingError
from bot.discord_ui.checks import moderators_only
from bot.discord_ui.replies import respond
from bot.discord_ui.transformers import PeriodOption, PlaceOption, place_location
from bot.store.location import jump_url
from bot.util.text import clip, escape, one_line, plural

SNIPPET = 160
UPLOAD_LIMIT = 10 * 1024 * 1024   # Discord's limit for a guild without boosts
_FILENAME_UNSAFE = re.compile(r"[^\w.-]+")   # thread and forum post names are free text


def snippet(text: str) -> str:
    return discord.utils.escape_mentions(escape(clip(one_line(text), SNIPPET)))


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Logs(commands.GroupCog, group_name="logs", group_description="Search and export the conversation log"):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.service = bot.services.log

    @app_commands.command(name="search", description="Search logged messages (moderators only)")
    @app_commands.describe(query="words to look for", user="only this member",
                           channel="only this channel (with its threads), forum, thread or forum post",
                           since="how far back, e.g. 24h, 7d, 30d")
    @moderators_only()
    async def search(self, interaction: discord.Interaction, query: str, user: discord.User | None = None,
                     channel: PlaceOption | None = None, since: PeriodOption | None = None) -> None:
        assert interaction.guild_id is not None
        place = place_location(channel) if channel else None
        hits = await self.service.search(interaction.guild_id, query, author_id=user.id if user else None,
                                         channel_id=place.channel_id if place else None,
                                         thread_id=place.thread_id if place else None,
                                         since=since.start() if since else None)
        if not hits:
            await respond(interaction, "No logged message matches that search.")
            return
        embed = discord.Embed(title=f"Log search: {query[:200]}", colour=discord.Colour.dark_grey())
        lines = []
        for hit in hits:
            where = hit.thread_id or hit.channel_id
            name = discord.utils.escape_markdown(hit.author_name or str(hit.author_id))
            gone = " (deleted)" if hit.deleted else ""
            lines.append(f"**{name}** in <#{where}> <t:{hit.created_at // 1000}:R>{gone} "
                         f"[jump]({jump_url(hit.guild_id, where, hit.message_id)})\n{snippet(hit.content)}")
        embed.description = "\n\n".join(lines)[:4000]
        await respond(interaction, embed=embed)

    @app_commands.command(name="export", description="Export a channel's log as a file (moderators only)")
    @app_commands.describe(channel="channel (with its threads), forum, thread or forum post to export",
                           since="how far back, e.g. 7d (default: everything)",
                           format="jsonl (default) or csv")
    @moderators_only()
    async def export(self, interaction: discord.Interaction, channel: PlaceOption,
                     since: PeriodOption | None = None, format: Literal["jsonl", "csv"] = "jsonl") -> None:
        assert interaction.guild_id is not None
        start = since.start() if since else None
        where = place_location(channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        buffer = io.StringIO()
        count = await self.service.export(interaction.guild_id, buffer, channel_id=where.channel_id,
                                          thread_id=where.thread_id, since=start, fmt=format)
        data, name = buffer.getvalue().encode("utf-8"), f"log-{_FILENAME_UNSAFE.sub('-', channel.name)}.{format}"
        limit = getattr(interaction.guild, "filesize_limit", UPLOAD_LIMIT)
        if len(data) > limit:   # logs compress well; a file Discord refuses would only end in an error
            data, name = await self.bot.services.workers.run_thread(gzip.compress, data), f"{name}.gz"
            if len(data) > limit:
                raise UserFacingError(f"{plural(count, 'message')} make a file too large to upload even compressed "
                                      f"({len(data) / 1_048_576:.0f} MB): use a shorter `since`, or "
                                      "`precis export` where the bot runs.")
        await respond(interaction, f"{plural(count, 'message')} from #{channel.name}.",
                      files=[discord.File(io.BytesIO(data), filename=name)])


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Logs(bot))
