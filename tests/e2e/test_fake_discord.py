"""The fake Discord driven through the real discord.py 2.7 client: connecting, messages, faults, gateway."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from bot.playground.fake_discord import (
    FakeDiscord,
    Perm,
    pointed_at,
)
from tests.fakes.minibot import MiniBot, kind


# ----- connecting
async def test_login_ready_and_guild_visible(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    bot = await run_discord_client(MiniBot())
    assert bot.user is not None and bot.user.id == fake_discord.bot_id
    assert bot.application_id == fake_discord.application_id
    guild = bot.get_guild(fake_discord.guild_id)
    assert guild is not None and guild.name == "Playground"
    assert [c.name for c in guild.text_channels] == ["general", "news", "mod-log"]
    assert {m.name for m in guild.members} == {"olivia", "alice", "bob", "mona", "Precis"}
    assert guild.owner_id == fake_discord.user("olivia")
    assert (await bot.application_info()).owner.name == "olivia"
    mod_log = guild.get_channel(fake_discord.channel("mod-log"))
    alice, mona = guild.get_member(fake_discord.user("alice")), guild.get_member(fake_discord.user("mona"))
    assert mod_log is not None and alice is not None and mona is not None and guild.me is not None
    assert not mod_log.permissions_for(alice).view_channel
    assert mod_log.permissions_for(mona).view_channel and mona.guild_permissions.manage_messages
    perms = mod_log.permissions_for(guild.me)
    assert perms.view_channel and perms.send_messages and perms.embed_links and perms.create_public_threads


async def test_wrong_token_is_a_login_failure(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    with pytest.raises(discord.LoginFailure):
        await run_discord_client(MiniBot(), token="not-the-token")
    assert fake_discord.requests[-1].status == 401


async def test_sharded_client_gets_its_shard(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    intents = discord.Intents.default()
    bot = await run_discord_client(
        commands.AutoShardedBot(command_prefix="!", intents=intents, shard_count=2, guild_ready_timeout=0.1)
    )
    assert bot.shard_count == 2 and [g.name for g in bot.guilds] == ["Playground"]
    assert sorted(p["shard"] for p in fake_discord.gateway.identify_payloads) == [[0, 2], [1, 2]]


# ----- messages
async def test_message_reply_is_stored_echoed_and_mentions_suppressed(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot())
    general, alice = fake_discord.channel("general"), fake_discord.user("alice")
    sent = await fake_discord.post(general, alice, f"echo hi <@{alice}>")
    reply = await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    assert reply["content"] == f"hi <@{alice}>"
    assert reply["message_reference"]["message_id"] == sent["id"] and reply["type"] == 19
    assert reply["mentions"] == []  # AllowedMentions.none(): nobody pinged, not even the replied-to author
    assert [m["id"] for m in fake_discord.messages(general)] == [sent["id"], reply["id"]]
    echoed = await bot.inbox.first(lambda i: i[0] == "message" and i[1].author == bot.user)
    assert echoed[1].id == int(reply["id"]) and echoed[1].content == reply["content"]
    assert fake_discord.allowed_mentions_of(int(reply["id"])) == {"parse": []}
    creating = fake_discord.requests_to("POST", r"^/channels/\d+/messages$")
    assert creating and all(r.json["allowed_mentions"]["parse"] == [] for r in creating)


async def test_user_mentions_are_parsed_and_reactions_dispatched(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot())
    general, bob = fake_discord.channel("general"), fake_discord.user("bob")
    msg = await fake_discord.post(general, fake_discord.user("alice"), f"hey <@{bob}>")
    assert [m["id"] for m in msg["mentions"]] == [str(bob)]
    await fake_discord.react(general, int(msg["id"]), bob, "👍")
    _, payload = await bot.inbox.first(kind("reaction"))
    assert payload.user_id == bob and str(payload.emoji) == "👍" and payload.member.name == "bob"


async def test_attachment_upload_and_download(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    await run_discord_client(MiniBot())
    general = fake_discord.channel("general")
    await fake_discord.post(
        general, fake_discord.user("bob"), "size?", attachments=[("notes.txt", b"abcdef")]
    )
    reply = await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    assert reply["content"] == "6 bytes" and [a["filename"] for a in reply["attachments"]] == ["rev.bin"]
    assert fake_discord.files_of(int(reply["id"])) == {"rev.bin": b"fedcba"}
    async with aiohttp.ClientSession() as session, session.get(reply["attachments"][0]["url"]) as resp:
        assert await resp.read() == b"fedcba"


async def test_too_long_message_is_rejected_like_discord(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot())
    channel = bot.get_channel(fake_discord.channel("general"))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as err:
        await channel.send("x" * 2001)
    assert err.value.status == 400 and err.value.code == 50035
    assert fake_discord.messages(channel.id) == []


async def test_history_pages_before_and_after(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    bot = await run_discord_client(MiniBot())
    news, bob = fake_discord.channel("news"), fake_discord.user("bob")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    posted = [
        await fake_discord.post(
            news, bob, f"m{i}", created_at=start + dt.timedelta(minutes=i), dispatch=False
        )
        for i in range(130)
    ]
    ids = [int(p["id"]) for p in posted]
    channel = bot.get_channel(news)
    assert isinstance(channel, discord.TextChannel)
    newest_first = [m.id async for m in channel.history(limit=None)]
    assert newest_first == ids[::-1]  # two pages of 100 and 30
    assert [m.id async for m in channel.history(limit=5, before=discord.Object(ids[50]))] == ids[45:50][::-1]
    after = [m.content async for m in channel.history(limit=120, after=discord.Object(ids[5]))]
    assert after == [f"m{i}" for i in range(6, 126)]
    around = [m.id async for m in channel.history(limit=5, around=discord.Object(ids[60]))]
    assert sorted(around) == ids[58:63]
    midpoint = start + dt.timedelta(minutes=100, seconds=30)
    assert [m.content async for m in channel.history(limit=2, after=midpoint)] == ["m101", "m102"]
    assert len(fake_discord.requests_to("GET", rf"^/channels/{news}/messages$")) >= 2


async def test_raw_events_for_uncached_messages(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    bot = await run_discord_client(MiniBot())
    general, alice = fake_discord.channel("general"), fake_discord.user("alice")
    old = [await fake_discord.post(general, alice, f"old {i}", dispatch=False) for i in range(4)]
    edited = await fake_discord.edit(general, int(old[0]["id"]), "old 0, corrected")
    assert edited["edited_timestamp"] is not None
    _, raw = await bot.inbox.first(kind("raw_edit"))
    assert raw.cached_message is None and raw.message.content == "old 0, corrected"
    await fake_discord.delete(general, int(old[1]["id"]))
    _, gone = await bot.inbox.first(kind("raw_delete"))
    assert gone.message_id == int(old[1]["id"]) and gone.cached_message is None
    await fake_discord.bulk_delete(general, [int(old[2]["id"]), int(old[3]["id"])])
    _, bulk = await bot.inbox.first(kind("raw_bulk_delete"))
    assert bulk.message_ids == {int(old[2]["id"]), int(old[3]["id"])} and bulk.cached_messages == []
    assert [m["content"] for m in fake_discord.messages(general)] == ["old 0, corrected"]
    linked = await fake_discord.post(general, alice, "see https://example.org/a")
    await fake_discord.unfurl(general, int(linked["id"]), [{"type": "link", "title": "An article"}])
    _, preview = await bot.inbox.first(lambda i: i[0] == "raw_edit" and i[1].message_id == int(linked["id"]))
    assert preview.cached_message is not None and preview.message.edited_at is None
    assert preview.message.embeds[0].title == "An article"


async def test_thread_from_message_and_messages_in_it(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot())
    general, alice = fake_discord.channel("general"), fake_discord.user("alice")
    starter = await fake_discord.post(general, alice, "thread please")
    opened = await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    thread_id = fake_discord.thread("Discussion")
    assert thread_id == int(starter["id"])  # like Discord: a thread started from a message shares its id
    assert opened["channel_id"] == str(thread_id) and opened["content"] == "Thread opened."
    assert fake_discord.message(int(starter["id"]))["thread"]["id"] == str(thread_id)
    await fake_discord.post(thread_id, alice, "echo inside")
    reply = await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    assert reply["channel_id"] == str(thread_id) and reply["content"] == "inside"
    thread = bot.get_channel(thread_id)
    assert (
        isinstance(thread, discord.Thread) and thread.parent_id == general and thread.owner_id == bot.user.id
    )
    assert [t.id for t in await thread.guild.active_threads()] == [thread_id]
    user_thread = await fake_discord.create_thread(general, "Side talk", owner_id=alice)
    _, created = await bot.inbox.first(lambda i: i[0] == "thread_create" and i[1].name == "Side talk")
    assert created.id == int(user_thread["id"]) and created.owner_id == alice
    await fake_discord.archive_thread(created.id)
    assert fake_discord.world.channels[created.id].archived


async def test_bot_edits_and_reacts(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    await run_discord_client(MiniBot())
    general = fake_discord.channel("general")
    await fake_discord.post(general, fake_discord.user("bob"), "draft please")
    edit = await fake_discord.wait_for_event("edit")
    reaction = await fake_discord.wait_for_event("reaction")
    assert edit.author == "Precis" and edit.content == "final" and edit.payload["edited_timestamp"]
    assert reaction.content == "\N{WHITE HEAVY CHECK MARK}" and reaction.message_id == edit.message_id
    stored = fake_discord.message(edit.message_id or 0)
    assert stored["content"] == "final" and stored["reactions"][0]["count"] == 1


async def test_direct_messages_both_ways(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    bot = await run_discord_client(MiniBot())
    alice = fake_discord.user("alice")
    await fake_discord.post(fake_discord.channel("general"), alice, "dm me")
    dm = await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    assert dm["content"] == "a private word" and int(dm["channel_id"]) == fake_discord.dm_channel(alice)
    await fake_discord.post(fake_discord.dm_channel(alice), alice, "echo thanks")
    reply = await fake_discord.wait_for_message(author_id=fake_discord.bot_id, since=dm)
    assert reply["content"] == "thanks" and "guild_id" not in reply
    _, received = await bot.inbox.first(lambda i: i[0] == "message" and i[1].content == "echo thanks")
    assert isinstance(received.channel, discord.DMChannel) and received.guild is None


async def test_pointed_at_restores_discord_py(fake_discord: FakeDiscord) -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    with pointed_at(fake_discord):
        assert discord.http.Route("GET", "/users/@me").url == f"{fake_discord.api_base}/users/@me"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == fake_discord.gateway_url
    assert discord.http.Route.BASE is base and discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY is gateway


async def test_json_content_type_is_exact(fake_discord: FakeDiscord) -> None:
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{fake_discord.api_base}/users/@me", headers=headers) as resp,
    ):
        assert resp.headers["Content-Type"] == "application/json"
        assert (await resp.json())["id"] == str(fake_discord.bot_id)


# ----- faults and permissions
async def test_429_is_retried_and_succeeds(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    bot = await run_discord_client(MiniBot())
    general = fake_discord.channel("general")
    fault = fake_discord.fail_next("POST", rf"^/channels/{general}/messages$", 429, retry_after=0.01)
    channel = bot.get_channel(general)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("after a rate limit")
    posts = fake_discord.requests_to("POST", rf"^/channels/{general}/messages$")
    assert [(r.status, r.fault) for r in posts] == [(429, True), (200, False)] and fault.hits == 1
    assert fake_discord.message(sent.id)["content"] == "after a rate limit"


async def test_403_is_forbidden_and_overwrites_reach_the_client(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot())
    news = fake_discord.channel("news")
    await fake_discord.set_overwrite(news, fake_discord.bot_id, deny=Perm.SEND_MESSAGES)
    channel = bot.get_channel(news)
    assert isinstance(channel, discord.TextChannel)
    await bot.inbox.first(lambda i: i[0] == "channel_update" and i[1].id == news)
    assert not channel.permissions_for(channel.guild.me).send_messages
    with pytest.raises(discord.Forbidden) as err:
        await channel.send("not allowed")
    assert err.value.code == 50013
    theirs = await fake_discord.post(news, fake_discord.user("olivia"), "an announcement")
    with pytest.raises(discord.Forbidden):  # deleting someone else's message needs MANAGE_MESSAGES
        await channel.get_partial_message(int(theirs["id"])).delete()
    fake_discord.fail_next("GET", r"^/channels/\d+/messages/\d+$", 404)
    with pytest.raises(discord.NotFound) as missing:
        await channel.fetch_message(1)
    assert missing.value.code == 10008


async def test_unknown_route_is_404_and_noted(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    bot = await run_discord_client(MiniBot())
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/nowhere/{x}", x=1))
    assert fake_discord.unhandled_routes == ["GET /nowhere/1"]


# ----- gateway behaviour
async def test_reconnect_reidentifies_and_messages_flow(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    await run_discord_client(MiniBot())
    assert fake_discord.identify_count == 1
    first_connection = fake_discord.gateway.connection_queries[0]
    compression = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE  # zlib-stream without zstd
    assert first_connection == {"v": "10", "encoding": "json", "compress": compression}
    await fake_discord.disconnect_gateway()
    await fake_discord.wait_until_identified(2)
    await fake_discord.post(fake_discord.channel("general"), fake_discord.user("bob"), "echo back again")
    reply = await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    assert reply["content"] == "back again"


async def test_content_is_blanked_without_the_intent(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot(message_content=False))
    general, alice = fake_discord.channel("general"), fake_discord.user("alice")
    await fake_discord.post(general, alice, "a secret link", attachments=[("a.txt", b"x")])
    await fake_discord.post(general, alice, f"<@{fake_discord.bot_id}> you may read this")
    seen = await bot.inbox.wait(
        lambda items: [m for k, m in items if k == "message"][:2] or None if len(items) >= 2 else None
    )
    assert (seen[0].content, seen[0].attachments) == ("", [])
    assert seen[1].content.endswith("you may read this")
