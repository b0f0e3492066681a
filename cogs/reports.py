"""/modreport for moderators, and scheduled digests posted to the moderators' channel."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.checks import moderators_only
from bot.discord_ui.render import COLOUR
from bot.discord_ui.replies import NO_PINGS, respond
from bot.discord_ui.transformers import ChannelOption, PeriodOption
from bot.reports.model import OpenReport, Report
from bot.reports.service import RenderedReport
from bot.settings.guild import GuildSettings
from bot.util.text import clip, escape
from bot.util.timeutil import Period

log = logging.getLogger(__name__)

DIGEST_TICK = 300.0   # seconds between checks for due digests
OPEN_REPORTS_SHOWN = 5


def open_report_line(o: OpenReport) -> str:
    """One open report for the embed: where, whose message, and what the reporters said."""
    reasons = "; ".join(f"“{escape(clip(r.reason, 120))}”" for r in o.reasons if r.reason) or "no reason given"
    gone = " (deleted since)" if o.deleted else ""
    return f"#{o.report_id} [message]({o.jump_url}){gone} by <@{o.author_id}> in <#{o.location.where}>: {reasons}"


def headline_embed(report: Report, title: str) -> discord.Embed:
    embed = discord.Embed(title=title, colour=COLOUR)
    embed.add_field(name="Messages", value=f"{report.messages:,}")
    embed.add_field(name="Active members", value=f"{report.active_members:,} ({report.new_participants} new)")
    embed.add_field(name="Edits / deletes", value=f"{report.edits:,} / {report.deletes:,}")
    embed.add_field(name="Links / summaries", value=f"{report.links_shared:,} / {report.summaries:,}")
    embed.add_field(name="Questions", value=f"{report.questions:,} ({report.unanswered:,} unanswered)")
    embed.add_field(name="Flags", value=f"{report.flags_total:,}")
    embed.add_field(name="Member reports", value=f"{len(report.open_reports)} open · "
                    f"{len(report.resolved_reports)} resolved in the period")
    if report.open_reports:
        shown = [open_report_line(o) for o in report.open_reports[:OPEN_REPORTS_SHOWN]]
        if len(report.open_reports) > OPEN_REPORTS_SHOWN:
            shown.append(f"…and {len(report.open_reports) - OPEN_REPORTS_SHOWN} more in the attached report")
        embed.add_field(name="Open member reports", inline=False, value=clip("\n".join(shown), 1024))
    if report.busiest_channels:
        embed.add_field(name="Busiest channels", inline=False, value=clip(" · ".join(
            f"<#{c.channel_id}> {c.messages:,}" for c in report.busiest_channels), 1024))
    digests = [f"<#{d.channel_id}>: {d.text}" for d in report.digests if d.text]
    if digests:
        embed.add_field(name="What was discussed", inline=False, value=clip("\n".join(digests), 1024))
    embed.set_footer(text="Full report attached (Markdown), with the activity chart.")
    return embed


def report_files(rendered: RenderedReport, stem: str) -> list[discord.File]:
    files = [discord.File(io.BytesIO(rendered.markdown.encode("utf-8")), filename=f"{stem}.md")]
    if rendered.png:
        files.append(discord.File(io.BytesIO(rendered.png), filename=f"{stem}.png"))
    return files


class Reports(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.service = bot.services.reports

    async def cog_load(self) -> None:
        self.digest_job = self.bot.background.periodic("digests", self.digests, every=DIGEST_TICK)

    async def cog_unload(self) -> None:
        await self.digest_job.stop()

    @app_commands.command(name="modreport", description="What happened here lately (moderators only)")
    @app_commands.describe(period="how far back, e.g. 24h, 7d or 30d (default 7d)",
                           channel="only this channel or forum (with its threads and posts)",
                           member="only this member")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @moderators_only()
    async def modreport(self, interaction: discord.Interaction, period: PeriodOption | None = None,
                        channel: ChannelOption | None = None, member: discord.User | None = None) -> None:
        assert interaction.guild is not None
        period = period or Period.parse("7d")
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.service.build(interaction.guild.id, since=period.text,
                                          channel_id=channel.id if channel else None,
                                          member_id=member.id if member else None)
        rendered = await self.service.render(report, interaction.guild.name)
        scope = f" in #{channel.name}" if channel else ""
        scope += f" by {member.display_name}" if member else ""
        await respond(interaction, embed=headline_embed(report, f"Moderator report, last {period.text}{scope}"),
                      files=report_files(rendered, f"report-{period.text}"), ephemeral=True)

    async def digests(self) -> None:
        """One scheduler tick: post the digests that are due (a failed one is retried by a later tick)."""
        guilds = [g.id for g in self.bot.guilds if self.bot.owned.owns(g.id)]   # this process's shards only
        results = await self.service.run_digests(guilds, self._post_digest)
        log.debug("digest tick: %d guilds checked, %d digests posted", len(guilds), sum(r.posted for r in results))

    async def _post_digest(self, guild_id: int, settings: GuildSettings, period: str, report: Report) -> int | None:
        channel = self.bot.get_channel(settings.mod_channel_id or 0)
        guild = self.bot.get_guild(guild_id)
        if not isinstance(channel, discord.TextChannel) or guild is None:
            raise RuntimeError(f"guild {guild_id} has no usable moderators' channel for its digest")
        rendered = await self.service.render(report, guild.name)
        message = await channel.send(embed=headline_embed(report, f"{settings.digest.title()} digest {period}"),
                                     files=report_files(rendered, f"digest-{period}"), allowed_mentions=NO_PINGS)
        return message.id


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Reports(bot))
