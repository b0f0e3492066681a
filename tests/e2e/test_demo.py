"""`precis demo`, the README's first command, as a new user runs it: a process with no token, no key, no .env."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path


async def test_precis_demo_plays_the_whole_conversation(tmp_path: Path) -> None:
    # An empty folder and a bare environment: the demo must not need (or read) a .env, a token or a key.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 180)
    transcript = out.decode()
    assert process.returncode == 0, err.decode() + transcript
    assert "Traceback" not in transcript + err.decode()
    steps = [
        "Synced 13 commands",                                    # the owner's sync
        "TL;DR",                                                 # the summary of the posted link
        "│ 1,240 solar panels\n",                                # /ask: the fact first...
        "> The canopy will hold 1,240 solar panels",             # ...then the verified quote
        "│ Arthur Nakamura\n",                                   # a casual question, answered with the name
        "I couldn't find that in the article.",                  # the question the article can't answer
        "Catch-up: #general",                                    # /catchup of what Alice missed...
        "Festival, volunteers, lantern",                         # ...by topic
        "Log search: solar",                                     # a moderator's search
        "Moderator report, last 24h",                            # /modreport
        "Demo finished.",
    ]
    at = 0
    for step in steps:
        found = transcript.find(step, at)
        assert found >= 0, f"{step!r} missing (or out of order) in the demo's transcript:\n{transcript}"
        at = found
    assert _databases_left(tmp_path) == []        # the demo's database lived in a temporary folder


def _databases_left(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.suffix in (".sqlite3", ".jsonl")]
