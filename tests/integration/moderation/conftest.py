"""Fixtures of the flagging tests: the log writer over the test's database, and a guild with word rules."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.logbook.writer import LogWriter
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database
from tests.helpers.flagging import GUILD, RULES


@pytest.fixture
async def writer(db: Database) -> AsyncIterator[LogWriter]:
    w = LogWriter(db, max_batch=100, max_delay=0.01)
    w.start()
    yield w
    await w.stop()


@pytest.fixture
async def settings(db: Database) -> GuildSettingsService:
    service = GuildSettingsService(db)
    await service.update(GUILD, None, mod_rules=RULES)
    return service
