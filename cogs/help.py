"""/help: what the bot does on this server, the commands the caller may use, and how to opt out."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.channels import channel_mentions
from bot.discord_ui.render import COLOUR
from bot.discord_ui.replies import respond
from bot.settings.guild import GuildSettings
from bot.util.text import clip, split_text

FIELD = 1024
_MODES = {
    "auto": "I summarise every article link posted here",
    "reaction": "react with 📰 to a message with a link and I summarise it",
    "off": "automatic summaries are off; ask with `/summarize` or the “Summarize links” message command",
}


def server_lines(s: GuildSettings, *, message_content: bool, llm: bool) -> list[str]:
    """The settings that apply here, in words."""
    mode = _MODES[s.summary_mode]
    if s.summary_mode != "off" and s.summary_channels:
        mode += f" (only in {channel_mentions(s.summary_channels)})"
    if s.summary_mode != "off" and s.summary_excluded_channels:
        mode += f" (never in {channel_mentions(s.summary_excluded_channels)})"
    engine = "a language model, within a daily budget" if llm else "the built-in extractive summariser (no AI service)"
    lines = [f"**Summaries:** {mode}; style {s.summary_style}.",
             f"**Language:** {s.language or 'each article’s own language'}.",
             f"**Summaries and answers by:** {engine}."]
    if s.log_enabled:
        excluded = f" except in {channel_mentions(s.log_excluded_channels)}" if s.log_excluded_channels else ""
        lines.append(f"**Conversation log:** on{excluded}; messages are kept {s.retention_days} days, for "
                     "moderators and for `/catchup`.")
    else:
        lines.append("**Conversation log:** off.")
    if not message_content:
        lines.append("**Note:** I run without Discord’s Message Content permission, so I don’t see links in "
                     "messages by myself (use “Summarize links” on a message) and the log keeps no message text.")
    return lines


AnyCommand = app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu


def usable(command: AnyCommand, permissions: discord.Permissions) -> bool:
    needed = command.default_permissions
    return needed is None or permissions.administrator or needed.is_subset(permissions)


def command_lines(tree: app_commands.CommandTree[PrecisBot], permissions: discord.Permissions) -> list[str]:
    """Every command the caller may use, from the commands the bot registers (so the list never goes stale)."""
    lines: list[str] = []
    menus: list[str] = []
    for command in sorted(tree.get_commands(), key=lambda c: c.name):
        if not usable(command, permissions):
            continue
        if isinstance(command, app_commands.ContextMenu):
            if command.type is discord.AppCommandType.message:
                menus.append(f"“{command.name}”")
        elif isinstance(command, app_commands.Group):
            subs = ", ".join(f"`{c.name}`" for c in command.commands)
            lines.append(f"`/{command.name}` {subs}: {command.description}")
        else:
            lines.append(f"`/{command.name}`: {command.description}")
    if menus:
        lines.append(f"On a message (right-click or long-press → Apps): {', '.join(menus)}")
    return lines


PRIVACY = ("The log keeps what you write here for moderators and for members’ catch-ups. `/privacy optout` "
           "keeps only that you posted, never what you wrote (your words then stay out of `/catchup` and of "
           "moderators’ digests, earlier ones included); `/privacy optin` undoes it; `/privacy forget` deletes "
           "the text the log already holds.")


class Help(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does here and the commands you can use")
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        services = self.bot.services
        settings = await services.guild_settings.get(interaction.guild.id)
        member = interaction.user
        permissions = member.guild_permissions if isinstance(member, discord.Member) else interaction.permissions
        embed = discord.Embed(title=clip(f"Precis on {interaction.guild.name}", 256), colour=COLOUR,
                              description="I summarise articles shared as links, answer questions about them "
                                          "from the article itself, and help you catch up on conversations.")
        here = server_lines(settings, message_content=services.settings.discord_message_content,
                            llm=services.settings.llm_enabled)
        embed.add_field(name="On this server", value=clip("\n".join(here), FIELD), inline=False)
        pieces = split_text("\n".join(command_lines(self.bot.tree, permissions)), FIELD)
        for i, piece in enumerate(pieces[:3]):
            embed.add_field(name="Commands you can use" if i == 0 else "More commands", value=piece, inline=False)
        embed.add_field(name="Your privacy", value=PRIVACY, inline=False)
        await respond(interaction, embed=embed)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Help(bot))
