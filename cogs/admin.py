"""Owner tools and /about: syncing commands on request, never on every start."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.replies import NO_PINGS, respond

log = logging.getLogger(__name__)


class Admin(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    @commands.guild_only()
    async def sync(self, ctx: commands.Context[PrecisBot], scope: Literal["guild", "global", "clear"] = "guild"
                   ) -> None:
        """@Precis sync [guild|global|clear] — owner only; Discord rate-limits syncing, so it is manual."""
        assert ctx.guild is not None
        tree = self.bot.tree
        if scope == "global":
            synced = await tree.sync()
        elif scope == "clear":
            tree.clear_commands(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
        else:
            tree.copy_global_to(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
        log.info("synced %d commands (%s) at the owner's request", len(synced), scope)
        await ctx.reply(f"Synced {len(synced)} commands ({scope}).", allowed_mentions=NO_PINGS)

    @app_commands.command(name="about", description="What this bot does and how it is set up here")
    async def about(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        provider = (f"LLM ({services.settings.llm_model})" if services.settings.llm_enabled
                    else "built-in extractive (no API key)")
        lines = [
            "**Precis** summarises links posted here, answers questions about them with quotes "
            "(`/ask`), and keeps a private log for moderators.",
            f"Language provider: {provider}.",
        ]
        if self.bot.failed_cogs:
            lines.append(f"Features not loaded: {', '.join(sorted(self.bot.failed_cogs))}.")
        await respond(interaction, "\n".join(lines), ephemeral=True)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Admin(bot))
