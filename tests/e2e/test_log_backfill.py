"""Gaps in the gateway are filled from history: a lost connection, a stopped bot, a gap during a backfill."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.playground.fake_discord import FakeDiscord
from bot.store import logbook as log_store
from tests.fakes.bot_plugin import BotHarness
from tests.helpers.log import log_rows, logged
from tests.helpers.wait import until


def hold_identify(h: BotHarness) -> asyncio.Event:
    """Keep the bot from re-identifying until the returned event is set (discord.py's own hook)."""
    gate = asyncio.Event()

    async def wait_for_gate(shard_id: int | None, *, initial: bool = False) -> None:
        await gate.wait()

    h.bot.before_identify_hook = wait_for_gate  # type: ignore[method-assign]
    return gate


async def post_in_gap(fake: FakeDiscord, channel: int, author: int, text: str, **kwargs: Any) -> dict[str, Any]:
    assert not fake.gateway.connected, "the bot is connected: this would not be a gap"
    return await fake.post(channel, author, text, **kwargs)


async def test_messages_posted_while_the_gateway_was_down_are_logged_after_reconnect(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, news, alice, bob = fake.channel("general"), fake.channel("news"), fake.user("alice"), fake.user("bob")
    async with launch_bot() as h:
        await fake.post(general, alice, "before the storm")
        thread = int((await fake.create_thread(general, "storm watch", owner_id=alice))["id"])
        await fake.post(thread, bob, "watching the barometer")
        await h.settle()

        gate = hold_identify(h)
        await fake.disconnect_gateway()
        gap = [await post_in_gap(fake, general, alice, f"the lights went out {i}") for i in range(150)]
        gap.append(await post_in_gap(fake, thread, bob, "still watching, in the dark"))
        gap.append(await post_in_gap(fake, news, bob, "first ever message in #news"))   # a channel with no cursor
        new_thread = int((await fake.create_thread(news, "generator rota", owner_id=bob))["id"])
        gap.append(await post_in_gap(fake, new_thread, bob, "I take the first shift"))
        assert fake.identify_count == 1
        gate.set()
        await fake.wait_until_identified(2)
        live = await fake.post(general, alice, "power is back")

        for message in [*gap, live]:
            await logged(h, message["id"])
        rows = await log_rows(h)
        assert (await logged(h, gap[-1]["id"]))["thread_id"] == new_thread
        threads = {t["id"]: t["name"] for t in await log_rows(h, table="threads")}
        assert threads[new_thread] == "generator rota"
        posted = [int(m["id"]) for ch in (general, news, thread, new_thread) for m in fake.messages(ch)]
        assert sorted(r["id"] for r in rows) == sorted(posted)   # exactly what Discord holds, once each


async def test_messages_posted_while_the_bot_was_stopped_are_logged_on_start(launch_bot: Any,
                                                                            fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, news, alice, bob = fake.channel("general"), fake.channel("news"), fake.user("alice"), fake.user("bob")
    tidebot = fake.add_user("Tidebot", bot=True)
    fake.add_member(fake.guild_id, tidebot)
    async with launch_bot() as h:
        old = await fake.post(general, alice, "the first message, logged live")
        thread = int((await fake.create_thread(general, "ferry repairs", owner_id=alice))["id"])
        await fake.post(thread, bob, "the hull needs paint")
        await fake.post(news, bob, "news before the restart")
        await h.settle()

    # The bot is stopped: Discord keeps everything, nobody is listening.
    down = [await fake.post(general, alice, f"while the bot was down {i}") for i in range(250)]
    down += [await fake.post(thread, bob, "the paint is dry"), await fake.post(news, bob, "news during downtime")]
    office = fake.add_channel(fake.guild_id, "harbour-office")
    down.append(await fake.post(office, alice, "a new channel opened during the downtime"))
    side = int((await fake.create_thread(general, "about the first message", owner_id=bob,
                                         message_id=int(old["id"])))["id"])   # a thread on an old message
    down.append(await fake.post(side, bob, "replying in a thread opened during the downtime"))
    hostile = await fake.post(news, bob, "fetched from history: \ud800 lone, nul\x00, \u202eflipped")
    down.append(hostile)
    await fake.post(general, tidebot, "beep: bots are not logged")

    async with launch_bot() as h:
        for message in down:
            await logged(h, message["id"])
        stored = (await logged(h, hostile["id"]))["content"]
        assert stored == "fetched from history: \ufffd lone, nul\x00, \u202eflipped"
        humans = [int(m["id"]) for ch in (general, news, thread, office, side) for m in fake.messages(ch)
                  if m["author"]["id"] != str(tidebot)]
        assert sorted(r["id"] for r in await log_rows(h)) == sorted(humans)
        cursors = await log_store.cursors(h.services.db)
        assert cursors[side] == int(down[-2]["id"]) and cursors[office] == int(down[-3]["id"])

    history_reads = len(fake.requests_to("GET", r"/channels/\d+/messages$"))
    async with launch_bot() as h:   # nothing new: only #general, whose newest message is the bot's, is read
        await h.settle()
        reads = fake.requests_to("GET", r"/channels/\d+/messages$")[history_reads:]
        assert [r.path for r in reads] == [f"/channels/{general}/messages"]
        assert len(await log_rows(h)) == len(humans)


async def test_a_gap_that_opens_during_a_backfill_is_filled_too(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, news, alice = fake.channel("general"), fake.channel("news"), fake.user("alice")
    async with launch_bot() as h:
        await fake.post(general, alice, "general before")
        await fake.post(news, alice, "news before")
        await h.settle()

        gate = hold_identify(h)
        await fake.disconnect_gateway()
        first_gap = [await post_in_gap(fake, ch, alice, f"first gap {i}") for i in range(3) for ch in (general, news)]
        slow = fake.fail_next("GET", rf"/channels/{news}/messages$", 429, retry_after=1.0)   # backfill stalls
        gate.set()
        await fake.wait_until_identified(2)
        await until(lambda: slow.hits, what="the stalled history request")

        gate = hold_identify(h)   # the connection drops again while the first backfill still runs
        await fake.disconnect_gateway()
        second_gap = [await post_in_gap(fake, general, alice, f"second gap {i}") for i in range(3)]
        gate.set()
        await fake.wait_until_identified(3)

        for message in [*first_gap, *second_gap]:
            await logged(h, message["id"])
        assert len(await log_rows(h)) == 2 + len(first_gap) + len(second_gap)
