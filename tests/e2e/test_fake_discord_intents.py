"""The Message Content intent on the Discord stand-in: switched off in the app's portal (refused at
IDENTIFY, content blanked on the gateway and over REST) versus merely not requested by the client."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.minibot import MiniBot


@pytest.mark.fake_discord(message_content_intent=False)
async def test_requesting_an_intent_the_portal_lacks_is_refused(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await run_discord_client(MiniBot(message_content=True))
    assert fake_discord.identify_count == 0


@pytest.mark.fake_discord(message_content_intent=False)
async def test_without_the_intent_only_mentions_dms_own_messages_and_context_menus_carry_content(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot(message_content=False))
    await bot.tree.sync()
    app = await bot.application_info()
    assert not app.flags.gateway_message_content_limited and app.flags.gateway_guild_members_limited
    general, alice = fake_discord.channel("general"), fake_discord.user("alice")
    hidden = await fake_discord.post(general, alice, "a thought for the channel", embeds=[{"title": "t"}])
    mention = await fake_discord.post(general, alice, f"<@{fake_discord.bot_id}> this one is for you")
    dm = await fake_discord.post(fake_discord.dm_channel(alice), alice, "just between us")
    channel = bot.get_channel(general)
    assert isinstance(channel, discord.TextChannel)
    own = await channel.send("the bot's own words")
    wanted = {int(hidden["id"]), int(mention["id"]), int(dm["id"]), own.id}

    def received(items: list[Any]) -> dict[int, discord.Message] | None:
        got = {m.id: m for k, m in items if k == "message"}
        return got if wanted <= set(got) else None

    seen = await bot.inbox.wait(received)
    assert (seen[int(hidden["id"])].content, seen[int(hidden["id"])].embeds) == ("", [])
    assert seen[int(mention["id"])].content.endswith("this one is for you")
    assert seen[int(dm["id"])].content == "just between us" and seen[own.id].content == "the bot's own words"
    # REST reads follow the portal switch too.
    history = {m.id: m.content async for m in channel.history(limit=10)}
    assert history == {
        int(hidden["id"]): "",
        int(mention["id"]): f"<@{fake_discord.bot_id}> this one is for you",
        own.id: "the bot's own words",
    }
    assert (await channel.fetch_message(int(hidden["id"]))).content == ""
    # A message context-menu command receives its target in full.
    handle = await fake_discord.message_command(alice, general, "Report to moderators", int(hidden["id"]))
    assert handle.data["resolved"]["messages"][hidden["id"]]["content"] == "a thought for the channel"
    report = await fake_discord.wait_for_message(channel_id=fake_discord.channel("mod-log"))
    assert report["content"] == "Report by alice: a thought for the channel"


async def test_intent_on_in_the_portal_but_not_requested_blanks_only_the_gateway(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot(message_content=False))
    general = fake_discord.channel("general")
    posted = await fake_discord.post(general, fake_discord.user("bob"), "plain words")
    _, received = await bot.inbox.first(lambda i: i[0] == "message" and i[1].id == int(posted["id"]))
    assert received.content == ""
    channel = bot.get_channel(general)
    assert isinstance(channel, discord.TextChannel)
    assert (await channel.fetch_message(int(posted["id"]))).content == "plain words"
    assert (await bot.application_info()).flags.gateway_message_content_limited
