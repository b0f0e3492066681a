"""Reports as markdown (every section a `## ` heading, "None." when empty) and as JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from bot.reports import labels
from bot.reports.model import OpenReport, Report
from bot.util.text import clip, escape, plural
from bot.util.timeutil import iso, minute

NONE = "None."
_SPARKS = "▁▂▃▄▅▆▇█"

SECTIONS = ("Activity", "Busiest channels", "Busiest hours (UTC)", "Edits and deletes", "Links shared",
            "Summaries", "Questions", "Flags", "Open member reports", "Resolved member reports",
            "Messages over time", "What was discussed")
SNAPSHOT_CHARS = 300


def sparkline(values: list[int]) -> str:
    """▁ for zero, ▂ to █ for the rest, scaled to the largest value."""
    top = max(values, default=0)
    steps = len(_SPARKS) - 1
    def level(v: int) -> int:
        if v <= 0:
            return 0
        return steps if top <= 1 else 1 + (v - 1) * (steps - 1) // (top - 1)

    return "".join(_SPARKS[level(v)] for v in values)


def _report_lines(r: Report, o: OpenReport) -> list[str]:
    """A member report: the message, who wrote it where, its reasons and the text as reported."""
    n = r.names
    head = (f"- #{o.report_id} [message]({o.jump_url}) by {labels.member(n, o.author_id)} in "
            f"{labels.place(n, o.location)} — {o.reporters} reporter{'s' if o.reporters != 1 else ''}, "
            f"since {minute(o.created_at)} UTC")
    if o.deleted:
        head += " · message deleted since"
    if o.resolution is not None:
        who = f" by {labels.member(n, o.resolved_by)}" if o.resolved_by else ""
        head += f" · {o.resolution}{who}" + (f" at {minute(o.resolved_at)} UTC" if o.resolved_at else "")
    lines = [head]
    lines += [f"  - {labels.member(n, reason.reporter_id)}: "
              + (f"“{escape(clip(reason.reason, SNAPSHOT_CHARS))}”" if reason.reason else "no reason given")
              for reason in o.reasons]
    lines.append(f"  - as reported: “{escape(clip(o.content, SNAPSHOT_CHARS))}”" if o.content
                 else "  - as reported: the author's text is private")
    return lines


def render_markdown(report: Report, guild_name: str | None = None) -> str:
    """`guild_name` heads the report; else the name the bot saw for the guild, else its id."""
    r = report
    n = r.names
    scope = []
    if r.channel_id is not None:
        scope.append(f"channel {labels.channel(n, r.channel_id)}")
    if r.member_id is not None:
        scope.append(f"member {labels.member(n, r.member_id)}")
    heading = guild_name or n.guild or f"guild {r.guild_id}"
    lines = [f"# Report for {escape(heading)}",
             f"{minute(r.since_ms)} → {minute(r.until_ms)} UTC" + (" · " + ", ".join(scope) if scope else "")]
    sections: dict[str, list[str]] = {title: [NONE] for title in SECTIONS}
    sections["Activity"] = [f"- Messages: {r.messages:,}", f"- Active members: {r.active_members:,}",
                            f"- New participants: {r.new_participants:,}"]
    if r.busiest_channels:
        sections["Busiest channels"] = [f"{i}. {labels.channel(n, c.channel_id)} — {plural(c.messages, 'message')}"
                                        for i, c in enumerate(r.busiest_channels, 1)]
    if any(r.hours):
        top = sorted(range(24), key=lambda h: (-r.hours[h], h))[:3]
        sections["Busiest hours (UTC)"] = [
            *(f"- {h:02d}:00–{(h + 1) % 24:02d}:00: {plural(r.hours[h], 'message')}" for h in top if r.hours[h]),
            f"- 00→23 h: `{sparkline(r.hours)}`"]
    if r.edits or r.deletes:
        sections["Edits and deletes"] = [f"- Edits: {r.edits:,}", f"- Deleted messages: {r.deletes:,}"]
    if r.links_shared:
        sites = ", ".join(f"{escape(d)} ({n})" for d, n in r.top_domains)
        sections["Links shared"] = [f"- {plural(r.links_shared, 'link')}"
                                    + (f"; top sites: {sites}" if sites else "")]
    if r.summaries:
        sections["Summaries"] = [f"- {r.summaries:,} article summaries made"]
    if r.questions:
        sections["Questions"] = [f"- {r.questions:,} asked: {r.answered:,} answered, "
                                 f"{r.unanswered:,} not answered from the article"]
    if r.flags:
        sections["Flags"] = [
            f"- **{escape(c.category)}** ({c.count:,}): "
            + ", ".join(f"[{i}]({f.jump_url}) {labels.member(n, f.author_id)} in {labels.place(n, f.location)}"
                        for i, f in enumerate(c.examples, 1))
            + (" …" if c.count > len(c.examples) else "") for c in r.flags]
    if r.open_reports:
        sections["Open member reports"] = [line for o in r.open_reports for line in _report_lines(r, o)]
    if r.resolved_reports:
        sections["Resolved member reports"] = [line for o in r.resolved_reports for line in _report_lines(r, o)]
    if r.messages:
        values = [p.messages for p in r.series]
        peak = max(r.series, key=lambda p: (p.messages, -p.start_ms))
        label = minute(peak.start_ms) if r.series_unit == "hour" else minute(peak.start_ms)[:10]
        sections["Messages over time"] = [f"- per {r.series_unit}: `{sparkline(values)}`",
                                          f"- peak: {plural(peak.messages, 'message')} ({label})"]
    if r.digests:
        sections["What was discussed"] = [f"- {labels.channel(n, d.channel_id)} ({plural(d.messages, 'message')}): "
                                          + (d.text or "no readable messages.") for d in r.digests]
    for title in SECTIONS:
        lines += ["", f"## {title}", *sections[title]]
    return "\n".join(lines) + "\n"


def _sf(value: int | None) -> str | None:
    return None if value is None else str(value)   # snowflakes exceed JavaScript's safe integers


def _report_json(r: Report, o: OpenReport) -> dict[str, Any]:
    n = r.names
    return {"report_id": o.report_id, "message_id": _sf(o.message_id), "channel_id": _sf(o.channel_id),
            "author_id": _sf(o.author_id), "reporters": o.reporters, "created_at": iso(o.created_at),
            "jump_url": o.jump_url,
            "thread_id": _sf(o.location.thread_id), "channel_name": labels.plain_place(n, o.location),
            "author_name": labels.plain_member(n, o.author_id), "status": o.status, "resolution": o.resolution,
            "resolved_by": _sf(o.resolved_by),
            "resolved_by_name": labels.plain_member(n, o.resolved_by) if o.resolved_by else None,
            "resolved_at": iso(o.resolved_at), "deleted": o.deleted, "content": o.content,
            "reasons": [{"reporter_id": _sf(x.reporter_id), "reporter_name": labels.plain_member(n, x.reporter_id),
                         "reason": x.reason, "created_at": iso(x.created_at)} for x in o.reasons]}


def render_json(report: Report) -> dict[str, Any]:
    """Keys are only ever added (scripts read them); snowflakes are strings, names None when unknown."""
    r = report
    names = r.names
    return {
        "guild_id": _sf(r.guild_id),
        "period": {"since": iso(r.since_ms), "until": iso(r.until_ms), "since_ms": r.since_ms,
                   "until_ms": r.until_ms},
        "filters": {"channel_id": _sf(r.channel_id), "member_id": _sf(r.member_id),
                    "channel_name": labels.channel_name(names, r.channel_id) if r.channel_id else None,
                    "member_name": labels.plain_member(names, r.member_id) if r.member_id else None},
        "activity": {"messages": r.messages, "active_members": r.active_members,
                     "new_participants": r.new_participants},
        "busiest_channels": [{"channel_id": _sf(c.channel_id), "messages": c.messages,
                              "channel_name": labels.channel_name(names, c.channel_id)} for c in r.busiest_channels],
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
                 "created_at": iso(f.created_at), "jump_url": f.jump_url,
                 "thread_id": _sf(f.location.thread_id), "channel_name": labels.plain_place(names, f.location),
                 "author_name": labels.plain_member(names, f.author_id)} for f in c.examples]}
            for c in r.flags]},
        "open_reports": [_report_json(r, o) for o in r.open_reports],
        "series": {"unit": r.series_unit,
                   "points": [{"start": iso(p.start_ms), "messages": p.messages} for p in r.series]},
        "digests": [{"channel_id": _sf(d.channel_id), "messages": d.messages, "text": d.text,
                     "channel_name": labels.channel_name(names, d.channel_id)} for d in r.digests],
        "guild_name": names.guild,
        "resolved_reports": [_report_json(r, o) for o in r.resolved_reports],
    }
