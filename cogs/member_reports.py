"""Members reporting messages to the moderators ("Report to moderators" in a message's menu, with a reason),
and the moderators' post of each report: its reasons, and Resolve / Dismiss / Open the message buttons.

The buttons are a persistent view: no timeout and fixed custom_ids, registered with `bot.add_view` when the
cog loads, so a click works on a post made before a restart; the post itself names its report (the report
is looked up by the post's message id), so one registered view serves every post.
"""

from __future__ import annotations

import contextlib
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.channels import location, postable
from bot.discord_ui.checks import is_moderator
from bot.discord_ui.replies import NO_PINGS, respond
from bot.moderation import member_reports
from bot.moderation.member_reports import MAX_REASON_CHARS, MemberReport, ReportOutcome, Resolution
from bot.store import names
from bot.util.text import clip, escape
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)

NOT_SET_UP = "Reporting isn't set up on this server yet (no moderators' channel). Please contact a moderator."
THANKS = "Thank you: the moderators have your report."
ONLY_MODERATORS = "Only moderators (Manage Messages or Manage Server) can close reports."
RESOLVE_ID, DISMISS_ID = "precis:report:resolve", "precis:report:dismiss"
FOOTER = re.compile(r"report #(\d+)")
COLOURS = {None: discord.Colour.orange(), "resolved": discord.Colour.green(), "dismissed": discord.Colour.light_grey()}


class ReasonModal(discord.ui.Modal, title="Report to moderators"):
    reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
        label="What is wrong with this message?", custom_id="reason", style=discord.TextStyle.paragraph,
        required=False,
        max_length=MAX_REASON_CHARS, placeholder="Optional, but it helps the moderators.")

    def __init__(self, cog: MemberReports, message: discord.Message) -> None:
        super().__init__(timeout=600)
        self.cog, self.message = cog, message

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.file_report(interaction, self.message, self.reason.value)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        log.error("member report failed", exc_info=error)
        await respond(interaction, "Sorry, I couldn't file that report. Please tell a moderator directly.")


class ReportButtons(discord.ui.View):
    """Resolve and Dismiss (persistent), and a link that opens the reported message."""

    def __init__(self, cog: MemberReports, jump_url: str | None = None) -> None:
        super().__init__(timeout=None)
        self.cog = cog
        if jump_url is not None:
            self.add_item(discord.ui.Button(label="Open the message", url=jump_url))

    @discord.ui.button(label="Resolve", style=discord.ButtonStyle.success, custom_id=RESOLVE_ID)
    async def resolve(self, interaction: discord.Interaction, button: discord.ui.Button[ReportButtons]) -> None:
        await self.cog.close_from_button(interaction, "resolved")

    @discord.ui.button(label="Dismiss", style=discord.ButtonStyle.secondary, custom_id=DISMISS_ID)
    async def dismiss(self, interaction: discord.Interaction, button: discord.ui.Button[ReportButtons]) -> None:
        await self.cog.close_from_button(interaction, "dismissed")


def link_only(jump_url: str) -> discord.ui.View:
    """A closed report keeps only the link to its message."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Open the message", url=jump_url))
    return view


def _reason_lines(report: MemberReport) -> str:
    lines = [f"<@{r.reporter_id}>: {escape(clip(r.reason, 200)) if r.reason else '*(no reason given)*'}"
             for r in report.reasons]
    return clip("\n".join(lines), 1024) or "*(no reason given)*"


def report_embed(report: MemberReport, *, deleted: bool = False) -> discord.Embed:
    """The moderators' post of a report, rebuilt from the stored report (so a later session can update it)."""
    snapshot = clip(report.content, 1500) if report.content else "*(the author's content is private)*"
    if deleted:
        snapshot += "\n-# The message was deleted since; this is the text as it was reported."
    embed = discord.Embed(title=f"Member report #{report.id}", colour=COLOURS[report.resolution],
                          url=report.jump_url, description=snapshot)
    embed.add_field(name="Author", value=f"<@{report.author_id}>")
    embed.add_field(name="Channel", value=f"<#{report.location.where}>")
    embed.add_field(name="Reported by", value=f"{report.reporters} member{'s' if report.reporters != 1 else ''}")
    embed.add_field(name="Reasons", value=_reason_lines(report), inline=False)
    if report.resolution is not None and report.resolved_at is not None:
        who = f" by <@{report.resolved_by}>" if report.resolved_by else ""
        embed.add_field(name="Status", inline=False,
                        value=f"{report.resolution.capitalize()}{who} <t:{report.resolved_at // 1000}:f>")
    else:
        embed.add_field(name="Status", value="Open", inline=False)
    embed.set_footer(text=f"report #{report.id}")
    return embed


