"""Reading what the bot logged, from the database it committed to (end-to-end tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.playground.fake_discord.events import WAIT_TIMEOUT
from tests.fakes.bot_plugin import BotHarness

Row = dict[str, Any]


async def log_rows(h: BotHarness, where: str = "TRUE", *params: object, table: str = "messages") -> list[Row]:
    """Rows committed so far (everything the bot queued is flushed first)."""
    await h.flush_log()
    rows = await h.services.db.fetchall(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
    return [dict(r) for r in rows]


async def logged(h: BotHarness, message_id: int | str, check: Callable[[Row], bool] = lambda r: True,
                 *, timeout: float = WAIT_TIMEOUT) -> Row:
    """The log row of a message once it exists and passes `check` (events reach the bot asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Row | None = None
    while True:
        found = await log_rows(h, "id = ?", int(message_id))
        last = found[0] if found else None
        if last is not None and check(last):
            return last
        if loop.time() > deadline:
            raise TimeoutError(f"message {message_id} not logged as expected; last row: {last}")
        await asyncio.sleep(0.02)
