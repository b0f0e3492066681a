"""Article summaries through Discord: auto mode, single fetch, reaction mode, /summarize, refusals,
question threads, and the LLM path over the fake OpenAI server (including its 429 and 500)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.article_server import ArticleServer
from tests.fakes.fake_openai import FakeOpenAI, rate_limited, server_error
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)
from tests.helpers.wait import until

PAGE = "pages/ledger-council-budget.html"
CHAT = "/v1/chat/completions"


def from_bot(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m["author"]["id"] == str(fake.bot_id)]


async def test_same_link_posted_by_five_members_at_once_is_fetched_once(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    url = article_server.url(PAGE)
    async with launch_bot():
        posters = ["alice", "bob", "mona", "olivia", "alice"]
        await asyncio.gather(*(fake_discord.post(general, fake_discord.user(p), f"see {url}?utm_source=x{i}")
                               for i, p in enumerate(posters)))
        await fake_discord.wait_for_messages(5, channel_id=general, author_id=fake_discord.bot_id, timeout=15)
        await fake_discord.post(general, fake_discord.user("bob"), f"again {url}#comments")
        await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id, timeout=15)
    assert article_server.hits("/pages/ledger-council-budget.html") == 1
    titles = {m["embeds"][0]["title"] for m in from_bot(fake_discord, general)}
    assert len(titles) == 1


async def test_links_in_code_spoilers_and_angle_brackets_are_ignored(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    url = article_server.url(PAGE)
    async with launch_bot() as h:
        await fake_discord.post(general, fake_discord.user("alice"), f"`{url}` ||{url}|| <{url}>\n```\n{url}\n```")
        await fake_discord.post(general, fake_discord.user("alice"), "just chatting, no links")
        await h.settle()
    assert article_server.hits("/pages/") == 0 and from_bot(fake_discord, general) == []


async def test_reaction_mode_summarises_only_on_the_newspaper_reaction(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, summary_mode="reaction")
        posted = await fake_discord.post(general, fake_discord.user("alice"), article_server.url(PAGE))
        await fake_discord.react(general, int(posted["id"]), fake_discord.user("bob"), "👍")
        await h.settle()
        assert article_server.hits("/pages/") == 0
        await fake_discord.react(general, int(posted["id"]), fake_discord.user("bob"), "📰")
        reply = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert reply["message_reference"]["message_id"] == posted["id"]
        await fake_discord.react(general, int(posted["id"]), fake_discord.user("mona"), "📰")   # again: no repeat
        await h.settle()
    assert len(from_bot(fake_discord, general)) == 1


async def test_refusals_are_short_polite_replies(launch_bot: Any, fake_discord: FakeDiscord,
                                                 article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        teaser_url = article_server.url("pages/paywall-jsonld-teaser.html")
        await fake_discord.post(general, fake_discord.user("alice"), teaser_url)
        teaser = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert teaser["content"] == "I could only read a teaser of this article (paywall?)."
        await fake_discord.post(general, fake_discord.user("alice"), article_server.url("status/404"))
        missing = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id,
                                                      since=teaser)
        assert missing["content"].startswith("The site answered 404")
        await fake_discord.post(general, fake_discord.user("alice"), "look http://10.0.0.7/admin and photo "
                                f"{article_server.url('img/cat.png')} and http://[::ffff:127.0.0.2]:{article_server.port}/")
        private = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id,
                                                      since=missing)
        assert private["content"] == "That address is not public, so I won't fetch it."
        await h.settle()
    assert [m["content"] for m in from_bot(fake_discord, general)][2:] == [
        "That address is not public, so I won't fetch it.", "That address is not public, so I won't fetch it."]
    assert article_server.hits("/img/") == 0


async def test_summarize_command_public_and_cooldown(launch_bot: Any, fake_discord: FakeDiscord,
                                                     article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot():
        handle = await fake_discord.slash(fake_discord.user("bob"), general, "summarize",
                                          {"url": article_server.url(PAGE), "public": True, "style": "detailed"})
        reply = await handle.reply()
        assert not reply.ephemeral and len(reply.embeds[0]["description"].split("\n• ")) == 7   # TL;DR + 6 points
        again = await fake_discord.slash(fake_discord.user("bob"), general, "summarize",
                                         {"url": article_server.url(PAGE)})
        cooldown = await again.reply()
        assert cooldown.ephemeral and cooldown.content.startswith("You can summarise again in")
        bad = await fake_discord.slash(fake_discord.user("alice"), general, "summarize", {"url": "ftp://example.com/x"})
        refused = await bad.reply()
        assert refused.ephemeral and refused.content == "I only read http and https links."


async def test_summary_thread_is_opened_when_configured(launch_bot: Any, fake_discord: FakeDiscord,
                                                        article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, summary_threads=True)
        await fake_discord.post(general, fake_discord.user("alice"), article_server.url(PAGE))
        event = await fake_discord.wait_for_event("thread")
        assert event.content.startswith("Q&A: ")


async def test_llm_summary_and_fallback_on_429_and_500(launch_bot: Any, fake_discord: FakeDiscord,
                                                       article_server: ArticleServer,
                                                       fake_openai: FakeOpenAI) -> None:
    general = fake_discord.channel("general")
    async with launch_bot(openai_base_url=fake_openai.base_url, openai_api_key="test-key", llm_model="fake-model"):
        await fake_discord.post(general, fake_discord.user("alice"), article_server.url(PAGE))
        first = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert "AI summary (fake-model)" in first["embeds"][0]["footer"]["text"]
        assert len(fake_openai.calls(CHAT)) == 1

        fake_openai.script(rate_limited(0.01), rate_limited(0.01), rate_limited(0.01))   # all retries used up
        await fake_discord.post(general, fake_discord.user("bob"), article_server.url("pages/metro-bike-counters.html"))
        limited = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id,
                                                      since=first)
        footer = limited["embeds"][0]["footer"]["text"]
        assert "built-in extractive summary" in footer and "rate limited" in footer

        fake_openai.script(server_error(500, retry_after=0.01), server_error(500, retry_after=0.01),
                           server_error(500, retry_after=0.01))
        await fake_discord.post(general, fake_discord.user("bob"), article_server.url("pages/valley-orchard-coop.html"))
        failed = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id,
                                                     since=limited)
        assert "built-in extractive summary" in failed["embeds"][0]["footer"]["text"]
        await until(lambda: not fake_openai.pending, what="the scripted failures to be used")
