"""`precis run` as a process: SIGTERM and SIGINT stop it cleanly, with every received message committed."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.playground.fake_discord import FakeDiscord
from tests.e2e.test_log_durability import bot_process, committed
from tests.helpers.wait import until


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
async def test_signal_stops_the_bot_cleanly(fake_discord: FakeDiscord, tmp_path: Path, stop: signal.Signals) -> None:
    general, alice = fake_discord.channel("general"), fake_discord.user("alice")
    database, log_file = tmp_path / "precis.sqlite3", tmp_path / "bot.log"
    with bot_process(fake_discord, database, log_file) as proc:
        await fake_discord.wait_until_identified(1, timeout=20)
        posted = [int((await fake_discord.post(general, alice, f"before the stop {i}"))["id"]) for i in range(200)]
        await until(lambda: committed(database), what="a first commit", timeout=20)
        proc.send_signal(stop)
        code = await asyncio.to_thread(proc.wait, 20)
    log = log_file.read_text()
    assert code == 0, log
    assert "shutting down" in log and "Traceback" not in log
    stored = committed(database)
    assert set(stored) <= set(posted) and len(stored) >= 1
    # Whatever reached the bot was written before it exited; the rest comes back by backfill on restart.
    with bot_process(fake_discord, database, log_file):
        await until(lambda: len(committed(database)) == len(posted), what="all 200 messages", timeout=20)
    assert sorted(committed(database)) == posted
