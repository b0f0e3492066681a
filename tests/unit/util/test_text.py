"""Cutting, splitting and escaping text for people (bot/util/text.py)."""

from __future__ import annotations

from bot.util.text import clip, escape, plural, split_text


def test_clip_keeps_short_text_and_cuts_long_text_at_a_word() -> None:
    text = "one two three four five six seven"
    assert clip(text, 100) == text
    cut = clip(text, 16)
    assert cut.endswith("…") and len(cut) <= 16 and text.startswith(cut[:-1])
    assert cut == "one two three…"


def test_clip_cuts_at_a_word_with_a_marker() -> None:
    assert clip("short text", 50) == "short text"
    cut = clip("alpha beta gamma delta", 15)
    assert cut == "alpha beta…" and len(cut) <= 15


def test_clip_never_exceeds_the_limit_even_without_spaces() -> None:
    cut = clip("x" * 50, 10)
    assert len(cut) == 10 and cut.endswith("…")


def test_split_text_keeps_every_word_within_the_limit() -> None:
    text = " ".join(f"w{i}" for i in range(2_000))
    pieces = split_text(text, 200)
    assert all(len(p) <= 200 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_escape_keeps_links_and_mentions_but_escapes_markdown() -> None:
    out = escape("see **this** at https://a.example/x_y_z and ask <@123>\n now")
    assert "\\*\\*this\\*\\*" in out
    assert "https://a.example/x_y_z" in out          # not a\\_b inside a URL
    assert "<@123>" in out and "\n" not in out


def test_plural_reads_one_and_many() -> None:
    assert [plural(n, "message") for n in (0, 1, 2, 2400)] == ["0 messages", "1 message", "2 messages",
                                                                "2,400 messages"]
