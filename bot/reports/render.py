"""Reports as markdown (every section a `## ` heading, "None." when empty) and as JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from bot.reports.model import Report
from bot.util.text import escape
from bot.util.timeutil import from_ms, iso

NONE = "None."
_SPARKS = "▁▂▃▄▅▆▇█"

SECTIONS = ("Activity", "Busiest channels", "Busiest hours (UTC)", "Edits and deletes", "Links shared",
            "Summaries", "Questions", "Flags", "Open member reports", "Messages over time",
            "What was discussed")


def _when(ms: int) -> str:
    return from_ms(ms).strftime("%Y-%m-%d %H:%M")


def sparkline(values: list[int]) -> str:
    """▁ for zero, ▂ to █ for the rest, scaled to the largest value."""
    top = max(values, default=0)
    steps = len(_SPARKS) - 1
    def level(v: int) -> int:
        if v <= 0:
            return 0
        return steps if top <= 1 else 1 + (v - 1) * (steps - 1) // (top - 1)

    return "".join(_SPARKS[level(v)] for v in values)


def render_markdown(report: Report, guild_name: str) -> str:
    r = report
    scope = []
    if r.channel_id is not None:
        scope.append(f"channel <#{r.channel_id}>")
    if r.member_id is not None:
        scope.append(f"member <@{r.member_id}>")
    lines = [f"# Report for {escape(guild_name)}",
             f"{_when(r.since_ms)} → {_when(r.until_ms)} UTC" + (" · " + ", ".join(scope) if scope else "")]
    sections: dict[str, list[str]] = {title: [NONE] for title in SECTIONS}
    sections["Activity"] = [f"- Messages: {r.messages:,}", f"- Active members: {r.active_members:,}",
                            f"- New participants: {r.new_participants:,}"]
    if r.busiest_channels:
        sections["Busiest channels"] = [f"{i}. <#{c.channel_id}> — {c.messages:,} messages"
                                        for i, c in enumerate(r.busiest_channels, 1)]
    if any(r.hours):
        top = sorted(range(24), key=lambda h: (-r.hours[h], h))[:3]
        sections["Busiest hours (UTC)"] = [
            *(f"- {h:02d}:00–{(h + 1) % 24:02d}:00: {r.hours[h]:,} messages" for h in top if r.hours[h]),
            f"- 00→23 h: `{sparkline(r.hours)}`"]
    if r.edits or r.deletes:
        sections["Edits and deletes"] = [f"- Edits: {r.edits:,}", f"- Deleted messages: {r.deletes:,}"]
    if r.links_shared:
        sites = ", ".join(f"{escape(d)} ({n})" for d, n in r.top_domains)
        sections["Links shared"] = [f"- {r.links_shared:,} links"
                                    + (f"; top sites: {sites}" if sites else "")]
    if r.summaries:
        sections["Summaries"] = [f"- {r.summaries:,} article summaries made"]
    if r.questions:
        sections["Questions"] = [f"- {r.questions:,} asked: {r.answered:,} answered, "
                                 f"{r.unanswered:,} where the article doesn't say"]
    if r.flags:
        sections["Flags"] = [
            f"- **{escape(c.category)}** ({c.count:,}): "
            + ", ".join(f"[{i}]({f.jump_url})" for i, f in enumerate(c.examples, 1))
            + (" …" if c.count > len(c.examples) else "") for c in r.flags]
    if r.open_reports:
        sections["Open member reports"] = [
            f"- [message]({o.jump_url}) by <@{o.author_id}> in <#{o.channel_id}> — {o.reporters} "
            f"reporter{'s' if o.reporters != 1 else ''}, since {_when(o.created_at)} UTC"
            for o in r.open_reports]
    if r.messages:
        values = [p.messages for p in r.series]
        peak = max(r.series, key=lambda p: (p.messages, -p.start_ms))
        label = _when(peak.start_ms) if r.series_unit == "hour" else _when(peak.start_ms)[:10]
        sections["Messages over time"] = [f"- per {r.series_unit}: `{sparkline(values)}`",
                                          f"- peak: {peak.messages:,} messages ({label})"]
    if r.digests:
        sections["What was discussed"] = [f"- <#{d.channel_id}> ({d.messages:,} messages): "
                                          + (d.text or "no readable messages.") for d in r.digests]
    for title in SECTIONS:
        lines += ["", f"## {title}", *sections[title]]
    return "\n".join(lines) + "\n"


def _sf(value: int | None) -> str | None:
    return None if value is None else str(value)   # snowflakes exceed JavaScript's safe integers


def render_json(report: Report) -> dict[str, Any]:
    r = report
    return {
        "guild_id": _sf(r.guild_id),
        "period": {"since": iso(r.since_ms), "until": iso(r.until_ms), "since_ms": r.since_ms,
                   "until_ms": r.until_ms},
        "filters": {"channel_id": _sf(r.channel_id), "member_id": _sf(r.member_id)},
        "activity": {"messages": r.messages, "active_members": r.active_members,
                     "new_participants": r.new_participants},
        "busiest_channels": [{"channel_id": _sf(c.channel_id), "messages": c.messages}
                             for c in r.busiest_channels],
        "busiest_hours_utc": list(r.hours),
        "edits": r.edits,
        "deletes": r.deletes,
        "links": {"shared": r.links_shared,
                  "top_domains": [{"domain": d, "links": n} for d, n in r.top_domains]},
        "summaries": r.summaries,
        "questions": {"asked": r.questions, "answered": r.answered, "unanswered": r.unanswered},
        "flags": {"total": r.flags_total, "by_category": [
            {"category": c.category, "count": c.count, "examples": [
                {"message_id": _sf(f.message_id), "channel_id": _sf(f.channel_id),
                 "author_id": _sf(f.author_id), "score": round(f.score, 4), "provider": f.provider,
                 "detail": f.detail,
                 "created_at": iso(f.created_at), "jump_url": f.jump_url} for f in c.examples]}
            for c in r.flags]},
        "open_reports": [{"report_id": o.report_id, "message_id": _sf(o.message_id),
                          "channel_id": _sf(o.channel_id), "author_id": _sf(o.author_id),
                          "reporters": o.reporters, "created_at": iso(o.created_at), "jump_url": o.jump_url}
                         for o in r.open_reports],
        "series": {"unit": r.series_unit,
                   "points": [{"start": iso(p.start_ms), "messages": p.messages} for p in r.series]},
        "digests": [{"channel_id": _sf(d.channel_id), "messages": d.messages, "text": d.text}
                    for d in r.digests],
    }
