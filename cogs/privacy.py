"""/privacy: members decide whether the log keeps their words, and can have them deleted."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.replies import respond
from bot.util.text import plural


@app_commands.guild_only()
class Privacy(commands.GroupCog, group_name="privacy", group_description="What this server's log keeps about you"):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.service = bot.services.log

    @app_commands.command(name="optout", description="Keep logging that you posted, but never what you wrote")
    async def optout(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.service.set_opt_out(interaction.guild_id, interaction.user.id, True)
        await respond(interaction, "Done: from now on the log keeps no content of your messages here. "
                                   "Use `/privacy forget` to delete what it already has.")

    @app_commands.command(name="optin", description="Let the log keep your messages' content again")
    async def optin(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.service.set_opt_out(interaction.guild_id, interaction.user.id, False)
        await respond(interaction, "Done: the log keeps your messages' content again.")

    @app_commands.command(name="forget", description="Delete everything the log stored that you wrote here")
    async def forget(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.forget(interaction.guild_id, interaction.user.id)
        await respond(interaction,
                      f"Deleted the stored text of {plural(result.messages, 'message')}, "
                      f"{plural(result.revisions, 'edit revision')} and {plural(result.questions, 'question')}. "
                      "Only counts remain (that you posted, not what).")


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Privacy(bot))
