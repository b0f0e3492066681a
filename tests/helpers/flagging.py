"""Flagging tests' shared pieces: a real log written by the real writer, a flagger with a fixed clock."""

from __future__ import annotations

from bot.logbook.rows import MessageRow
from bot.logbook.writer import LogWriter
from bot.moderation.flagger import Flagger, FlagListener
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database
from bot.util.workers import Workers
from tests.helpers.rows import BASE_MS

GUILD, OTHER_GUILD = 1, 2
CLOCK = BASE_MS + 3_600_000  # an hour after the first test message
LOOKBACK = 2 * 3_600_000  # a fresh flagger starts before every test message
RULES = ["scam", "/free\\s+nitro/", "crypto giveaway"]


async def log(writer: LogWriter, rows: list[MessageRow]) -> None:
    for r in rows:
        await writer.put(r)
    await writer.flush()


def flagger(db: Database, settings: GuildSettingsService, *, on_flags: FlagListener | None = None,
            workers: Workers | None = None) -> Flagger:
    return Flagger(db, settings.get, on_flags=on_flags, clock_ms=lambda: CLOCK,
                   first_run_lookback_ms=LOOKBACK, workers=workers)


async def all_flags(db: Database) -> set[tuple[int, str, str]]:
    rows = await db.fetchall("SELECT message_id, category, provider FROM flags")
    return {(r["message_id"], r["category"], r["provider"]) for r in rows}
