"""Questions about articles: /ask, replies to a summary, and questions in a summary's thread."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.app.errors import ArticleError, UserFacingError
from bot.articles.model import Article
from bot.discord_ui.channels import location
from bot.discord_ui.render import answer_embed
from bot.discord_ui.replies import NO_PINGS, cooling_down, respond
from bot.questions.service import AskContext
from bot.store import articles as posts
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)

NO_ARTICLE = ("I don't know which article you mean. Add its link (`/ask question: … url: …`), "
              "reply to one of my summaries, or ask in a summary's thread.")


class Questions(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def _article_url(self, *, url: str | None, channel: object, reply_to: int | None,
                           window_minutes: int) -> str | None:
        """Which article: explicit URL, then the thread's, then the replied-to summary's, then the latest here."""
        if url:
            return url
        db = self.services.db
        channel_id, thread_id = location(channel)
        if thread_id is not None and (post := await posts.post_for_thread(db, thread_id)):
            return post.url
        if reply_to is not None and (post := await posts.post_for_message(db, reply_to)):
            return post.url
        latest = await posts.latest_post(db, channel_id, now_ms() - window_minutes * 60_000)
        return latest.url if latest else None

    async def _answer(self, article: Article, question: str, *, context: AskContext, language: str | None
                      ) -> discord.Embed:
        history = await self.services.answers.history(context.thread_id) if context.thread_id else []
        result = await self.services.answers.answer(article, question, context=context, history=history,
                                                    language=language)
        return answer_embed(article, question, result.answer, notice=result.notice)

    # -- /ask --------------------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question about an article")
    @app_commands.describe(question="what you want to know", url="the article's link (default: the one discussed here)",
                           language="language code for the answer, e.g. en, es")
    @app_commands.guild_only()
    async def ask(self, interaction: discord.Interaction, question: str, url: str | None = None,
                  language: str | None = None) -> None:
        assert interaction.guild_id is not None
        settings = await self.services.guild_settings.get(interaction.guild_id)
        source = await self._article_url(url=url, channel=interaction.channel, reply_to=None,
                                         window_minutes=settings.ask_window_minutes)
        if source is None:
            await respond(interaction, NO_ARTICLE, ephemeral=True)
            return
        wait = await self.services.budget.cooldown(interaction.guild_id, interaction.user.id, "ask",
                                             settings.cooldown_seconds)
        if await cooling_down(interaction, wait, "ask"):
            return
        await interaction.response.defer(thinking=True)
        article = await self.services.summaries.article(source)
        channel_id, thread_id = location(interaction.channel)
        embed = await self._answer(article, question, language=language or settings.language, context=AskContext(
            guild_id=interaction.guild_id, channel_id=channel_id, thread_id=thread_id, user_id=interaction.user.id))
        await respond(interaction, embed=embed, ephemeral=False)

    # -- replies and thread questions ---------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or not message.content.strip():
            return
        me = self.bot.user
        assert me is not None
        reply_to = message.reference.message_id if message.reference else None
        replied_to_me = (isinstance(message.reference.resolved, discord.Message)
                         and message.reference.resolved.author.id == me.id) if message.reference else False
        mentioned = me in message.mentions
        in_thread = isinstance(message.channel, discord.Thread)
        settings = await self.services.guild_settings.get(message.guild.id)
        db = self.services.db
        url: str | None = None
        if in_thread and (post := await posts.post_for_thread(db, message.channel.id)):
            trigger = settings.thread_trigger.strip()
            asks = mentioned or replied_to_me or bool(trigger and message.content.rstrip().endswith(trigger))
            url = post.url if asks else None
        elif reply_to is not None:
            post = await posts.post_for_message(db, reply_to)   # a reply to one of our summaries
            url = post.url if post and (post.message_id == reply_to) else None
        if url is None:
            return
        question = message.clean_content.replace(f"@{me.display_name}", "").strip()
        if not question:
            return
        wait = await self.services.budget.cooldown(message.guild.id, message.author.id, "ask",
                                                   settings.cooldown_seconds)
        if wait is not None:
            log.info("member %s is on cooldown for questions (%.0f s)", message.author.id, wait)
            return
        channel_id, thread_id = location(message.channel)
        try:
            async with message.channel.typing():
                article = await self.services.summaries.article(url)
                embed = await self._answer(article, question, language=settings.language, context=AskContext(
                    guild_id=message.guild.id, channel_id=channel_id, thread_id=thread_id,
                    user_id=message.author.id))
            await message.reply(embed=embed, mention_author=False, allowed_mentions=NO_PINGS)
        except (ArticleError, UserFacingError) as exc:
            await self._safe_reply(message, exc.message)
        except discord.HTTPException as exc:
            log.warning("could not answer in %s: %s", message.channel.id, exc)
        except Exception:
            log.exception("answering a question in %s failed", message.channel.id)
            await self._safe_reply(message, "Sorry, I couldn't answer that because of a problem on my side.")

    async def _safe_reply(self, message: discord.Message, text: str) -> None:
        try:
            await message.reply(text, mention_author=False, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("could not reply in %s: %s", message.channel.id, exc)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Questions(bot))
