"""Pointing discord.py at the fake, and running a client against it (log in, connect, READY, shut down)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TypeVar

import discord
import discord.gateway
import discord.http
import yarl

from .server import FakeDiscord

ClientT = TypeVar("ClientT", bound="discord.Client")


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[FakeDiscord]:
    """Point discord.py's REST base and default gateway at the fake; restore both afterwards."""
    with pointed_at_urls(fake.api_base, fake.gateway_url):
        yield fake


@contextlib.contextmanager
def pointed_at_urls(api_base: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py at a stand-in given by its URLs (e.g. one started by another process)."""
    old_base, old_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def running(
    fake: FakeDiscord,
    client: ClientT,
    *,
    timeout: float = 10.0,
    token: str | None = None,
    fast_identify: bool = True,
) -> AsyncIterator[ClientT]:
    """Run `client` against `fake` until the block ends; on exit close it and await its task.

    discord.py reads Route.BASE per request, so the client stays pointed at the fake throughout.
    `token` overrides the fake's token (to test a failed login).
    Raises whatever the client raised if it died before becoming ready (bad token, intents...).
    """
    with pointed_at(fake):
        task: asyncio.Task[None] | None = None
        if fast_identify:
            client.before_identify_hook = _identify_now  # type: ignore[method-assign]
        try:
            await client.login(fake.token if token is None else token)
            task = asyncio.create_task(client.connect(), name="fake-discord-client")
            await _ready_or_failed(client, task, timeout)
            yield client
        finally:
            failure = await _stop(client, task, timeout)
        if failure is not None:  # only reached when the block itself succeeded
            raise failure


async def _identify_now(shard_id: int | None, *, initial: bool = False) -> None:
    return None


async def _stop(
    client: discord.Client, task: asyncio.Task[None] | None, timeout: float
) -> BaseException | None:
    await client.close()
    if task is None:
        return None
    if not task.done():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), timeout)
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return TimeoutError("the client task did not finish after close()")
    return None if task.cancelled() else task.exception()


async def _ready_or_failed(client: discord.Client, task: asyncio.Task[None], timeout: float) -> None:
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not ready.done():
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
    if ready in done:
        return
    if task in done:
        task.result()  # re-raises the client's failure
        raise RuntimeError("the client stopped before it became ready")
    raise TimeoutError(f"the client was not ready after {timeout}s")
