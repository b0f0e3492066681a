"""Running the real bot (the same entry code as `precis run`) against the loopback fakes.

`launch_bot(**settings)` is an async context manager: it starts `run_bot` with settings pointing at the
fake Discord, waits for READY, syncs the slash commands (as `precis sync` would), and yields a `BotHarness`;
on exit it stops the bot the way SIGTERM does and restores discord.py's endpoints.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app.client import PrecisBot
from bot.app.config import Settings
from bot.app.services import Services
from bot.playground.fake_discord import FakeDiscord
from bot.playground.fake_discord.events import WAIT_TIMEOUT
from bot.playground.launch import bot_on
from tests.fakes.article_server import ArticleServer
from tests.helpers.wait import until


@dataclass
class BotHarness:
    fake: FakeDiscord
    bot: PrecisBot
    settings: Settings
    task: asyncio.Task[None]

    @property
    def services(self) -> Services:
        return self.bot.services

    async def flush_log(self) -> None:
        await self.services.log.writer.flush()

    async def settle(self, timeout: float = WAIT_TIMEOUT) -> None:
        """Every event the fake dispatched so far has reached the bot and its handlers have finished;
        then the log is flushed. (Events travel asynchronously: a post returns before the bot reacts.)"""
        target = max((s.seq for s in self.fake.gateway.sessions if s.ready), default=0)
        await until(lambda: self.bot.ws is not None and (self.bot.ws.sequence or 0) >= target, timeout=timeout,
                    what=f"the bot to receive event #{target}")
        while pending := [t for t in asyncio.all_tasks()
                          if t.get_name().startswith("discord.py: ") and not t.done()]:
            await asyncio.wait(pending, timeout=timeout)
        await asyncio.wait_for(self.bot.background.idle(), timeout)   # e.g. a backfill the events started
        await self.flush_log()


def bot_settings(fake: FakeDiscord, database: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "discord_token": fake.token,
        "database_path": database, "log_level": "DEBUG", "llm_timeout": 5.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def start_bot(fake: FakeDiscord, settings: Settings, *, sync: bool = True) -> AsyncIterator[BotHarness]:
    async with bot_on(fake, settings) as (bot, task):
        harness = BotHarness(fake, bot, settings, task)
        if sync:
            await bot.tree.sync()
        yield harness


@pytest.fixture
async def launch_bot(fake_discord: FakeDiscord, article_server: ArticleServer, tmp_path: Path
                     ) -> AsyncIterator[Callable[..., Any]]:
    """`async with launch_bot(**settings_overrides) as harness:` runs the real bot against the fakes.

    The fetcher keeps the production address rules; only the loopback article server is allowed."""
    def launch(*, sync: bool = True, **overrides: Any) -> contextlib.AbstractAsyncContextManager[BotHarness]:
        database = overrides.pop("database_path", tmp_path / "precis.sqlite3")
        overrides.setdefault("fetch_allowed_networks", ["127.0.0.1/32"])
        overrides.setdefault("fetch_allowed_ports", [80, 443, article_server.port])
        return start_bot(fake_discord, bot_settings(fake_discord, database, **overrides), sync=sync)
    yield launch

