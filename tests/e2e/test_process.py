"""`precis run` as a process: SIGTERM and SIGINT stop it cleanly, with every received message committed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
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
        await fake_discord.wait_until_identified(1)
        posted = [int((await fake_discord.post(general, alice, f"before the stop {i}"))["id"]) for i in range(200)]
        await until(lambda: committed(database), what="a first commit")
        proc.send_signal(stop)
        code = await asyncio.to_thread(proc.wait, 20)
    log = log_file.read_text()
    assert code == 0, log
    assert "shutting down" in log and "Traceback" not in log
    stored = committed(database)
    assert set(stored) <= set(posted) and len(stored) >= 1
    # Whatever reached the bot was written before it exited; the rest comes back by backfill on restart.
    with bot_process(fake_discord, database, log_file):
        await until(lambda: len(committed(database)) == len(posted), what="all 200 messages")
    assert sorted(committed(database)) == posted


async def test_precis_sync_registers_commands_over_rest_only(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "DISCORD_TOKEN": fake_discord.token,
           "DISCORD_API_BASE": fake_discord.api_base, "DISCORD_GATEWAY_URL": fake_discord.gateway_url,
           "DATABASE_PATH": str(tmp_path / "precis.sqlite3")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.playground", "sync", "--guild", str(fake_discord.guild_id), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert out.decode().startswith(f"synced 13 commands to guild {fake_discord.guild_id}:")
    puts = fake_discord.requests_to("PUT", rf"/applications/\d+/guilds/{fake_discord.guild_id}/commands$")
    assert len(puts) == 1
    names = {c["name"] for c in puts[0].json}
    assert {"ask", "summarize", "logs", "privacy", "modreport", "config", "usage", "about", "catchup", "help",
            "Report to moderators", "Summarize links", "Ask about this article"} <= names
    assert fake_discord.identify_count == 0          # REST only: no gateway session
