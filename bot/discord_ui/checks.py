"""Runtime permission checks for slash commands (the truth behind `default_permissions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


def is_moderator(permissions: discord.Permissions) -> bool:
    return permissions.administrator or permissions.manage_guild or permissions.manage_messages


def is_admin(permissions: discord.Permissions) -> bool:
    return permissions.administrator or permissions.manage_guild


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
