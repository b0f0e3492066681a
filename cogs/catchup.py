"""/catchup: what the member missed in a channel, thread or forum post, answered only to them.

The member must be able to read the place now (their resolved permissions), and a channel's catch-up
covers only the threads they can read: nothing from a channel or thread hidden from them is ever used.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.catchup.render import embed_parts, empty_text
from bot.catchup.service import log_gap
from bot.catchup.window import MessageLink, Since
from bot.discord_ui.access import Readable, can_read, find_place, in_private_thread, may_read, readable_threads
from bot.discord_ui.channels import location
from bot.discord_ui.render import COLOUR
from bot.discord_ui.replies import cooling_down, respond
from bot.discord_ui.transformers import Place, PlaceOption, SinceOption

log = logging.getLogger(__name__)

NO_ACCESS = "I can only catch you up on channels and threads you can read."


class Catchup(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.service = bot.services.catchup

    @app_commands.command(name="catchup", description="What you missed here: topics, links and questions")
    @app_commands.describe(channel="channel, thread or forum post (default: this one)",
                           since="6h, 2d… or a message link (default: since your last message there)")
    @app_commands.guild_only()
    async def catchup(self, interaction: discord.Interaction, channel: PlaceOption | None = None,
                      since: SinceOption | None = None) -> None:
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        place = await self._place(interaction, channel, since)
        if place is None:
            await respond(interaction, NO_ACCESS)
            return
        where = location(place)
        settings = await self.bot.services.guild_settings.get(guild.id)
        gap = log_gap(settings, where)
        if gap is not None:
            await respond(interaction, gap)
            return
        wait = await self.service.cooldown(guild.id, member.id, settings)
        if await cooling_down(interaction, wait, "catch up"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        window = await self.service.window(guild.id, where, since, member_id=member.id)
        threads: set[int] = set()
        if where.thread_id is None and not isinstance(place, discord.Thread):
            threads = await readable_threads(member, place, await self.service.threads_in(window))
        result = await self.service.catch_up(window, threads=threads, member_id=member.id, settings=settings)
        label = f"#{place.name}"
        empty = empty_text(result, label)
        if empty is not None:
            await respond(interaction, empty)
            return
        parts = embed_parts(result, label)
        embed = discord.Embed(title=parts.title, description=parts.description, colour=COLOUR)
        for name, value in parts.fields:
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=parts.footer)
        await respond(interaction, embed=embed)

    async def _place(self, interaction: discord.Interaction, option: Place | None, since: Since
                     ) -> Readable | None:
        """The channel or thread to catch up on, if the member may read it; None otherwise (one answer for
        "hidden" and "unknown", so the reply reveals nothing)."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        if option is not None:
            if not can_read(option.permissions):          # Discord's word for this member there
                return None
            target = option.id
        elif isinstance(since, MessageLink):
            if since.guild_id != guild.id:
                return None
            target = since.channel_id
        else:
            target = interaction.channel_id or 0
        place = await find_place(guild, target)
        if place is None:
            return None
        if place.id == interaction.channel_id:
            # Discord resolved the member's permissions here (and let them use a command in this very thread).
            return place if can_read(interaction.permissions) else None
        if isinstance(place, discord.Thread) and place.is_private() and place.parent is not None:
            parent = place.parent.permissions_for(member)
            return place if can_read(parent) and in_private_thread(member, place, parent) else None
        return place if may_read(member, place) else None


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Catchup(bot))
