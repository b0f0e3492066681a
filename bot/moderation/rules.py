"""Local moderation rules: the guild's words and /regexes/, mass mentions, invite links and flooding.

Stateless checks (`check_content`, `check_batch`) run in the worker pool; `FloodWindow` remembers recent
messages per member, fed in scan order by the flagger.

An admin's /regex/ is matched by RE2, in time linear in the message whatever the pattern: Python's
backtracking `re` takes seconds on /(a+)+$/ and a 22-character message, and doubles with every character.
RE2 has no look-arounds or back-references; `regex_problem` says so when a rule is set.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import Any

import re2

from bot.store.moderation import ScanRow

log = logging.getLogger(__name__)

MASS_MENTION_USERS = 5          # distinct <@id> mentions that make a mass mention
FLOOD_BURST = 6                 # messages by one author in one channel ...
FLOOD_BURST_MS = 10_000         # ... within this time
FLOOD_REPEAT = 3                # the same text by one author ...
FLOOD_REPEAT_MS = 60_000        # ... within this time
FLOOD_MAX_KEYS = 20_000         # guild/author windows kept in memory (least recently seen dropped)
FLOOD_MAX_ENTRIES = 64          # entries kept per window

_EVERYONE = re.compile(r"(?<![\w@])@(?:everyone|here)\b", re.IGNORECASE)
_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_INVITE = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.|ptb\.|canary\.)?(?:discord\.gg|discord(?:app)?\.com/invite)/[\w-]{2,}",
    re.IGNORECASE)


MAX_REGEX_CHARS = 500


def is_regex_rule(rule: str) -> bool:
    return len(rule) > 2 and rule.startswith("/") and rule.endswith("/")


def _re2_options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False    # a refused pattern is reported once, by regex_problem
    return options


def _compile_regex(body: str) -> Any:
    return re2.compile(body, _re2_options())


def regex_problem(rule: str) -> str | None:
    """Why the /regex/ rule cannot be used (one line), or None if it can."""
    body = rule[1:-1]
    if len(body) > MAX_REGEX_CHARS:
        return f"{rule[:40]}… is longer than {MAX_REGEX_CHARS} characters"
    try:
        _compile_regex(body)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) \
            else str(exc)
        if detail.startswith("invalid perl operator: (?<") or detail.startswith(("invalid perl operator: (?=",
                                                                                 "invalid perl operator: (?!")):
            why = "look-arounds can't be matched in linear time"
        elif re.match(r"invalid escape sequence: \\[1-9]", detail):
            why = "back-references can't be matched in linear time"
        else:
            why = detail
        return f"{rule} is not a regular expression I can use: {why}"
    return None


@functools.lru_cache(maxsize=512)
def compile_rules(rules: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    """Each rule as (label, pattern): /regex/ as written (RE2), else a whole word or phrase; case-insensitive."""
    out: list[tuple[str, Any]] = []
    for rule in rules:
        rule = rule.strip()
        if not rule:
            continue
        if is_regex_rule(rule):
            problem = regex_problem(rule)
            if problem is None:
                out.append((rule, _compile_regex(rule[1:-1])))
            else:   # settings refuse such rules; one stored before they did may remain
                log.warning("ignoring the moderation rule %s: %s", rule, problem)
            continue
        out.append((f'"{rule}"', re.compile(rf"(?<!\w){re.escape(rule)}(?!\w)", re.IGNORECASE)))
    return tuple(out)


def check_batch(items: Sequence[tuple[str, tuple[str, ...]]]) -> list[list[tuple[str, str]]]:
    """`check_content` for many (content, rules) pairs at once: one trip to a worker for a scan's chunk."""
    return [check_content(content, rules) for content, rules in items]


def check_content(content: str, rules: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(category, detail) for every local rule the text breaks, except flooding (which needs history)."""
    hits: list[tuple[str, str]] = []
    matched = [label for label, pattern in compile_rules(tuple(rules)) if pattern.search(content)]
    if matched:
        hits.append(("rule", "matched " + ", ".join(matched)))
    users = set(_USER_MENTION.findall(content))
    if _EVERYONE.search(content):
        hits.append(("mass_mention", "@everyone/@here"))
    elif len(users) >= MASS_MENTION_USERS:
        hits.append(("mass_mention", f"{len(users)} members mentioned"))
    if _INVITE.search(content):
        hits.append(("invite", "server invite link"))
    return hits


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


class FloodWindow:
    """Recent messages per (guild, author), bounded in keys and entries, fed in scan order."""

    def __init__(self, *, max_keys: int = FLOOD_MAX_KEYS) -> None:
        self._max_keys = max_keys
        self._windows: OrderedDict[tuple[int, int], deque[tuple[int, int, str]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def observe(self, row: ScanRow) -> str | None:
        """Record the message; the flood detail if it completes a burst or a repeat, else None."""
        if row.content is None:
            return None
        key = (row.guild_id, row.author_id)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = deque(maxlen=FLOOD_MAX_ENTRIES)
            if len(self._windows) > self._max_keys:
                self._windows.popitem(last=False)
        else:
            self._windows.move_to_end(key)
        while window and window[0][0] <= row.created_at - FLOOD_REPEAT_MS:
            window.popleft()
        text = normalise(row.content)
        window.append((row.created_at, row.channel_id, text))
        burst = sum(1 for at, channel, _ in window
                    if channel == row.channel_id and at > row.created_at - FLOOD_BURST_MS)
        repeats = sum(1 for _, _, seen in window if seen == text) if text else 0
        reasons = []
        if burst >= FLOOD_BURST:
            reasons.append(f"{burst} messages in {FLOOD_BURST_MS // 1000} s in one channel")
        if repeats >= FLOOD_REPEAT:
            reasons.append(f"same text {repeats} times in {FLOOD_REPEAT_MS // 1000} s")
        return "; ".join(reasons) or None
