"""`precis demo`: the real bot against the local Discord stand-in, with a scripted conversation.

Nothing leaves the machine: Discord is the loopback stand-in, the article comes from a local web
server, and the language features run on the built-in extractive provider (no key needed).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.app.client import PrecisBot
from bot.app.config import Settings
from bot.playground.article_server import ArticleServer
from bot.playground.fake_discord import FakeDiscord
from bot.playground.launch import bot_on
from bot.playground.transcript import Transcript

log = logging.getLogger(__name__)

ARTICLE = "harbor-solar.html"
STEP_TIMEOUT = 20.0


class Demo:
    def __init__(self, fake: FakeDiscord, articles: ArticleServer, transcript: Transcript, bot: PrecisBot) -> None:
        self.fake, self.articles, self.transcript, self.bot = fake, articles, transcript, bot

    async def bot_reply(self, channel: str) -> dict[str, Any]:
        return await self.fake.wait_for_message(channel_id=self.fake.channel(channel), author_id=self.fake.bot_id,
                                                timeout=STEP_TIMEOUT)

    async def slash(self, user: str, channel: str, command: str, options: dict[str, Any]) -> None:
        handle = await self.fake.slash(self.fake.user(user), self.fake.channel(channel), command, options)
        await handle.reply(timeout=STEP_TIMEOUT)

    async def play(self) -> None:
        fake, say = self.fake, self.transcript.say
        say("The server owner registers the bot's slash commands (once, like `precis sync`)")
        await fake.post(fake.channel("general"), fake.user("olivia"), f"<@{fake.bot_id}> sync global")
        await self.bot_reply("general")

        say("A member shares a link; the bot replies with a summary")
        await fake.post(fake.channel("general"), fake.user("alice"),
                        f"The council finally approved the ferry lot solar roof! {self.articles.url(ARTICLE)}")
        await self.bot_reply("general")

        say("Members ask about the article with /ask")
        await self.slash("bob", "general", "ask", {"question": "How many solar panels will the canopy have?"})
        await self.slash("alice", "general", "ask", {"question": "who voted against it"})
        say("…and when it can't find the answer in the article, the bot says so instead of guessing")
        await self.slash("olivia", "general", "ask", {"question": "How many parking tickets were issued last year?"})

        say("Alice steps away; the others talk about the ferry and the harbour festival")
        general = fake.channel("general")
        await fake.post(general, fake.user("alice"), "Off to the market, back in an hour!")
        for who, text in (
                ("bob", "The ferry timetable changes on Monday: the early boat at 6:40 is cancelled"),
                ("mona", "Ferry timetable: the harbour office says the first boat now leaves at 7:15"),
                ("olivia", "So commuters lose the early ferry on Monday? That timetable change hurts"),
                ("bob", "Harbour festival volunteers are needed for Saturday's lantern parade"),
                ("mona", "Festival volunteers can sign up at the library desk until Friday"),
                ("olivia", "I'll volunteer for the lantern parade at the harbour festival")):
            await fake.post(general, fake.user(who), text)
        say("Back, Alice asks what she missed with /catchup (only she sees the answer)")
        await self.bot.services.log.writer.flush()
        await self.slash("alice", "general", "catchup", {})

        say("A moderator searches the conversation log (only they see the answer)")
        await self.slash("mona", "general", "logs search", {"query": "solar"})

        say("A moderator asks for a report of the last 24 hours (a Markdown file and a chart come with it)")
        await self.bot.services.log.writer.flush()
        await self.slash("mona", "general", "modreport", {"period": "24h"})


async def run_demo(*, verbose: bool = False, script: Callable[[Demo], Awaitable[None]] | None = None) -> int:
    if not verbose:   # the transcript is the output; the bot's own log only on request
        logging.getLogger().setLevel(logging.ERROR)
        logging.getLogger("discord").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="precis-demo-") as tmp:
        async with FakeDiscord.default_world() as fake:
            transcript = Transcript(channel_name=lambda i: getattr(fake.world.channels.get(i), "name", None),
                                    user_name=lambda i: fake.name_of(i) if i in fake.world.users else None)
            articles = await ArticleServer().start()
            try:
                transcript.bot_names.add("Precis")
                fake.add_listener(transcript)
                settings = Settings(
                    _env_file=None, discord_token=SecretStr(fake.token), database_path=Path(tmp) / "demo.sqlite3",
                    fetch_allow_private=True, openai_api_key=None, openai_base_url=None)
                transcript.say(f"Precis demo: the real bot, a local Discord stand-in, an article at "
                               f"{articles.url(ARTICLE)}")
                await _run(settings, fake, articles, transcript, script or Demo.play)
            finally:
                await articles.close()
            transcript.say("Demo finished. Run it on your own server: see README.md, 'Running it on your server'.")
    return 0


async def _run(settings: Settings, fake: FakeDiscord, articles: ArticleServer, transcript: Transcript,
               script: Callable[[Demo], Awaitable[None]]) -> None:
    async with bot_on(fake, settings, timeout=STEP_TIMEOUT) as (bot, _):
        transcript.say("Precis is online")
        await script(Demo(fake, articles, transcript, bot))
