"""Flags in Discord: raised off the hot path by the local rules (live, and in order from the log) and by the
moderation endpoint (its own pass, which may lag or stop without holding the rules up), listed in the
moderators' channel. Members' reports of messages are cogs/member_reports.py."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.app.background import Job
from bot.app.client import PrecisBot
from bot.discord_ui.channels import postable
from bot.discord_ui.replies import NO_PINGS
from bot.moderation.endpoint_scan import EndpointFlagger
from bot.moderation.flagger import Flagger
from bot.store.moderation import Flag

log = logging.getLogger(__name__)

FLAG_INTERVAL = 5.0
FLAGS_PER_POST = 15
WARNING_COLOUR = discord.Colour.orange()


def flag_line(flag: Flag) -> str:
    # <#thread> shows the thread's name, and the jump link opens the message inside the thread.
    return (f"`{flag.category}` ({flag.provider}, {flag.score:.2f}) by <@{flag.author_id}> in "
            f"<#{flag.location.where}> [jump]({flag.jump_url})")


class Moderation(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        services = bot.services
        self.endpoint = services.moderation
        self.flagger = Flagger(services.db, services.guild_settings.get, on_flags=self.post_flags, shards=bot.owned,
                               workers=services.workers)
        self.endpoint_flagger = EndpointFlagger(services.db, services.guild_settings.get, self.endpoint,
                                                on_flags=self.post_flags, shards=bot.owned)
        self.jobs: list[Job] = []

    async def cog_load(self) -> None:
        self.bot.services.log.add_observer(self.flagger.observe)
        background = self.bot.background
        self.jobs = [background.periodic("flagger", self.flagger.run, every=FLAG_INTERVAL),
                     background.periodic("flagger-live", self.flagger.run_live, every=0.0)]
        if self.endpoint.client is not None:
            self.jobs.append(background.periodic("flagger-endpoint", self.endpoint_flagger.run, every=FLAG_INTERVAL))
            background.once("moderation-endpoint-check", self.endpoint.probe)

    async def cog_unload(self) -> None:
        self.bot.services.log.remove_observer(self.flagger.observe)
        for job in self.jobs:
            await job.stop()

    async def post_flags(self, flags: list[Flag]) -> None:
        """New flags, listed in the moderators' channel when one is set (flags never touch the message)."""
        by_guild: dict[int, list[Flag]] = {}
        for flag in flags:
            by_guild.setdefault(flag.guild_id, []).append(flag)
        for guild_id, found in by_guild.items():
            settings = await self.bot.services.guild_settings.get(guild_id)
            channel = postable(self.bot, settings.mod_channel_id)
            if channel is None:
                continue
            lines = [flag_line(f) for f in found[:FLAGS_PER_POST]]
            if len(found) > FLAGS_PER_POST:
                lines.append(f"…and {len(found) - FLAGS_PER_POST} more (see /modreport)")
            embed = discord.Embed(title="Flagged messages", colour=WARNING_COLOUR, description="\n".join(lines))
            try:
                await channel.send(embed=embed, allowed_mentions=NO_PINGS)
            except discord.HTTPException as exc:
                log.warning("could not post flags to the moderators' channel of %s: %s", guild_id, exc)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Moderation(bot))
