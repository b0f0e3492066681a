"""Model output loses mentions and links before anyone sees it."""

from __future__ import annotations

import pytest

from bot.llm.sanitize import clean_line, strip_links


@pytest.mark.parametrize(("raw", "clean"), [
    ("Claim [your refund](https://evil.example/x) now.", "Claim your refund now."),
    ("[https://evil.example](https://evil.example \"title\")", ""),
    ("See https://evil.example/a_b?c=1 or www.evil.example/p for more.", "See or for more."),
    ("Read <https://evil.example/x> today", "Read today"),
    ("[a [b](https://x.example)](https://y.example) c", "a b c"),
    ("The plan (see https://w.example/a(b)c) costs 5%.", "The plan (see ) costs 5%."),
    ("Visit (https://evil.example) now", "Visit now"),
    ("Nothing to strip: 3 [2] items (two) at 5 p.m.", "Nothing to strip: 3 [2] items (two) at 5 p.m."),
])
def test_links_are_removed_and_their_text_kept(raw: str, clean: str) -> None:
    assert clean_line(raw, 500) == clean


def test_clean_line_still_strips_mentions_and_bullets() -> None:
    assert clean_line("- ping @everyone <@123> at https://evil.example", 100, bullet=True) == "ping everyone at"


def test_strip_links_leaves_plain_text_alone() -> None:
    text = "The council voted 7-2 (after midnight) on the [revised] budget."
    assert strip_links(text) == text
