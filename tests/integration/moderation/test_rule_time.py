"""Admins' /regex/ flag rules match in time linear in the message, whatever the pattern. Run in a process of
its own: a backtracking matcher would never return, and only a process can be stopped."""

from __future__ import annotations

import asyncio
import sys

from bot.moderation.rules import check_content

SCRIPT = """
from bot.moderation.rules import check_content
print(check_content("a" * 64 + "!", ["/(a+)+$/", "/(x+x+)+y/"]), check_content("x" * 5000, ["/(x+x+)+y/"]))
"""


async def test_catastrophic_patterns_finish_on_long_messages() -> None:
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", SCRIPT, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(process.communicate(), 60)   # a backtracking matcher needs ~2^64 steps
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0 and out.decode().strip() == "[] []"


def test_rules_still_match_what_they_say() -> None:
    assert check_content("aaaa", ["/(a+)+$/"]) == [("rule", "matched /(a+)+$/")]
    assert check_content("Get FREE   Nitro", ["/free\\s+nitro/"]) == [("rule", "matched /free\\s+nitro/")]
    assert check_content("CAFÉ crème", ["/café/"]) == [("rule", "matched /café/")]
    assert check_content("a scam!", ["scam"]) == [("rule", 'matched "scam"')]
