"""Gateway sharding on the Discord stand-in: each shard's session gets only its guilds (Discord's
(guild_id >> 22) % shard_count rule) and their events, DMs go to shard 0, and a bot in another process
reaches the stand-in through the environment `fake.bot_env()` gives."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import discord
import pytest
from discord.ext import commands

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.discord_plugin import Inbox


class ShardBot(commands.AutoShardedBot):
    def __init__(self, **kwargs: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.1, **kwargs)
        self.inbox = Inbox()

    async def on_message(self, message: discord.Message) -> None:
        self.inbox.add(message)


async def _contents_until(bot: ShardBot, last: dict[str, Any]) -> list[str]:
    """What the bot received up to `last`. A session's events arrive in dispatch order, so once `last`
    is in, everything the stand-in sent that session before it is in too."""
    return await bot.inbox.wait(
        lambda items: [m.content for m in items] if any(m.id == int(last["id"]) for m in items) else None
    )


@pytest.mark.fake_discord(sharded=2)
async def test_each_shard_sees_only_its_guilds_and_their_events(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    g0, g1 = fake_discord.guild("Playground 0"), fake_discord.guild("Playground 1")
    assert fake_discord.guilds_on_shard(0, 2) == [g0] and fake_discord.guilds_on_shard(1, 2) == [g1]
    first = await run_discord_client(ShardBot(shard_ids=[0], shard_count=2))
    second = await run_discord_client(ShardBot(shard_ids=[1], shard_count=2))
    assert [g.id for g in first.guilds] == [g0] and [g.id for g in second.guilds] == [g1]
    assert sorted(s.shard for s in fake_discord.gateway.sessions if s.shard) == [(0, 2), (1, 2)]
    alice = fake_discord.user("alice")
    general0, general1 = fake_discord.channel("general", g0), fake_discord.channel("general", g1)
    await fake_discord.post(general0, alice, "for shard zero")
    await fake_discord.post(general1, alice, "for shard one")
    await fake_discord.post(fake_discord.dm_channel(alice), alice, "a direct message")
    end0 = await fake_discord.post(general0, alice, "end 0")
    end1 = await fake_discord.post(general1, alice, "end 1")
    assert await _contents_until(first, end0) == ["for shard zero", "a direct message", "end 0"]
    assert await _contents_until(second, end1) == ["for shard one", "end 1"]
    dm = next(m for m in first.inbox.items if m.content == "a direct message")
    assert isinstance(dm.channel, discord.DMChannel)


@pytest.mark.fake_discord(sharded=2, guilds_per_shard=2)
async def test_auto_sharded_client_follows_the_recommended_shard_count(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(ShardBot())
    assert bot.shard_count == 2
    by_shard = sorted((g.shard_id, g.name) for g in bot.guilds)
    assert by_shard == [(0, "Playground 0.0"), (0, "Playground 0.1"), (1, "Playground 1.0"), (1, "Playground 1.1")]


_SHARD_PROCESS = """
import os, discord, yarl
discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])

class Shard(discord.AutoShardedClient):
    async def on_ready(self):
        print(",".join(sorted(g.name for g in self.guilds)), flush=True)
        await self.close()

Shard(intents=discord.Intents.default(), shard_ids=[1], shard_count=2, guild_ready_timeout=0.1).run(
    os.environ["DISCORD_TOKEN"], log_handler=None)
"""


@pytest.mark.fake_discord(sharded=2)
async def test_a_shard_in_another_process_reaches_the_stand_in(fake_discord: FakeDiscord) -> None:
    env = {"PATH": os.environ.get("PATH", ""), **fake_discord.bot_env()}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _SHARD_PROCESS, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == "Playground 1"
    assert [p["shard"] for p in fake_discord.gateway.identify_payloads] == [[1, 2]]
