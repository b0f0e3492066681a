"""How a catch-up's start is written: a period, a message link, or nothing (since your last message)."""

from __future__ import annotations

import pytest

from bot.catchup.window import MessageLink, parse_since
from bot.util.timeutil import Period


def test_periods_links_and_nothing() -> None:
    assert parse_since(None) is None and parse_since("  ") is None
    assert parse_since("6h") == Period.parse("6h") and parse_since(" 2d ") == Period.parse("2d")
    link = "https://discord.com/channels/1/22/333"
    assert parse_since(link) == MessageLink(1, 22, 333)
    assert parse_since(f"<{link}>") == MessageLink(1, 22, 333)
    assert parse_since("https://ptb.discord.com/channels/1/22/333/") == MessageLink(1, 22, 333)
    assert parse_since("https://canary.discordapp.com/channels/1/22/333") == MessageLink(1, 22, 333)


@pytest.mark.parametrize("text", ["lately", "https://example.com/channels/1/2/3", "https://discord.com/channels/1/2",
                                  "6 hours", "https://discord.com/channels/@me/2/3"])
def test_anything_else_is_refused_with_one_line(text: str) -> None:
    with pytest.raises(ValueError, match="neither a period like 6h or 2d nor a message link"):
        parse_since(text)
