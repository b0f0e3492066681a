"""Rate limits on the Discord stand-in: discord.py paces itself on the X-RateLimit headers; a client that
ignores them gets Discord's 429s (per route and resource, and global)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
import pytest

from bot.playground.fake_discord import FakeDiscord, RateLimits
from tests.fakes.minibot import MiniBot

CREATE = "POST /channels/{channel_id}/messages"


@pytest.mark.fake_discord(rate_limits=RateLimits(scale=0.02))  # Discord's limits, 50 times faster
async def test_discord_py_paces_itself_on_the_headers(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    bot = await run_discord_client(MiniBot())
    channel = bot.get_channel(fake_discord.channel("general"))
    assert isinstance(channel, discord.TextChannel)
    for i in range(30):
        await channel.send(f"line {i}")
    news = bot.get_channel(fake_discord.channel("news"))
    assert isinstance(news, discord.TextChannel)
    await asyncio.gather(*(news.send(f"burst {i}") for i in range(15)))
    assert [m["content"] for m in fake_discord.messages(channel.id)] == [f"line {i}" for i in range(30)]
    assert sorted(m["content"] for m in fake_discord.messages(news.id)) == sorted(f"burst {i}" for i in range(15))
    assert fake_discord.limiter.exhausted[CREATE] >= 8  # the buckets did run dry: the client waited
    assert not fake_discord.rate_limit_hits  # ... on the headers, not on 429s


@pytest.mark.fake_discord(rate_limits=RateLimits(scale=10))  # slow windows: nothing resets during the test
async def test_a_client_ignoring_the_headers_gets_429s(fake_discord: FakeDiscord) -> None:
    general, news = fake_discord.channel("general"), fake_discord.channel("news")
    url = f"{fake_discord.api_base}/channels/{{}}/messages"
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:

        async def send(channel_id: int, text: str) -> tuple[int, dict[str, str], Any]:
            async with http.post(url.format(channel_id), json={"content": text}) as resp:
                return resp.status, dict(resp.headers), await resp.json()

        answers = await asyncio.gather(*(send(general, f"spam {i}") for i in range(8)))
        other = await send(news, "another channel has its own bucket")
        message = fake_discord.messages(general)[0]["id"]
        react = f"{fake_discord.api_base}/channels/{general}/messages/{message}/reactions/%F0%9F%91%8D/@me"
        async with http.put(react) as first, http.put(react) as second:
            reactions = (first.status, second.status, second.headers["X-RateLimit-Limit"])
    ok = [a for a in answers if a[0] == 200]
    limited = [a for a in answers if a[0] == 429]
    assert len(ok) == 5 and len(limited) == 3 and other[0] == 200
    assert sorted(int(h["X-RateLimit-Remaining"]) for _, h, _ in ok) == [0, 1, 2, 3, 4]
    assert {h["X-RateLimit-Limit"] for _, h, _ in ok} == {"5"}
    buckets = {h["X-RateLimit-Bucket"] for _, h, _ in answers}
    assert len(buckets) == 1 and other[1]["X-RateLimit-Bucket"] in buckets
    for _, h, body in limited:
        assert body["global"] is False and 0 < body["retry_after"] <= 50
        assert h["X-RateLimit-Scope"] == "user" and h["X-RateLimit-Remaining"] == "0" and h["Via"]
        assert float(h["X-RateLimit-Reset-After"]) == body["retry_after"] and int(h["Retry-After"]) >= 1
    assert len(fake_discord.messages(general)) == 5
    assert reactions == (204, 429, "1")
    assert fake_discord.rate_limit_hits == {CREATE: 3, "PUT /channels/{channel_id}/messages/{message_id}"
                                            "/reactions/{emoji}/@me": 1}


@pytest.mark.fake_discord(rate_limits=RateLimits(scale=10, global_limit=5))
async def test_the_global_limit_spans_routes(fake_discord: FakeDiscord) -> None:
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:

        async def get(path: str) -> tuple[int, dict[str, str], Any]:
            async with http.get(fake_discord.api_base + path) as resp:
                return resp.status, dict(resp.headers), await resp.json()

        answers = [await get(path) for path in ["/users/@me", f"/guilds/{fake_discord.guild_id}"] * 4]
    assert [a[0] for a in answers] == [200] * 5 + [429] * 3
    for _, h, body in answers[5:]:
        assert body["global"] is True and h["X-RateLimit-Global"] == "true" and h["X-RateLimit-Scope"] == "global"
        assert "X-RateLimit-Bucket" not in h
    assert sum(fake_discord.rate_limit_hits.values()) == 3


async def test_rate_limits_are_off_by_default(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    assert fake_discord.rate_limits is None
    bot = await run_discord_client(MiniBot())
    channel = bot.get_channel(fake_discord.channel("general"))
    assert isinstance(channel, discord.TextChannel)
    await asyncio.gather(*(channel.send(f"quick {i}") for i in range(12)))
    assert len(fake_discord.messages(channel.id)) == 12 and not fake_discord.rate_limit_hits
    assert not fake_discord.limiter.exhausted