class MemberReports(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.menu = app_commands.ContextMenu(name="Report to moderators", callback=self.report_menu)
        self.menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)
        self.bot.add_view(ReportButtons(self))   # clicks on posts of earlier sessions land here

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def mod_channel(self, guild_id: int) -> discord.TextChannel | discord.Thread | None:
        settings = await self.bot.services.guild_settings.get(guild_id)
        return postable(self.bot, settings.mod_channel_id)

    # -- filing --------------------------------------------------------------------------------

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
            self.db, guild_id=guild_id, location=location(message.channel), message_id=message.id,
            author_id=message.author.id, content_snapshot=snapshot, reporter_id=interaction.user.id,
            reason=reason, now=now_ms())
        if outcome.kind == "rate_limited":
            when = f"<t:{(outcome.retry_at or now_ms()) // 1000}:R>"
            await respond(interaction, f"You've sent several reports in a short time; you can report again {when}.")
            return
        await respond(interaction, THANKS)
        await names.save(self.db, guild_id, [(interaction.user.id, "member", interaction.user.display_name),
                                             (message.author.id, "member", message.author.display_name)], now_ms())
        if outcome.report is None or not (outcome.post_new or outcome.edit_existing):
            return
        self.bot.services.live_log.note_report(outcome.report, "filed", None)
        await self._notify_moderators(guild_id, outcome)

    async def _notify_moderators(self, guild_id: int, outcome: ReportOutcome) -> None:
        report = outcome.report
        assert report is not None
        channel = await self.mod_channel(guild_id)
        if channel is None:
            return
        embed, view = report_embed(report), ReportButtons(self, report.jump_url)
        try:
            if outcome.edit_existing and report.mod_message_id:
                with contextlib.suppress(discord.NotFound):
                    posted = await channel.fetch_message(report.mod_message_id)
                    await posted.edit(embed=embed, view=view, allowed_mentions=NO_PINGS)
                    return
            sent = await channel.send(embed=embed, view=view, allowed_mentions=NO_PINGS)
            await member_reports.set_mod_message(self.db, report.id, sent.id)
        except discord.HTTPException as exc:
            log.warning("could not post report #%s to the moderators' channel: %s", report.id, exc)

    # -- closing -------------------------------------------------------------------------------

    async def _from_footer(self, post: discord.Message) -> MemberReport | None:
        """The report a post names in its footer: for a click that beats the storing of the post's id."""
        footer = post.embeds[0].footer.text if post.embeds and post.embeds[0].footer else None
        found = FOOTER.fullmatch(footer or "")
        return await member_reports.get_report(self.db, int(found.group(1))) if found else None

    async def close_from_button(self, interaction: discord.Interaction, resolution: Resolution) -> None:
        guild_id, post = interaction.guild_id, interaction.message
        if guild_id is None or post is None:
            return
        if not is_moderator(interaction.permissions):
            await respond(interaction, ONLY_MODERATORS)
            return
        report = await member_reports.report_for_post(self.db, post.id) or await self._from_footer(post)
        if report is None or report.guild_id != guild_id:
            await respond(interaction, "I no longer know this report.")
            return
        closed = await member_reports.close_report(self.db, guild_id, report.id, resolution=resolution,
                                                   resolved_by=interaction.user.id, now=now_ms())
        current = closed or await member_reports.get_report(self.db, report.id) or report
        deleted = await member_reports.is_deleted(self.db, report.message_id)
        view = link_only(current.jump_url) if current.status != "open" else ReportButtons(self, current.jump_url)
        await interaction.response.edit_message(embed=report_embed(current, deleted=deleted), view=view)
        if closed is None:   # someone closed it first: the post now shows who
            await respond(interaction, f"This report was already {current.resolution or 'closed'}.")
            return
        await names.save(self.db, guild_id, [(interaction.user.id, "member", interaction.user.display_name)],
                         now_ms())
        self.bot.services.live_log.note_report(closed, resolution, interaction.user.id)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(MemberReports(bot))

