"""The real bot (entry code of `precis run`) against the loopback Discord: login, messages, slash
commands, deferred replies, Discord errors."""

from __future__ import annotations

import gc
import warnings
from typing import Any

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_plugin import BotHarness
from tests.helpers.wait import until

PAGE = "pages/ledger-council-budget.html"


def bot_messages(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m["author"]["id"] == str(fake.bot_id)]


def assert_never_pings(fake: FakeDiscord) -> None:
    creating = [r for r in fake.requests if r.method in ("POST", "PATCH") and isinstance(r.json, dict)
                and ("content" in r.json or "embeds" in r.json or "data" in r.json)]
    assert creating, "the bot sent nothing"
    for request in creating:
        body = request.json.get("data", request.json) if request.path.startswith("/interactions") else request.json
        mentions = body.get("allowed_mentions")
        assert mentions is not None and mentions.get("parse") == [] and not mentions.get("replied_user"), body
        assert not mentions.get("users") and not mentions.get("roles"), body


async def test_login_and_slash_command_answered_directly(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    async with launch_bot() as harness:
        h: BotHarness = harness
        assert h.bot.user is not None and h.bot.user.id == fake_discord.bot_id
        assert h.bot.failed_cogs == {}
        handle = await fake_discord.slash(fake_discord.user("alice"), fake_discord.channel("general"), "about", {})
        callback = await handle.response()
        assert callback.type == 4 and callback.ephemeral
        reply = await handle.reply()
        assert "built-in extractive" in reply.content
    assert h.task.done() and h.task.exception() is None


async def test_an_event_discord_py_finishes_after_close_is_dropped(launch_bot: Any) -> None:
    # discord.py's ready task dispatches READY even when a close cancelled it; with no loop left that used to
    # raise inside discord.py and leave a coroutine never awaited.
    async with launch_bot() as h:
        pass
    assert h.bot.is_closed()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h.bot.dispatch("ready")
        gc.collect()


async def test_link_in_message_gets_one_summary_reply_without_pings(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot():
        posted = await fake_discord.post(general, fake_discord.user("alice"),
                                         f"@everyone look at this {article_server.url(PAGE)}")
        reply = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert reply["message_reference"]["message_id"] == posted["id"]
        embed = reply["embeds"][0]
        assert embed["title"] == "Millbrook council approves library expansion after late-night vote"
        assert embed["description"].startswith("**TL;DR**")
        assert "built-in extractive summary" in embed["footer"]["text"]
        assert reply["mention_everyone"] is False and reply["mentions"] == []
    assert_never_pings(fake_discord)


async def test_deferred_slash_command_answers_with_a_follow_up(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    async with launch_bot():
        handle = await fake_discord.slash(fake_discord.user("bob"), fake_discord.channel("general"), "summarize",
                                          {"url": article_server.url(PAGE), "style": "bullets"})
        assert (await handle.response()).type == 5            # deferred: "Precis is thinking…"
        reply = await handle.reply()
        assert reply.kind in ("followup", "edit") and reply.ephemeral
        assert len(reply.embeds[0]["description"].split("\n• ")) >= 4   # TL;DR + bullet points


async def test_rate_limited_reply_is_retried(launch_bot: Any, fake_discord: FakeDiscord,
                                             article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot():
        fault = fake_discord.fail_next("POST", rf"/channels/{general}/messages$", 429, retry_after=0.2)
        await fake_discord.post(general, fake_discord.user("alice"), article_server.url(PAGE))
        reply = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert fault.hits == 1 and reply["embeds"]


async def test_forbidden_reply_is_survived_and_the_bot_carries_on(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        fault = fake_discord.fail_next("POST", rf"/channels/{general}/messages$", 403)
        await fake_discord.post(general, fake_discord.user("alice"), article_server.url(PAGE))
        await until(lambda: fault.hits, what="the refused reply")
        assert bot_messages(fake_discord, general) == []
        await fake_discord.post(general, fake_discord.user("bob"), article_server.url("pages/metro-bike-counters.html"))
        reply = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert reply["embeds"]
        assert not h.task.done()


async def test_without_embed_permission_the_summary_is_plain_text(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    news = fake_discord.channel("news")
    async with launch_bot():
        await fake_discord.set_overwrite(news, fake_discord.bot_id, deny=1 << 14)   # EMBED_LINKS
        await fake_discord.post(news, fake_discord.user("alice"), article_server.url(PAGE))
        reply = await fake_discord.wait_for_message(channel_id=news, author_id=fake_discord.bot_id)
        assert reply["embeds"] == [] and "**TL;DR**" in reply["content"]


async def test_only_the_owner_can_sync_and_nothing_syncs_on_start(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot(sync=False) as h:
        assert fake_discord.requests_to("PUT", r"/applications/\d+/commands$") == []   # not on start
        await fake_discord.post(general, fake_discord.user("alice"), f"<@{fake_discord.bot_id}> sync global")
        await h.settle()
        assert bot_messages(fake_discord, general) == []
        await fake_discord.post(general, fake_discord.user("olivia"), f"<@{fake_discord.bot_id}> sync global")
        reply = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert reply["content"].startswith("Synced ") and reply["content"].endswith("commands (global).")
        assert len(fake_discord.requests_to("PUT", r"/applications/\d+/commands$")) == 1
        handle = await fake_discord.slash(fake_discord.user("bob"), general, "about", {})
        assert "Precis" in (await handle.reply()).content
