"""Running the real bot (the code of `precis run`) against the Discord stand-in: for the demo and the tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.app.client import PrecisBot
from bot.app.config import Settings
from bot.app.runner import run_bot
from bot.playground.fake_discord import FakeDiscord
from bot.playground.fake_discord.clientrun import pointed_at
from bot.util.shards import Shards


async def _identify_now(shard_id: int | None, *, initial: bool = False) -> None:
    """discord.py waits 5 s before every re-IDENTIFY (Discord's rate limit); the stand-in has none."""


@contextlib.asynccontextmanager
async def bot_on(fake: FakeDiscord, settings: Settings, *, timeout: float = 15.0, shards: Shards | None = None
                 ) -> AsyncIterator[tuple[PrecisBot, asyncio.Task[None]]]:
    """Run the bot until the block ends (then stop it the way SIGTERM does); yields it once READY."""
    stop, ready = asyncio.Event(), asyncio.Event()
    bots: list[PrecisBot] = []

    def started(bot: PrecisBot) -> None:
        bot.before_identify_hook = _identify_now  # type: ignore[method-assign]
        bots.append(bot)

    with pointed_at(fake):   # restores discord.py's endpoints, which run_bot points at the stand-in
        task = asyncio.create_task(run_bot(settings, stop=stop, handle_signals=False, ready=ready,
                                           on_start=started, guild_ready_timeout=0.05, shards=shards))
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait({task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if task.done():
            task.result()   # raises what stopped the bot
            raise RuntimeError("the bot stopped before it was ready")
        if not ready.is_set():
            stop.set()
            await task
            raise TimeoutError("the bot did not become ready")
        try:
            yield bots[0], task
        finally:
            stop.set()
            await asyncio.wait_for(task, 20)
