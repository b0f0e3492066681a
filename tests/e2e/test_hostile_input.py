"""Pages, links and rules written to stall the bot, through Discord: the real bot on the stand-in, pages from
the loopback article server. Nothing may freeze the bot for other guilds, and every case ends in a polite reply."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord
from tests.e2e.test_moderation import moderation_cog
from tests.fakes.article_server import ArticleServer
from tests.fakes.hostile_pages import article_html, article_sentences, shared_stream_pdf
from tests.helpers.wait import until

LONG_NOTE = "This article is very long, so the summary covers only its first part."


def from_bot(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m["author"]["id"] == str(fake.bot_id)]


async def reply_to(fake: FakeDiscord, channel: int, url: str, user: str = "alice") -> dict[str, Any]:
    posted = await fake.post(channel, fake.user(user), url)
    reply: dict[str, Any] = await fake.wait_for_message(channel_id=channel, author_id=fake.bot_id, since=posted)
    return reply


async def test_pages_declaring_non_text_charsets_are_read_by_detection(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    page = article_html(article_sentences(40), title="Harbour works")
    urls = [article_server.add(f"label-{label}", page, content_type=f"text/html; charset={label}")
            for label in ("rot13", "hex", "base64", "uu", "undefined", "punycode")]
    urls.append(article_server.add("meta-punycode", page.replace("<head>", '<head><meta charset="punycode">'),
                                   content_type="text/html"))
    async with launch_bot() as h:
        # Seven links from one member in a few seconds: more than the default limit on automatic summaries.
        await h.services.guild_settings.update(fake_discord.guild_id, None, summary_member_limit=0)
        for url in urls:
            reply = await reply_to(fake_discord, general, url)
            assert reply["embeds"] and reply["embeds"][0]["title"] == "Harbour works", (url, reply["content"])
        await reply_to(fake_discord, general, urls[0], user="bob")     # again: from the cache, not refetched
    assert article_server.hits("/label-rot13") == 1


@pytest.mark.slow
async def test_a_hostile_page_in_one_guild_does_not_delay_a_normal_summary_in_another(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    other = fake_discord.add_community("Harbour Club")
    hostile_channel, normal_channel = fake_discord.channel("general"), fake_discord.channel("general", other)
    # Megabytes of HTML keep a worker busy for seconds; its charset label used to be decoded on the event loop
    # (punycode is quadratic: the run of digits at the end costs tens of seconds there).
    page = article_html(article_sentences(30_000), title="Annual digest").encode()[:4_000_000] + b"\n-" + b"a" * 20_000
    hostile = article_server.add("digest", page, content_type="text/html; charset=punycode")
    normal = article_server.add("ferry", article_html(article_sentences(40), title="Ferry timetable changes"))
    async with launch_bot():
        await fake_discord.post(hostile_channel, fake_discord.user("alice"), hostile)
        await until(lambda: article_server.hits("/digest") == 1, what="the hostile page to be fetched")
        reply = await reply_to(fake_discord, normal_channel, normal, user="bob")
        assert reply["embeds"][0]["title"] == "Ferry timetable changes"
        assert from_bot(fake_discord, hostile_channel) == []      # the hostile page is still being read
        slow = await fake_discord.wait_for_message(channel_id=hostile_channel, author_id=fake_discord.bot_id)
    # It ends politely too: a summary of the first part, or a one-line refusal.
    assert (slow["embeds"] and LONG_NOTE in slow["embeds"][0]["footer"]["text"]) or \
        slow["content"] == "That page took too long to read."


@pytest.mark.slow
async def test_a_pdf_of_pages_sharing_one_huge_stream_ends_within_the_fetch_timeout(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    url = article_server.add("report.pdf", shared_stream_pdf(), content_type="application/pdf")
    async with launch_bot():
        reply = await reply_to(fake_discord, general, url)
    # Partial text (the first page alone holds millions of characters), said to be partial.
    assert reply["embeds"] and LONG_NOTE in reply["embeds"][0]["footer"]["text"]


async def test_a_million_tiny_sentences_get_an_answer(launch_bot: Any, fake_discord: FakeDiscord,
                                                      article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    url = article_server.add("tiny.txt", b"A b. " * 980_000, content_type="text/plain; charset=utf-8")
    async with launch_bot():
        handle = await fake_discord.slash(fake_discord.user("bob"), general, "summarize", {"url": url})
        reply = await handle.reply()
    # Not an article worth the name: one polite line (the sentence splitter used to take hours on it).
    assert not reply.embeds and reply.content and "\n" not in reply.content and "Sorry" not in reply.content


async def test_a_very_long_article_is_summarised_and_answered_from_its_first_part(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    sentences = article_sentences(2_000)
    sentences[1] = "Harbour pilot Mirela Oduya opened the new lock gates on a windy Tuesday morning."
    sentences.append("Retired ferry captain Odile Varga cut the ribbon at the new quay.")   # past 200,000 characters
    url = article_server.add("long", article_html(sentences, title="Everything the council did"))
    async with launch_bot():
        summary = await reply_to(fake_discord, general, url)
        assert LONG_NOTE in summary["embeds"][0]["footer"]["text"]
        early = await (await fake_discord.slash(fake_discord.user("bob"), general, "ask",
                                                {"question": "Who opened the new lock gates?", "url": url})).reply()
        assert "Mirela Oduya" in early.embeds[0]["description"]
        late = await (await fake_discord.slash(fake_discord.user("mona"), general, "ask",
                                               {"question": "Which retired captain cut the ribbon at the quay?",
                                                "url": url})).reply()
    assert late.embeds, late.content
    assert late.embeds[0]["description"].startswith("I couldn't find that in the first part of this very long")
    assert "read only its first part" in late.embeds[0]["footer"]["text"]


async def test_flag_rules_that_cannot_match_in_linear_time_are_refused(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")

    async def add_rule(rule: str) -> str:
        handle = await fake_discord.slash(fake_discord.user("mona"), general, "config moderation",
                                          {"add_rule": rule})
        content: str = (await handle.reply()).content
        return content

    async with launch_bot() as h:
        look_around = await add_rule("/(?<=free )nitro/")
        back_reference = await add_rule("/(\\w+) \\1/")
        assert look_around.startswith("Not changed:") and "look-arounds" in look_around and "\n" not in look_around
        assert back_reference.startswith("Not changed:") and "back-references" in back_reference
        assert (await add_rule("/(a+)+$/")).startswith("Updated")
        assert (await h.services.guild_settings.get(fake_discord.guild_id)).mod_rules == ["/(a+)+$/"]
        cog = await moderation_cog(h)
        for text in ("a" * 30 + "!", "aaaa", "b" * 30):
            await fake_discord.post(general, fake_discord.user("alice"), text)
        await h.settle()
        await cog.flagger.run_once()
        flags = await h.services.db.fetchall("SELECT m.content FROM flags f JOIN messages m ON m.id = f.message_id "
                                             "WHERE f.category = 'rule'")
    assert [f["content"] for f in flags] == ["aaaa"]


async def test_hosts_with_control_characters_are_refused_before_any_lookup(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, cooldown_seconds=0)
        for url in ("http://127.0.0.1%00.evil.test/", "http://127.0.0.1%20.evil.test/", "http://evil%0a.test/"):
            handle = await fake_discord.slash(fake_discord.user("bob"), general, "summarize", {"url": url})
            reply = await handle.reply()
            assert reply.content == "That doesn't look like a web address I can read.", url
