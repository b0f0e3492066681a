"""One process running several shards (`precis run --shard-count 2`): it serves every shard's guilds, and
when one shard's connection drops and comes back (READY on that shard only), the log's backfill fills the
gap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.app.client import ShardedPrecisBot
from bot.playground.fake_discord import FakeDiscord
from bot.playground.launch import bot_on
from bot.util.shards import Shards
from tests.fakes.bot_plugin import bot_settings
from tests.helpers.wait import until, until_async

pytestmark = pytest.mark.fake_discord(sharded=2)


async def test_a_shard_that_reconnects_alone_is_backfilled(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake = fake_discord
    g0, g1 = fake.guild("Playground 0"), fake.guild("Playground 1")
    general = {g: fake.channel("general", g) for g in (g0, g1)}
    alice = fake.user("alice")
    settings = bot_settings(fake, tmp_path / "precis.sqlite3")
    async with bot_on(fake, settings, shards=Shards.parse(2, "0,1")) as (bot, _):
        assert isinstance(bot, ShardedPrecisBot) and sorted(g.id for g in bot.guilds) == sorted((g0, g1))
        db = bot.services.db
        posted = [int((await fake.post(general[g], alice, f"before {g}"))["id"]) for g in (g0, g1)]

        async def logged() -> set[int]:
            await bot.services.log.writer.flush()
            return {r["id"] for r in await db.fetchall("SELECT id FROM messages WHERE author_id = ?", (alice,))}

        await until_async(lambda: _holds(logged, posted), what="the first messages")
        identified = fake.identify_count
        [session] = [s for s in fake.gateway.sessions if s.shard == (1, 2) and s.ready]
        session.ready = False
        await session.ws.close(code=4000, message=b"one shard dropped")       # shard 0 stays connected
        missed = [int((await fake.post(general[g1], alice, f"while shard 1 was away {i}", dispatch=False))["id"])
                  for i in range(5)]
        await until(lambda: fake.identify_count > identified, what="shard 1 to identify again")
        await until_async(lambda: _holds(logged, posted + missed), what="the backfill of shard 1's gap")
        assert bot.shard_count == 2 and bot.owned.ids == (0, 1)


async def _holds(logged: Callable[[], Awaitable[set[int]]], ids: list[int]) -> bool:
    return set(ids) <= await logged()
