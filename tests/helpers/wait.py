"""Waiting for a condition that has no event to await (e.g. a fault being hit at the fake)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.playground.fake_discord.events import WAIT_TIMEOUT


async def until(condition: Callable[[], object], *, timeout: float = WAIT_TIMEOUT, what: str = "condition"
                ) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def until_async(condition: Callable[[], Awaitable[object]], *, timeout: float = WAIT_TIMEOUT,
                      what: str = "condition") -> None:
    """`until` for a condition that must itself await (e.g. query a database another process writes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
