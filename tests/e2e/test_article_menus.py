"""The "Summarize links" and "Ask about this article" message commands, with the stand-in configured as an
app without the Message Content intent (the bot then runs with DISCORD_MESSAGE_CONTENT=false)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord
from bot.playground.fake_discord.events import WAIT_TIMEOUT
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_plugin import BotHarness
from tests.helpers.log import logged

PAGE = "pages/ledger-council-budget.html"
SHARE = "precis:share:{}"


def from_bot(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m["author"]["id"] == str(fake.bot_id)]


async def recorded(h: BotHarness, message_id: int) -> Any:
    """The summary post row of `message_id`, once the bot has stored it (it does so after posting)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_TIMEOUT
    while (row := await h.services.db.fetchone("SELECT * FROM summary_posts WHERE message_id = ?",
                                               (message_id,))) is None:
        if loop.time() > deadline:
            raise TimeoutError(f"no summary post recorded for message {message_id}")
        await asyncio.sleep(0.02)
    return row


def buttons(message: Any) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row.get("components", []) if "custom_id" in c]


@pytest.mark.fake_discord(message_content_intent=False)
async def test_message_commands_work_without_the_message_content_intent(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    fake = fake_discord
    general = fake.channel("general")
    alice, bob, mona = fake.user("alice"), fake.user("bob"), fake.user("mona")
    url = article_server.url(PAGE)
    async with launch_bot(discord_message_content=False) as h:
        posted = await fake.post(general, alice, f"Worth a read: {url}")
        await h.settle()
        # Without the intent the bot never sees the link by itself, and the log keeps no text.
        assert from_bot(fake, general) == [] and article_server.hits("/pages/") == 0
        assert not (await logged(h, posted["id"]))["content"]

        handle = await fake.message_command(bob, general, "Summarize links", int(posted["id"]))
        private = await handle.reply()
        assert private.ephemeral and len(private.embeds) == 1
        assert private.embeds[0]["url"] == url and "TL;DR" in private.embeds[0]["description"]
        assert buttons(private) == [SHARE.format(posted["id"])] and from_bot(fake, general) == []

        click = await fake.click(bob, private.id, SHARE.format(posted["id"]))
        update, shared = await click.wait_for_messages(2)
        assert update.content == "Posted in the channel." and update.components == []
        assert not shared.ephemeral and shared.embeds[0]["url"] == url and f"<@{bob}>" in shared.content
        assert shared.message.get("allowed_mentions", {}).get("parse", []) == []
        # The shared summary is a summary post like any other: a reply to it is a question about the article.
        post = await recorded(h, shared.id)
        assert post["source_message_id"] == int(posted["id"]) and post["requested_by"] == bob

        asked = await fake.message_command(mona, general, "Ask about this article", int(posted["id"]))
        assert (await asked.response()).type == 9                       # a modal for the question
        submitted = await asked.submit_modal({"question": "How much does the library expansion cost?"})
        answer = await submitted.reply()
        assert not answer.ephemeral and answer.embeds[0]["title"] == "How much does the library expansion cost?"
        assert "$3.8 million" in answer.embeds[0]["description"]
        row = await h.services.db.fetchone("SELECT user_id, url FROM questions")
        assert row["user_id"] == mona and "ledger-council-budget" in row["url"]

        # /catchup works too, and says why it has nothing to tell.
        caught = await (await fake.slash(alice, general, "catchup", {"since": "1h"})).reply()
        [embed] = caught.embeds
        assert caught.ephemeral and "Message Content" in embed["description"]
        assert "How much does the library expansion cost?" in embed["fields"][0]["value"]
    assert article_server.hits("/pages/ledger-council-budget.html") == 1   # summarised once, then cached


async def test_the_share_button_outlives_a_restart_and_odd_targets_get_one_line(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    fake = fake_discord
    general = fake.channel("general")
    alice, bob = fake.user("alice"), fake.user("bob")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake.guild_id, None, summary_mode="off", cooldown_seconds=0)
        posted = await fake.post(general, alice, f"two links {article_server.url(PAGE)} and nothing else")
        plain = await fake.post(general, alice, "no links in this one")
        private = await (await fake.message_command(bob, general, "Summarize links", int(posted["id"]))).reply()
        none = await (await fake.message_command(bob, general, "Summarize links", int(plain["id"]))).reply()
        assert none.ephemeral and none.content == "That message has no links to summarise."
        no_article = await (await fake.message_command(bob, general, "Ask about this article",
                                                       int(plain["id"]))).reply()
        assert no_article.content == "That message has no article link to ask about."
    async with launch_bot():   # a new process: the button still works (its id carries what it needs)
        click = await fake.click(bob, private.id, SHARE.format(posted["id"]))
        _, shared = await click.wait_for_messages(2)
        assert shared.embeds[0]["url"] == article_server.url(PAGE)
