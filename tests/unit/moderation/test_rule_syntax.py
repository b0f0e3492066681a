"""Which /regex/ rules an admin may set: RE2's syntax, one line saying why not."""

from __future__ import annotations

from bot.moderation.rules import regex_problem


def test_rules_that_need_backtracking_are_refused_with_one_line() -> None:
    for rule, why in (("/(?=a)b/", "look-arounds"), ("/(?<!a)b/", "look-arounds"), ("/(a)\\1/", "back-references")):
        problem = regex_problem(rule)
        assert problem is not None and why in problem and "\n" not in problem
    assert regex_problem("/([unclosed/") is not None
    assert regex_problem("/" + "a" * 600 + "/") is not None
    assert regex_problem("/(a+)+$/") is None
