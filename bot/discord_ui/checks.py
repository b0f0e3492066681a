"""Runtime permission checks for slash commands (the truth behind `default_permissions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.discord_ui.replies import is_admin, is_moderator

T = TypeVar("T")


def moderators_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not is_moderator(interaction.permissions):
            raise app_commands.CheckFailure("This command is for moderators (Manage Messages or Manage Server).")
        return True
    return app_commands.check(predicate)


def admins_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not is_admin(interaction.permissions):
            raise app_commands.CheckFailure("This command needs the Manage Server permission.")
        return True
    return app_commands.check(predicate)
