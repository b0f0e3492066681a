"""The built-in digest of a conversation: its topics and most central messages, with no LLM.

Shared by moderators' reports and members' /catchup. Only what members said counts as discussion
(bot/reports/chatter.py: no typed bot commands, no bare links, no lines of mentions); topics come from
clustering the messages (bot/reports/topics.py), in time linear in their number.
"""

from __future__ import annotations

from bot.reports.chatter import discussion_text, is_command
from bot.reports.topics import Topic, Utterance, find_topics
from bot.util.text import clip, escape

__all__ = ["QUOTE_CHARS", "Topic", "Utterance", "discussion_text", "extractive_digest", "find_topics",
           "is_command", "quote"]

QUOTE_CHARS = 140


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    return "“" + escape(clip(" ".join(text.split()), limit)) + "”"


def extractive_digest(texts: list[str], *, quotes: int = 3, topics: int = 5) -> str:
    """"Topics: …" naming each topic found, then up to `quotes` of their most central messages (taken from
    the topics in turn, shown in the order they were said); deterministic, needs no LLM. '' when nothing
    in `texts` is discussion (only links, commands, mentions or one-word replies)."""
    utterances = [Utterance(discussion_text(t)) for t in texts]
    found = find_topics(utterances, limit=topics, central=quotes, terms=4)
    names = [", ".join(escape(w) for w in t.terms) for t in found if t.terms]
    picks: list[int] = []
    for rank in range(quotes):
        for topic in found:
            if rank < len(topic.central) and len(picks) < quotes:
                picks.append(topic.central[rank])
    parts = []
    if names:
        parts.append("Topics: " + "; ".join(names) + ".")
    if picks:
        parts.append(" · ".join(quote(utterances[i].text) for i in sorted(picks)))
    return " ".join(parts)
