"""Moderation in Discord: flags raised off the hot path, and members reporting messages to moderators."""

from __future__ import annotations

import contextlib
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.replies import NO_PINGS, respond
from bot.llm.moderation import ModerationClient
from bot.moderation import member_reports
from bot.moderation.flagger import Flagger
from bot.moderation.member_reports import MAX_REASON_CHARS, ReportOutcome
from bot.store.moderation import Flag
from bot.util.text import clip
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)

NOT_SET_UP = "Reporting isn't set up on this server yet (no moderators' channel). Please contact a moderator."
THANKS = "Thank you: the moderators have your report."
FLAG_INTERVAL = 5.0
WARNING_COLOUR = discord.Colour.orange()


class ReasonModal(discord.ui.Modal, title="Report to moderators"):
    reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
        label="What is wrong with this message?", custom_id="reason", style=discord.TextStyle.paragraph,
        required=False,
        max_length=MAX_REASON_CHARS, placeholder="Optional, but it helps the moderators.")

    def __init__(self, cog: Moderation, message: discord.Message) -> None:
        super().__init__(timeout=600)
        self.cog, self.message = cog, message

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.file_report(interaction, self.message, self.reason.value)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        log.error("member report failed", exc_info=error)
        await respond(interaction, "Sorry, I couldn't file that report. Please tell a moderator directly.")


def report_embed(message: discord.Message, outcome: ReportOutcome, snapshot: str | None) -> discord.Embed:
    assert outcome.report is not None
    embed = discord.Embed(title="Member report", colour=WARNING_COLOUR, url=message.jump_url,
                          description=clip(snapshot, 1500) if snapshot else "*(the author's content is private)*")
    embed.add_field(name="Author", value=f"<@{message.author.id}>")
    embed.add_field(name="Channel", value=f"<#{message.channel.id}>")
    embed.add_field(name="Reported by", value=f"{outcome.reporters} member{'s' if outcome.reporters != 1 else ''}")
    embed.add_field(name="Message", value=f"[jump]({message.jump_url})", inline=False)
    embed.set_footer(text=f"report #{outcome.report.id}")
    return embed


class Moderation(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        services = bot.services
        client = services.llm_client
        self.flagger = Flagger(services.db, services.guild_settings.get,
                               moderation=ModerationClient(client) if client is not None else None,
                               on_flags=self.post_flags, workers=services.workers)
        self.menu = app_commands.ContextMenu(name="Report to moderators", callback=self.report_menu)
        self.menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)
        self.flag_job = self.bot.background.periodic("flagger", self.flagger.run, every=FLAG_INTERVAL)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
        await self.flag_job.stop()

    async def mod_channel(self, guild_id: int) -> discord.abc.Messageable | None:
        settings = await self.bot.services.guild_settings.get(guild_id)
        channel = self.bot.get_channel(settings.mod_channel_id) if settings.mod_channel_id else None
        return channel if isinstance(channel, discord.TextChannel | discord.Thread) else None

    async def post_flags(self, flags: list[Flag]) -> None:
        """New flags, listed in the moderators' channel when one is set (flags never touch the message)."""
        by_guild: dict[int, list[Flag]] = {}
        for flag in flags:
            by_guild.setdefault(flag.guild_id, []).append(flag)
        for guild_id, found in by_guild.items():
            channel = await self.mod_channel(guild_id)
            if channel is None:
                continue
            lines = [f"`{f.category}` ({f.provider}, {f.score:.2f}) by <@{f.author_id}> in <#{f.channel_id}> "
                     f"[jump]({f.jump_url})" for f in found[:15]]
            if len(found) > 15:
                lines.append(f"…and {len(found) - 15} more (see /modreport)")
            embed = discord.Embed(title="Flagged messages", colour=WARNING_COLOUR, description="\n".join(lines))
            try:
                await channel.send(embed=embed, allowed_mentions=NO_PINGS)
            except discord.HTTPException as exc:
                log.warning("could not post flags to the moderators' channel of %s: %s", guild_id, exc)

    # -- member reports ------------------------------------------------------------------------

    async def report_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        assert interaction.guild_id is not None
        if await self.mod_channel(interaction.guild_id) is None:
            await respond(interaction, NOT_SET_UP)
            return
        await interaction.response.send_modal(ReasonModal(self, message))

    async def file_report(self, interaction: discord.Interaction, message: discord.Message, reason: str) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        private = self.bot.services.log.is_opted_out(guild_id, message.author.id)
        snapshot = None if private else (message.content or None)
        outcome = await member_reports.report_message(
            self.bot.services.db, guild_id=guild_id, channel_id=message.channel.id, message_id=message.id,
            author_id=message.author.id, content_snapshot=snapshot, reporter_id=interaction.user.id,
            reason=reason, now=now_ms())
        if outcome.kind == "rate_limited":
            when = f"<t:{(outcome.retry_at or now_ms()) // 1000}:R>"
            await respond(interaction, f"You've sent several reports in a short time; you can report again {when}.")
            return
        await respond(interaction, THANKS)
        if outcome.report is None or not (outcome.post_new or outcome.edit_existing):
            return
        await self._notify_moderators(guild_id, message, outcome, snapshot)

    async def _notify_moderators(self, guild_id: int, message: discord.Message, outcome: ReportOutcome,
                                 snapshot: str | None) -> None:
        assert outcome.report is not None
        channel = await self.mod_channel(guild_id)
        if channel is None:
            return
        embed = report_embed(message, outcome, snapshot)
        try:
            if outcome.edit_existing and outcome.report.mod_message_id:
                with contextlib.suppress(discord.NotFound):
                    posted = await channel.fetch_message(outcome.report.mod_message_id)
                    await posted.edit(embed=embed, allowed_mentions=NO_PINGS)
                    return
            sent = await channel.send(embed=embed, allowed_mentions=NO_PINGS)
            await member_reports.set_mod_message(self.bot.services.db, outcome.report.id, sent.id)
        except discord.HTTPException as exc:
            log.warning("could not post report #%s to the moderators' channel: %s", outcome.report.id, exc)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Moderation(bot))
