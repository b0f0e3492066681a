"""Pytest fixtures for the fake Discord (bot/playground/fake_discord).

- `fake_discord`: a started FakeDiscord holding the default world; closed after the test, which then
  fails if the fake hit an internal error (a bug in the fake, not in the bot). Mark a test
  `@pytest.mark.fake_discord(message_content_intent=False, rate_limits=RateLimits(scale=0.05), ...)` or
  `@pytest.mark.fake_discord(sharded=2)` to build it differently.
- `run_discord_client`: `await run_discord_client(client)` logs a discord.py client in against the fake,
  waits for READY and returns it; the client is closed, its task awaited and discord.py's Route.BASE /
  DEFAULT_GATEWAY restored on teardown. discord.py's 5 s pause before a re-IDENTIFY is skipped.
- `Inbox`: a race-free recorder for bot-side observations (append from event handlers, await a condition).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import discord
import pytest

from bot.playground.fake_discord import FakeDiscord
from bot.playground.fake_discord.clientrun import running
from bot.playground.fake_discord.events import WAIT_TIMEOUT

ClientT = TypeVar("ClientT", bound=discord.Client)
T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_discord(**options): how the `fake_discord` fixture builds its FakeDiscord: options of "
        "FakeDiscord.default_world (message_content_intent=False, rate_limits=True or RateLimits(...), "
        "shard_count=N), or sharded=N for FakeDiscord.sharded_world(N, ...)",
    )


@pytest.fixture
async def fake_discord(request: pytest.FixtureRequest) -> AsyncIterator[FakeDiscord]:
    marker = request.node.get_closest_marker("fake_discord")
    options = dict(marker.kwargs) if marker else {}
    sharded = options.pop("sharded", None)
    fake = FakeDiscord.sharded_world(sharded, **options) if sharded else FakeDiscord.default_world(**options)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
    assert not fake.internal_errors, f"the fake Discord hit internal errors: {fake.internal_errors}"


@pytest.fixture
async def run_discord_client(
    fake_discord: FakeDiscord,
) -> AsyncIterator[Callable[[ClientT], Awaitable[ClientT]]]:
    async with contextlib.AsyncExitStack() as stack:

        async def start(client: ClientT, timeout: float = 10.0, token: str | None = None) -> ClientT:
            return await stack.enter_async_context(
                running(fake_discord, client, timeout=timeout, token=token)
            )

        yield start


class Inbox:
    """Items recorded by bot event handlers; `wait` returns once a condition over them holds."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._waiters: list[asyncio.Future[None]] = []

    def add(self, item: Any) -> None:
        self.items.append(item)
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait(self, check: Callable[[list[Any]], T | None], timeout: float = WAIT_TIMEOUT) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check(self.items)
            if result is not None and result is not False:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met; recorded: {self.items!r}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(fut, remaining)

    async def first(self, pred: Callable[[Any], bool], timeout: float = WAIT_TIMEOUT) -> Any:
        """The first recorded item matching `pred`, waiting for it if needed."""
        return await self.wait(lambda items: next((i for i in items if pred(i)), None), timeout)
