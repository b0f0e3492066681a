"""What of a chat message counts as discussion."""

from __future__ import annotations

import pytest

from bot.reports.chatter import discussion_text, is_command


@pytest.mark.parametrize("text", ["!play harbour shanties", "?rank", ".ban @someone", "/roll 2d6", "$price btc",
                                  "  !skip"])
def test_typed_bot_commands_are_not_discussion(text: str) -> None:
    assert is_command(text) and discussion_text(text) == ""


@pytest.mark.parametrize("text", ["...anyway, the ferry", "? what do you mean", "-1 for that idea", "!!! wow",
                                  "> quoted: the ferry is late", "3.5 million for the roof"])
def test_punctuation_that_is_not_a_command_stays(text: str) -> None:
    assert not is_command(text) and discussion_text(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("https://example.com/a", ""),
    ("<https://example.com/a>", ""),
    ("<@123> <@!456> <@&789> <#42>", ""),
    ("@everyone @here", ""),
    ("<:harbour:123456> <a:wave:42> <t:1700000000:R>", ""),
    ("```python\nprint('ferry')\n```", ""),
    ("great read https://example.com/a?b=c thanks <@123>", "great read thanks"),
    ("the answer is ||a spoiler|| really", "the answer is really"),
    ("## Ferry news\nThe timetable changes", "Ferry news The timetable changes"),
    ("C# at 10:30 @ the pier, ok?", "C# at 10:30 @ the pier, ok?"),
    ("", ""),
    (None, ""),
])
def test_links_mentions_markup_code_and_spoilers_are_removed(text: str | None, expected: str) -> None:
    assert discussion_text(text) == expected
