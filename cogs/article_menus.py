"""Message commands on any message: "Summarize links" and "Ask about this article".

Discord hands a message command its target message in full, so both work when the bot runs without the
Message Content intent. Summaries are shown to the member alone, with a button to post them in the
channel; the button's id carries all it needs, so it still works after a restart. Questions are answered
the way /ask answers them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot, error_message
from bot.app.errors import ArticleError, NotAnArticle
from bot.articles.urls import canonicalize, find_links
from bot.discord_ui.channels import location
from bot.discord_ui.render import answer_embed, summary_embed
from bot.discord_ui.replies import NO_PINGS, cooling_down, respond
from bot.questions.service import AskContext
from bot.store import articles as posts
from bot.store.articles import SummaryPost
from bot.util.text import clip
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)

SUMMARIZE = "Summarize links"
ASK = "Ask about this article"
NO_LINKS = "That message has no links to summarise."
NO_ARTICLE = "That message has no article link to ask about."
NOTHING_READABLE = "None of the links in that message is an article I can summarise."
POSTED = "Posted in the channel."


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                  template=r"precis:share:(?P<source>\d+)"):
    """"Post in the channel" under a private summary: posts the summaries it is attached to."""

    def __init__(self, source_message_id: int) -> None:
        super().__init__(discord.ui.Button(label="Post in the channel", style=discord.ButtonStyle.primary,
                                           custom_id=f"precis:share:{source_message_id}"))
        self.source_message_id = source_message_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ShareButton:
        return cls(int(match["source"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("ArticleMenus") if isinstance(interaction.client, commands.Bot) else None
        if not isinstance(cog, ArticleMenus):
            await respond(interaction, "This feature is not available right now.")
            return
        await cog.share(interaction, self.source_message_id)


class AskModal(discord.ui.Modal, title=ASK):
    question: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label="Your question", custom_id="question", max_length=300,
        placeholder="What do you want to know about the article?")

    def __init__(self, cog: ArticleMenus, url: str) -> None:
        super().__init__(timeout=600)
        self.cog, self.url = cog, url

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.answer(interaction, self.url, self.question.value)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        if not isinstance(error, ArticleError):
            log.error("answering from the %r modal failed", ASK, exc_info=error)
        await respond(interaction, error_message(error))


class ArticleMenus(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.menus = [app_commands.ContextMenu(name=SUMMARIZE, callback=self.summarize_menu),
                      app_commands.ContextMenu(name=ASK, callback=self.ask_menu)]
        for menu in self.menus:
            menu.guild_only = True

    async def cog_load(self) -> None:
        for menu in self.menus:
            self.bot.tree.add_command(menu)
        self.bot.add_dynamic_items(ShareButton)

    async def cog_unload(self) -> None:
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)
        self.bot.remove_dynamic_items(ShareButton)

    # -- Summarize links -----------------------------------------------------------------------------

    async def summarize_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        assert interaction.guild_id is not None
        links = find_links(message.content, limit=self.services.settings.max_links_per_message)
        if not links:
            await respond(interaction, NO_LINKS)
            return
        settings = await self.services.guild_settings.get(interaction.guild_id)
        wait = await self.services.budget.cooldown(interaction.guild_id, interaction.user.id, "summarize",
                                                   settings.cooldown_seconds)
        if await cooling_down(interaction, wait, "summarise"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        embeds: list[discord.Embed] = []
        problems: list[str] = []
        for link in links:
            try:
                result = await self.services.summaries.summarize(
                    link, style=settings.summary_style, language=settings.language,
                    guild_id=interaction.guild_id, user_id=interaction.user.id)
            except NotAnArticle:
                continue
            except ArticleError as exc:
                problems.append(f"<{clip(link, 200)}>: {exc.message}")
                continue
            embeds.append(summary_embed(result.article, result.summary, notice=result.notice))
        if not embeds:
            await respond(interaction, "\n".join(problems) or NOTHING_READABLE)
            return
        view = discord.ui.View(timeout=None)
        view.add_item(ShareButton(message.id))
        await interaction.followup.send("\n".join(problems) or discord.utils.MISSING, embeds=embeds, view=view,
                                        ephemeral=True, allowed_mentions=NO_PINGS)

    async def share(self, interaction: discord.Interaction, source_message_id: int) -> None:
        """Post the private summaries the button sits under, once, and remember them for questions."""
        assert interaction.guild_id is not None and interaction.message is not None
        embeds = [e for e in interaction.message.embeds if e.url]
        if not embeds:
            await respond(interaction, "There is nothing to post here.")
            return
        await interaction.response.edit_message(content=POSTED, view=None)
        channel_id, thread_id = location(interaction.channel)
        for i, embed in enumerate(embeds):
            posted = await interaction.followup.send(
                f"Shared by {interaction.user.mention}" if i == 0 else discord.utils.MISSING, embed=embed,
                wait=True, allowed_mentions=NO_PINGS)
            provider = "llm" if (embed.footer.text or "").startswith("AI ") else "extractive"
            await self.services.summaries.record_post(
                SummaryPost(message_id=posted.id, guild_id=interaction.guild_id, channel_id=channel_id,
                            thread_id=thread_id, source_message_id=source_message_id,
                            url=canonicalize(embed.url or ""), created_at=now_ms()),
                requested_by=interaction.user.id, provider=provider)

    # -- Ask about this article -----------------------------------------------------------------------

    async def article_url(self, message: discord.Message) -> str | None:
        """The article a message is about: the summary we posted for or as it, else its first link."""
        post = await posts.post_for_message(self.services.db, message.id)
        if post is not None:
            return post.url
        links = find_links(message.content, limit=1)
        if links:
            return links[0]
        return next((e.url for e in message.embeds if e.url), None)

    async def ask_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        url = await self.article_url(message)
        if url is None:
            await respond(interaction, NO_ARTICLE)
            return
        await interaction.response.send_modal(AskModal(self, url))

    async def answer(self, interaction: discord.Interaction, url: str, question: str) -> None:
        assert interaction.guild_id is not None
        settings = await self.services.guild_settings.get(interaction.guild_id)
        wait = await self.services.budget.cooldown(interaction.guild_id, interaction.user.id, "ask",
                                                   settings.cooldown_seconds)
        if await cooling_down(interaction, wait, "ask"):
            return
        await interaction.response.defer(thinking=True)
        article = await self.services.summaries.article(url)
        channel_id, thread_id = location(interaction.channel)
        context = AskContext(guild_id=interaction.guild_id, channel_id=channel_id, thread_id=thread_id,
                             user_id=interaction.user.id)
        history = await self.services.answers.history(thread_id) if thread_id else []
        result = await self.services.answers.answer(article, question, context=context, history=history,
                                                    language=settings.language)
        await respond(interaction, embed=answer_embed(article, question, result.answer, notice=result.notice),
                      ephemeral=False)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(ArticleMenus(bot))
