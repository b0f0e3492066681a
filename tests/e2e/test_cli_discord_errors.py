"""`precis sync` and `precis run` as processes, when Discord (the stand-in) refuses or cannot be reached:
one line on standard error, a non-zero exit, no traceback."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.playground.fake_discord import FakeDiscord


async def playground(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """`python -m bot.playground ARGS`: the real CLI, its discord.py pointed at the URLs in `env`."""
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                   "DATABASE_PATH": str(tmp_path / "precis.sqlite3"), **env}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.playground", *args, cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_sync_with_a_refused_token_is_one_line(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    code, out, err = await playground(tmp_path, "sync", **{**fake_discord.bot_env(), "DISCORD_TOKEN": "abc"})
    assert (code, out) == (2, "")
    assert err.splitlines() == ["precis: DISCORD_TOKEN was refused by Discord; copy the bot token again"]


async def test_sync_to_a_guild_the_bot_is_not_in_is_one_line(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    code, out, err = await playground(tmp_path, "sync", "--guild", "123", **fake_discord.bot_env())
    assert (code, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith("precis: Discord refused to sync to guild 123 (") and "applications.commands" in line


async def test_run_without_a_way_to_discord_is_one_line(tmp_path: Path) -> None:
    # .invalid never resolves (RFC 2606): the same DNS failure as a machine with no network.
    code, out, err = await playground(tmp_path, "run", DISCORD_TOKEN="x" * 59,
                                      DISCORD_API_BASE="http://discord.invalid/api/v10",
                                      DISCORD_GATEWAY_URL="ws://gateway.discord.invalid")
    assert (code, out) == (1, "")
    # `run` logs to standard error as it goes; the failure is its last line, and the only one of its kind.
    assert "Traceback" not in err and len([line for line in err.splitlines() if "precis:" in line]) == 1
    line = err.splitlines()[-1]
    assert line.startswith("precis: cannot reach Discord (") and "discord.invalid" in line
    assert line.endswith("check the network connection")
