"""`python -m bot.playground VERB ...`: the real `precis VERB ...`, talking to a Discord stand-in.

The production command line never redirects discord.py; this entry point does, from DISCORD_API_BASE and
DISCORD_GATEWAY_URL (a stand-in another process started: the tests' process-level checks use it).
"""

from __future__ import annotations

import os
import sys

from bot.__main__ import main
from bot.playground.fake_discord.clientrun import pointed_at_urls


def run() -> int:
    api_base, gateway_url = os.environ.get("DISCORD_API_BASE"), os.environ.get("DISCORD_GATEWAY_URL")
    if not api_base or not gateway_url:
        print("bot.playground: set DISCORD_API_BASE and DISCORD_GATEWAY_URL to the stand-in's URLs", file=sys.stderr)
        return 2
    with pointed_at_urls(api_base, gateway_url):
        return main()


if __name__ == "__main__":
    sys.exit(run())
