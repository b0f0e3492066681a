"""Article summaries in Discord: links in messages (auto or 📰 reaction), and /summarize."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.app.errors import ArticleError, NotAnArticle
from bot.articles.reader import article_url
from bot.articles.urls import canonicalize, find_links
from bot.discord_ui.channels import location
from bot.discord_ui.render import summary_embed, summary_text
from bot.discord_ui.replies import NO_PINGS, cooling_down
from bot.settings.guild import GuildSettings
from bot.store.articles import SummaryPost
from bot.summaries.limits import HostBusy, Limited
from bot.summaries.service import SummaryResult
from bot.util.text import clip
from bot.util.timeutil import now_ms, to_ms

log = logging.getLogger(__name__)

REACTION = "📰"
SORRY = "Sorry, I couldn't summarise that link because of a problem on my side."
MEMBER_LIMITED = ("That's a lot of links in a short time: I'll summarise more for {who} in about {minutes} min "
                  "(`/summarize` still works).")
CHANNEL_LIMITED = ("Lots of links here lately: I'm pausing automatic summaries in this channel for about "
                   "{minutes} min (`/summarize` still works).")
Messageable = discord.TextChannel | discord.Thread | discord.VoiceChannel


def channel_allowed(settings: GuildSettings, channel: discord.abc.GuildChannel | discord.Thread) -> bool:
    ids = {channel.id, getattr(channel, "parent_id", None) or channel.id}
    if ids & set(settings.summary_excluded_channels):
        return False
    return not settings.summary_channels or bool(ids & set(settings.summary_channels))


class Summaries(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.service = bot.services.summaries

    # -- links in messages ---------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        links = find_links(message.content, limit=self.services.settings.max_links_per_message)
        if not links:
            return
        await self.service.record_links(message.id, links, guild_id=message.guild.id,
                                        location=location(message.channel), user_id=message.author.id,
                                        created_at=to_ms(message.created_at))
        settings = await self.services.guild_settings.get(message.guild.id)
        if settings.summary_mode == "auto" and channel_allowed(settings, message.channel):  # type: ignore[arg-type]
            await self.summarize_message(message, links, settings, requester_id=message.author.id)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        if payload.guild_id is None or str(payload.emoji) != REACTION or payload.user_id == self.bot.user.id:  # type: ignore[union-attr]
            return
        if payload.member is not None and payload.member.bot:
            return
        settings = await self.services.guild_settings.get(payload.guild_id)
        channel = self.bot.get_channel(payload.channel_id)
        if settings.summary_mode != "reaction" or not isinstance(channel, Messageable):
            return
        if not channel_allowed(settings, channel):
            return
        try:
            message = await channel.fetch_message(payload.message_id)
        except discord.HTTPException as exc:
            log.warning("could not fetch message %s for a %s reaction: %s", payload.message_id, REACTION, exc)
            return
        links = find_links(message.content, limit=self.services.settings.max_links_per_message)
        already = await self.service.posted_for(message.id)
        links = [link for link in links if canonicalize(link) not in already]
        if links:
            await self.summarize_message(message, links, settings, requester_id=payload.user_id)

    async def summarize_message(self, message: discord.Message, links: list[str], settings: GuildSettings, *,
                                requester_id: int) -> None:
        """Summarise the links of a message nobody used a command for (a post, or a 📰 reaction by
        `requester_id`), within the guild's limits per member and per channel."""
        channel = message.channel
        assert message.guild is not None and isinstance(channel, Messageable)
        me = message.guild.me
        perms = channel.permissions_for(me)
        can_send = perms.send_messages_in_threads if isinstance(channel, discord.Thread) else perms.send_messages
        if not can_send:
            log.warning("no permission to send in #%s (%s); not summarising", channel, channel.id)
            return
        host_noted = False
        for link in links:
            try:
                article_url(link)
            except NotAnArticle:
                continue                         # images, videos...: silently not our business, and free
            except ArticleError as exc:
                await self._reply(message, content=exc.message)
                continue
            limited = await self.service.auto_limits.take(
                guild_id=message.guild.id, channel_id=channel.id, user_id=requester_id,
                member_limit=settings.summary_member_limit, channel_limit=settings.summary_channel_limit,
                window_minutes=settings.summary_limit_minutes)
            if limited is not None:
                await self._limited(message, limited, requester_id)
                return                           # the message's other links wait too
            try:
                async with channel.typing():
                    result = await self.service.summarize(
                        link, style=settings.summary_style, language=settings.language,
                        guild_id=message.guild.id, user_id=message.author.id)
            except NotAnArticle:
                continue
            except HostBusy as exc:
                if not host_noted:               # one line per message, however many variants it holds
                    host_noted = True
                    await self._reply(message, content=exc.message)
                continue
            except ArticleError as exc:
                await self._reply(message, content=exc.message)
                continue
            except Exception:
                log.exception("summarising %s failed", link)
                await self._reply(message, content=SORRY)
                continue
            await self._post_summary(message, result, settings, perms.embed_links, perms.create_public_threads)

    async def _limited(self, message: discord.Message, limited: Limited, requester_id: int) -> None:
        log.info("automatic summary in channel %s for member %s skipped: %s limit (%.0f s)", message.channel.id,
                 requester_id, limited.scope, limited.retry_after)
        if not limited.notify:
            return                               # said once this window; a line per link would be a flood
        if limited.scope == "member":
            who = "you" if requester_id == message.author.id else f"<@{requester_id}>"
            text = MEMBER_LIMITED.format(who=who, minutes=limited.minutes)
        else:
            text = CHANNEL_LIMITED.format(minutes=limited.minutes)
        await self._reply(message, content=text)

    async def _post_summary(self, message: discord.Message, result: SummaryResult, settings: GuildSettings,
                            can_embed: bool, can_thread: bool) -> None:
        if can_embed:
            reply = await self._reply(message, embed=summary_embed(result.article, result.summary,
                                                                   notice=result.notice))
        else:
            log.info("no Embed Links permission in %s; sending the summary as text", message.channel.id)
            reply = await self._reply(message, content=summary_text(result.article, result.summary,
                                                                    notice=result.notice))
        if reply is None:
            return
        assert message.guild is not None
        channel_id, thread_id = location(message.channel)
        await self.service.record_post(
            SummaryPost(message_id=reply.id, guild_id=message.guild.id, channel_id=channel_id, thread_id=thread_id,
                        source_message_id=message.id, url=result.article.url, created_at=now_ms()),
            requested_by=message.author.id, provider=result.summary.provider)
        if settings.summary_threads and thread_id is None:
            if not can_thread:
                log.info("no Create Public Threads permission in %s; no question thread", message.channel.id)
                return
            try:
                thread = await reply.create_thread(name=clip(f"Q&A: {result.article.title or 'article'}", 100),
                                                   auto_archive_duration=1440)
            except discord.HTTPException as exc:
                log.warning("could not open a question thread: %s", exc)
                return
            await self.service.record_thread(reply.id, thread.id)
            await thread.send("Ask me anything about this article here (end your question with `?`).",
                              allowed_mentions=NO_PINGS)

    async def _reply(self, message: discord.Message, *, content: str | None = None,
                     embed: discord.Embed | None = None) -> discord.Message | None:
        try:
            if embed is not None:
                return await message.reply(content, embed=embed, mention_author=False, allowed_mentions=NO_PINGS)
            return await message.reply(content, mention_author=False, allowed_mentions=NO_PINGS)
        except discord.Forbidden as exc:
            log.warning("Discord refused my reply in %s: %s", message.channel.id, exc)
        except discord.HTTPException as exc:
            log.warning("could not reply in %s: %s", message.channel.id, exc)
        return None

    # -- /summarize ----------------------------------------------------------------------------

    @app_commands.command(name="summarize", description="Summarise an article from a link")
    @app_commands.describe(url="the article's link", style="brief (default), detailed or bullets",
                           language="language code for the summary, e.g. en, es, de",
                           public="show the summary to everyone in the channel (default: only you)")
    @app_commands.guild_only()
    async def summarize(self, interaction: discord.Interaction, url: str,
                        style: Literal["brief", "detailed", "bullets"] | None = None,
                        language: str | None = None, public: bool = False) -> None:
        assert interaction.guild_id is not None
        settings = await self.services.guild_settings.get(interaction.guild_id)
        wait = await self.services.budget.cooldown(interaction.guild_id, interaction.user.id, "summarize",
                                             settings.cooldown_seconds)
        if await cooling_down(interaction, wait, "summarise"):
            return
        links = find_links(url, limit=1) or [url.strip()]
        await interaction.response.defer(ephemeral=not public, thinking=True)
        result = await self.service.summarize(links[0], style=style or settings.summary_style,
                                              language=language or settings.language,
                                              guild_id=interaction.guild_id, user_id=interaction.user.id)
        embed = summary_embed(result.article, result.summary, notice=result.notice)
        message = await interaction.followup.send(embed=embed, ephemeral=not public, wait=True,
                                                  allowed_mentions=NO_PINGS)
        if public:
            channel_id, thread_id = location(interaction.channel)
            await self.service.record_post(
                SummaryPost(message_id=message.id, guild_id=interaction.guild_id, channel_id=channel_id,
                            thread_id=thread_id, source_message_id=None, url=result.article.url,
                            created_at=now_ms()),
                requested_by=interaction.user.id, provider=result.summary.provider)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Summaries(bot))
