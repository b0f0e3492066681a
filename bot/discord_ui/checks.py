"""Runtime permission checks for slash commands (the truth behind `default_permissions`).

The log, the reports and the settings concern the whole server, so they are gated on the permissions a
member holds server-wide (roles, ownership, Administrator), never on `interaction.permissions`, which a
channel overwrite can raise: Manage Messages granted in one channel must not open every channel's log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

T = TypeVar("T")

MODERATORS_ONLY = "This command is for moderators (Manage Messages or Manage Server)."
SERVER_WIDE_ONLY = ("This command reads the whole server's log, so it needs Manage Messages or Manage Server "
                    "for the whole server, not only in this channel.")
ADMINS_ONLY = "This command needs the Manage Server permission."


def is_moderator(permissions: discord.Permissions) -> bool:
    return permissions.administrator or permissions.manage_guild or permissions.manage_messages


def is_admin(permissions: discord.Permissions) -> bool:
    return permissions.administrator or permissions.manage_guild


def server_permissions(interaction: discord.Interaction) -> discord.Permissions:
    """What the member may do server-wide, from the guild's roles (none when the guild is not cached)."""
    member = interaction.user
    if not isinstance(member, discord.Member) or interaction.guild is None:
        return discord.Permissions.none()
    return member.guild_permissions


def moderators_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if is_moderator(server_permissions(interaction)):
            return True
        if is_moderator(interaction.permissions):   # a moderator of this channel only
            raise app_commands.CheckFailure(SERVER_WIDE_ONLY)
        raise app_commands.CheckFailure(MODERATORS_ONLY)
    return app_commands.check(predicate)


def admins_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not is_admin(server_permissions(interaction)):
            raise app_commands.CheckFailure(ADMINS_ONLY)
        return True
    return app_commands.check(predicate)
