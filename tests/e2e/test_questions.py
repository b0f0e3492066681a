"""Questions about articles through Discord: /ask with and without a URL, replies to a summary, thread
follow-ups, honest abstention, and the LLM path falling back on 429."""

from __future__ import annotations

from typing import Any

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_plugin import BotHarness
from tests.fakes.fake_openai import FakeOpenAI, rate_limited
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)

PAGE = "pages/ledger-council-budget.html"


async def summary_in(h: BotHarness, channel: int, url: str, user: str = "alice") -> dict[str, Any]:
    """The bot's summary of a link posted in `channel`, once it is posted and recorded (replies look it up)."""
    fake = h.fake
    await fake.post(channel, fake.user(user), url)
    posted = await fake.wait_for_message(channel_id=channel, author_id=fake.bot_id)
    await h.settle()
    return posted


async def ask(fake: FakeDiscord, user: str, channel: int, options: dict[str, Any]) -> Any:
    handle = await fake.slash(fake.user(user), channel, "ask", options)
    return await handle.reply()



async def stored_questions(h: BotHarness) -> list[dict[str, Any]]:
    rows = await h.services.db.fetchall("SELECT * FROM questions ORDER BY id")
    return [dict(r) for r in rows]


async def test_ask_with_url_quotes_the_article_verbatim(launch_bot: Any, fake_discord: FakeDiscord,
                                                        article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        reply = await ask(fake_discord, "bob", general, {"question": "How much will the library expansion cost?",
                                                         "url": article_server.url(PAGE)})
        embed = reply.embeds[0]
        assert "$3.8 million" in embed["description"]
        quotes = [line[2:] for line in embed["description"].split("\n") if line.startswith("> ")]
        assert quotes
        article = await h.services.summaries.article(article_server.url(PAGE))
        for quote in quotes:
            assert quote in " ".join(article.text.split())
        assert "Source: [Millbrook council approves" in embed["description"]
        assert not reply.ephemeral
        (row,) = await stored_questions(h)
        assert (row["user_id"], row["answerable"], row["provider"]) == (fake_discord.user("bob"), 1, "extractive")
        assert row["question"] == "How much will the library expansion cost?" and "$3.8 million" in row["answer"]


async def test_ask_without_url_uses_the_latest_summary_here_or_says_how(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general, news = fake_discord.channel("general"), fake_discord.channel("news")
    async with launch_bot() as h:
        nothing = await ask(fake_discord, "bob", news, {"question": "Who was the architect?"})
        assert nothing.ephemeral and nothing.content.startswith("I don't know which article you mean")
        await summary_in(h, general, article_server.url(PAGE))
        reply = await ask(fake_discord, "bob", general, {"question": "Who was the architect?"})
        assert "Lena Marsh" in reply.embeds[0]["description"]


async def test_unanswerable_question_gets_an_honest_abstention(launch_bot: Any, fake_discord: FakeDiscord,
                                                               article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        reply = await ask(fake_discord, "bob", general, {"question": "How much does the library director earn?",
                                                         "url": article_server.url(PAGE)})
        description = reply.embeds[0]["description"]
        assert description.startswith("I couldn't find that in the article.") and "> " not in description
        assert (await stored_questions(h))[0]["answerable"] == 0


async def test_replying_to_a_summary_asks_about_its_article(launch_bot: Any, fake_discord: FakeDiscord,
                                                            article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        summary = await summary_in(h, general, article_server.url(PAGE))
        await fake_discord.post(general, fake_discord.user("bob"), "When does construction begin?",
                                reply_to=int(summary["id"]))
        answer = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id,
                                                     since=summary)
        assert "August" in answer["embeds"][0]["description"]
        hello = await fake_discord.post(general, fake_discord.user("bob"), "hi")   # a reply to a member: no answer
        await fake_discord.post(general, fake_discord.user("alice"), "Did you read it?", reply_to=int(hello["id"]))
        await h.settle()
    assert len([m for m in fake_discord.messages(general) if m["author"]["id"] == str(fake_discord.bot_id)]) == 2


async def test_thread_follow_ups_use_the_conversation_and_ignore_chatter(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, summary_threads=True,
                                                cooldown_seconds=0)
        await fake_discord.post(general, fake_discord.user("alice"), article_server.url(PAGE))
        thread_event = await fake_discord.wait_for_event("thread")
        thread = fake_discord.thread(thread_event.content)
        intro = await fake_discord.wait_for_message(channel_id=thread, author_id=fake_discord.bot_id)
        await fake_discord.post(thread, fake_discord.user("bob"), "this library is lovely")   # chatter: silence
        await fake_discord.post(thread, fake_discord.user("bob"), "Who left the library a bequest?")
        first = await fake_discord.wait_for_message(channel_id=thread, author_id=fake_discord.bot_id,
                                                    since=intro)
        assert "Harold Pim" in first["embeds"][0]["description"]
        await fake_discord.post(thread, fake_discord.user("bob"), "and how old was he?")
        second = await fake_discord.wait_for_message(channel_id=thread, author_id=fake_discord.bot_id,
                                                     since=first)
        assert "94" in second["embeds"][0]["description"]
        questions = await stored_questions(h)
        assert [q["thread_id"] for q in questions] == [thread, thread]
    bot_in_thread = [m for m in fake_discord.messages(thread) if m["author"]["id"] == str(fake_discord.bot_id)]
    assert len(bot_in_thread) == 3     # the intro and two answers; the chatter got none


async def test_llm_answer_falls_back_to_extractive_on_429(launch_bot: Any, fake_discord: FakeDiscord,
                                                          article_server: ArticleServer,
                                                          fake_openai: FakeOpenAI) -> None:
    general = fake_discord.channel("general")
    async with launch_bot(openai_base_url=fake_openai.base_url, openai_api_key="k", llm_model="fake-model") as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, cooldown_seconds=0)
        url = article_server.url(PAGE)
        grounded = await ask(fake_discord, "bob", general, {"question": "Who is the library director?", "url": url})
        assert "AI answer (fake-model)" in grounded.embeds[0]["footer"]["text"]
        fake_openai.script(rate_limited(0.01), rate_limited(0.01), rate_limited(0.01))
        fallback = await ask(fake_discord, "bob", general, {"question": "How many spaces will be removed?",
                                                            "url": url})
        footer = fallback.embeds[0]["footer"]["text"]
        assert "built-in answer" in footer and "rate limited" in footer
        assert "eleven" in fallback.embeds[0]["description"]
        providers = [q["provider"] for q in await stored_questions(h)]
        assert providers == ["llm", "extractive"]
