"""A catch-up as Discord embed parts (within Discord's limits), as Markdown for the CLI, and as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.catchup.model import Catchup, CatchupTopic, SharedLink
from bot.util.text import clip, escape, link_label, plural
from bot.util.timeutil import iso, minute

FIELD, TOTAL, FIELDS = 1024, 5800, 25      # Discord's embed limits (total kept a little under 6000)
SUMMARY_CHARS = 600
MEMBERS_SHOWN = 5


@dataclass(slots=True)
class EmbedParts:
    """What the cog turns into a discord.Embed (this module stays free of Discord types)."""
    title: str
    description: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""


def _provider(c: Catchup) -> str:
    return f"AI digest ({c.model})" if c.provider == "llm" and c.model else "built-in digest"


def _members(ids: list[int]) -> str:
    shown = " ".join(f"<@{m}>" for m in ids[:MEMBERS_SHOWN])
    return shown + (f" +{len(ids) - MEMBERS_SHOWN}" if len(ids) > MEMBERS_SHOWN else "")


def _jumps(urls: list[str]) -> str:
    return " · ".join(f"[{'start' if i == 0 else i + 1}]({url})" for i, url in enumerate(urls))


def empty_text(c: Catchup, place: str) -> str | None:
    """The one line to show when there is nothing to catch up on, else None."""
    if c.logged == 0:
        return f"Nothing was logged in {place} {c.window.label}."
    if c.empty:
        return c.note or (f"Nothing to catch up on in {place} {c.window.label}: what the log holds there "
                          f"({plural(c.logged, 'message')}) is commands, bare links, short replies or private.")
    return None


def topic_field(topic: CatchupTopic) -> tuple[str, str]:
    name = clip(f"{escape(topic.title)} ({plural(topic.count, 'message')})", 256)
    tail = f"\nwith {_members(topic.members)}\n{_jumps(topic.messages)}"
    room = FIELD - len(tail)
    return name, clip(escape(topic.summary), min(SUMMARY_CHARS, room)) + tail


def _link_line(link: SharedLink) -> str:
    label = link_label(link.title or link.url, 120)   # a page's title must not end the link early
    line = f"• [{label}]({link.url}) by <@{link.shared_by}> ([message]({link.message}))"
    if link.tldr:
        line += f": {escape(clip(link.tldr, 220))}"
    if link.summary:
        line += f" [summary]({link.summary})"
    return line


def _lines_field(lines: list[str]) -> str:
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > FIELD:
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def embed_parts(c: Catchup, place: str) -> EmbedParts:
    members = len({m for t in c.topics for m in t.members})
    lines = [f"{c.window.label.capitalize()} (<t:{c.window.since_ms // 1000}:R>): {plural(c.readable, 'message')}"
             + (f" from {plural(members, 'member')} in the topics below" if c.topics else "") + "."]
    if c.truncated:
        lines.append("That's a lot: this covers the newest ones.")
    if c.note:
        lines.append(f"-# {c.note}")
    parts = EmbedParts(title=clip(f"Catch-up: {place}", 256), description="\n".join(lines))
    candidates = [topic_field(t) for t in c.topics]
    if c.links:
        candidates.append(("Links shared", _lines_field([_link_line(link) for link in c.links])))
    if c.questions:
        candidates.append(("Questions asked of Precis", _lines_field([
            f"• <@{q.user_id}>: {escape(clip(q.question, 200))} — "
            + (escape(clip(q.answer, 200)) if q.answerable and q.answer else "not found in the article")
            for q in c.questions])))
    footer = _provider(c)
    if c.other_messages > 0:
        footer = f"{plural(c.other_messages, 'more message')} in no topic above · {footer}"
    parts.footer = footer
    used = len(parts.title) + len(parts.description) + len(footer)
    for name, value in candidates[:FIELDS]:
        if value and used + len(name) + len(value) <= TOTAL:
            parts.fields.append((name, value))
            used += len(name) + len(value)
    return parts


def render_markdown(c: Catchup, place: str) -> str:
    """The CLI's text: names rather than mentions, full URLs."""
    w = c.window
    def name(member: int) -> str:
        return c.names.get(member, str(member))

    lines = [f"# Catch-up: {place}", f"{minute(w.since_ms)} → {minute(w.until_ms)} UTC ({w.label})"]
    empty = empty_text(c, place)
    if empty:
        return "\n".join([*lines, "", empty]) + "\n"
    lines.append(f"{plural(c.readable, 'message')}; {_provider(c)}" + (f". {c.note}" if c.note else "")
                 + (" (the newest messages of a longer window)" if c.truncated else ""))
    for topic in c.topics:
        lines += ["", f"## {topic.title} ({plural(topic.count, 'message')})", topic.summary,
                  "Members: " + ", ".join(name(m) for m in topic.members), *(f"- {u}" for u in topic.messages)]
    if c.other_messages:
        lines += ["", f"{plural(c.other_messages, 'more message')} in no topic above."]
    if c.links:
        lines += ["", "## Links shared"]
        for link in c.links:
            line = f"- {link.title or link.url} <{link.url}> shared by {name(link.shared_by)} ({link.message})"
            lines.append(line + (f"\n  TL;DR {link.tldr}" if link.tldr else ""))
    if c.questions:
        lines += ["", "## Questions asked of the bot"]
        lines += [f"- {name(q.user_id)}: {q.question} — "
                  + (q.answer if q.answerable and q.answer else "not found in the article") for q in c.questions]
    return "\n".join(lines) + "\n"


def render_json(c: Catchup) -> dict[str, Any]:
    """`{"channel", "since", "until", "topics": [{"title", "summary", "members", "messages"}], "links",
    "provider"}`; ids as strings (snowflakes exceed JavaScript's safe integers)."""
    w = c.window
    return {
        "channel": str(w.location.where),
        "since": iso(w.since_ms),
        "until": iso(w.until_ms),
        "topics": [{"title": t.title, "summary": t.summary, "members": [str(m) for m in t.members],
                    "messages": list(t.messages)} for t in c.topics],
        "links": [{"url": link.url, "title": link.title, "tldr": link.tldr, "shared_by": str(link.shared_by),
                   "message": link.message, "summary": link.summary} for link in c.links],
        "provider": c.provider,
    }
