"""Everything the cogs need, built once at start-up and closed in reverse order at shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from bot.config import Settings
from bot.guild_settings import GuildSettingsService
from bot.logbook import LogService
from bot.store.db import Database
from bot.store.writer import LogWriter

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    guild_settings: GuildSettingsService
    log: LogService


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    async with AsyncExitStack() as stack:
        db = await Database(settings.database_path).open()
        stack.push_async_callback(db.close)
        guild_settings = GuildSettingsService(db)
        writer = LogWriter(db, max_queue=settings.log_queue_size)
        writer.start()
        stack.push_async_callback(writer.stop)   # runs before db.close: every queued row is committed
        yield Services(
            settings=settings,
            db=db,
            guild_settings=guild_settings,
            log=LogService(db, writer, guild_settings),
        )
