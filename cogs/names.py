"""Names of guilds and channels as the bot sees them, kept in the database so reports read "#general" (and
the CLI's report is headed by the guild's name) without a Discord connection."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.store import names
from bot.store.names import NameKind
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)


def guild_names(guild: discord.Guild) -> list[tuple[int, NameKind, str]]:
    found: list[tuple[int, NameKind, str]] = [(guild.id, "guild", guild.name)]
    found += [(c.id, "channel", c.name) for c in guild.channels]
    return found


class Names(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.db = bot.services.db

    async def remember(self, guild: discord.Guild) -> None:
        await names.save(self.db, guild.id, guild_names(guild), now_ms())

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in list(self.bot.guilds):
            await self.remember(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.remember(guild)

    @commands.Cog.listener()
    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        if before.name != after.name:
            await names.save(self.db, after.id, [(after.id, "guild", after.name)], now_ms())

    @commands.Cog.listener()
    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        await names.save(self.db, channel.guild.id, [(channel.id, "channel", channel.name)], now_ms())

    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
                                      ) -> None:
        if before.name != after.name:
            await names.save(self.db, after.guild.id, [(after.id, "channel", after.name)], now_ms())


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Names(bot))
