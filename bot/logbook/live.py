"""The live log channel: edits (before and after), deletions (with the text the log stored, since Discord
sends none), bulk deletions and member reports, posted to a channel a guild chooses (off by default).

Events are noted as the log service queues them (an observer: no I/O on the event handlers' path) and
drained by one background job every few seconds into one post per guild, whatever the number of events:
a raid of deletions costs a handful of messages and never trips Discord's rate limits. A drain first
flushes the log writer, so the text of a message deleted a moment after it was posted is there.

Privacy: nothing from channels excluded from the log (or from the live log channel itself); no text of
members who opted out (now or when the message was logged), forgot, or whose text retention purged.
The live log shows what the conversation log stored: with logging off for a guild, it has no text to show.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bot.logbook.rows import Delete, Edit
from bot.logbook.service import LogOp, LogService
from bot.settings.guild import GuildSettings, GuildSettingsService
from bot.store import logquery
from bot.store.db import Database
from bot.store.location import Location
from bot.store.logquery import StoredMessage
from bot.store.member_reports import MemberReport
from bot.util.text import clip, escape, one_line
from bot.util.timeutil import iso, now_ms

log = logging.getLogger(__name__)

CAPACITY = 100_000            # events waiting for a drain; beyond that the oldest are dropped (and counted)
EMBED_ENTRIES = 10            # more events than this (or long ones) go into an attached file
EMBED_CHARS = 3_500
TEXT_CHARS = 300              # per text in the embed; files carry the whole text

Kind = Literal["edited", "deleted", "report"]


@dataclass(frozen=True, slots=True)
class _Noted:
    kind: Literal["edit", "delete", "report"]
    guild_id: int
    at: int
    message_ids: tuple[int, ...] = ()
    location: Location | None = None
    edited_at: int | None = None
    report: MemberReport | None = None
    action: str = ""
    actor_id: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the live log (texts already cleared for privacy)."""
    kind: Kind
    at: int
    location: Location | None
    message_id: int | None = None
    author_id: int | None = None
    author_name: str | None = None
    before: str | None = None         # an edit's earlier text
    text: str | None = None           # an edit's new text, a deleted message's text, a report's snapshot
    note: str | None = None           # why there is no text
    attachments: tuple[str, ...] = ()
    report: ReportLine | None = None


@dataclass(frozen=True, slots=True)
class ReportLine:
    report_id: int
    action: str                       # filed | resolved | dismissed
    actor_id: int | None
    reporters: int
    reasons: tuple[str, ...]          # of reporters who have not opted out

    def describe(self, member: Callable[[int], str]) -> str:
        text = f"report #{self.report_id} {self.action}"
        if self.actor_id:
            text += f" by {member(self.actor_id)}"
        if self.action == "filed":
            text += f" ({self.reporters} reporter{'s' if self.reporters != 1 else ''})"
            if self.reasons:
                text += ": " + "; ".join(f"“{r}”" for r in self.reasons)
        return text


@dataclass(slots=True)
class LiveBatch:
    """What one post to a guild's live log channel carries."""
    guild_id: int
    channel_id: int
    entries: list[Entry] = field(default_factory=list)          # edits, deletions, reports, in order
    bulk: list[list[Entry]] = field(default_factory=list)       # each bulk deletion, one file each

    @property
    def events(self) -> int:
        return len(self.entries) + sum(len(b) for b in self.bulk)


class LiveLog:
    def __init__(self, db: Database, log_service: LogService, guild_settings: GuildSettingsService, *,
                 capacity: int = CAPACITY) -> None:
        self.db = db
        self.log = log_service
        self.guild_settings = guild_settings
        self._pending: deque[_Noted] = deque(maxlen=capacity)
        self.dropped = 0
        log_service.add_observer(self.observe)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _note(self, event: _Noted) -> None:
        if len(self._pending) == self._pending.maxlen:
            self.dropped += 1
        self._pending.append(event)

    def observe(self, op: LogOp) -> None:
        """A log-service observer: edits and deletions the log queued."""
        if isinstance(op, Edit):
            where = op.message.location if op.message is not None else None
            self._note(_Noted("edit", op.guild_id, op.edited_at, (op.message_id,), where, op.edited_at))
        elif isinstance(op, Delete):
            self._note(_Noted("delete", op.guild_id, op.deleted_at, tuple(op.message_ids), op.location))

    def note_report(self, report: MemberReport, action: Literal["filed", "resolved", "dismissed"],
                    actor_id: int | None) -> None:
        self._note(_Noted("report", report.guild_id, now_ms(), (report.message_id,), report.location,
                          report=report, action=action, actor_id=actor_id))

    async def drain(self) -> list[LiveBatch]:
        """Everything noted so far, as one batch per guild that has a live log channel."""
        if not self._pending:
            return []
        events = list(self._pending)
        self._pending.clear()
        settings: dict[int, GuildSettings] = {}
        for event in events:
            if event.guild_id not in settings:
                settings[event.guild_id] = await self.guild_settings.get(event.guild_id)
        events = [e for e in events if settings[e.guild_id].live_log_channel_id is not None]
        if not events:
            return []
        await self.log.writer.flush()   # every noted edit and deletion is committed before it is read
        ids = sorted({i for e in events if e.kind != "report" for i in e.message_ids})
        stored = await logquery.stored_messages(self.db, ids)
        revisions = await logquery.revisions_at(self.db, [e.message_ids[0] for e in events if e.kind == "edit"])
        batches: dict[int, LiveBatch] = {}
        for event in events:
            s = settings[event.guild_id]
            batch = batches.setdefault(event.guild_id, LiveBatch(event.guild_id, s.live_log_channel_id or 0))
            if event.kind == "edit":
                entry = self._edit(event, stored.get(event.message_ids[0]), revisions, s)
                if entry is not None:
                    batch.entries.append(entry)
            elif event.kind == "delete":
                entries = [e for i in event.message_ids
                           if (e := self._deletion(event, i, stored.get(i), s)) is not None]
                if len(event.message_ids) > 1 and entries:
                    batch.bulk.append(entries)
                else:
                    batch.entries.extend(entries)
            elif (entry := self._report(event, s)) is not None:
                batch.entries.append(entry)
        return [b for b in batches.values() if b.events]

    # -- privacy and exclusions ------------------------------------------------------------------

    def _shown(self, s: GuildSettings, where: Location | None) -> bool:
        if where is None:
            return True
        return not ({where.channel_id, where.where} & {*s.log_excluded_channels, s.live_log_channel_id or 0})

    def _private(self, guild_id: int, row: StoredMessage) -> bool:
        return row.private or self.log.is_opted_out(guild_id, row.author_id)

    def _edit(self, event: _Noted, row: StoredMessage | None,
              revisions: dict[tuple[int, int], tuple[str | None, str | None]], s: GuildSettings) -> Entry | None:
        message_id = event.message_ids[0]
        where = row.location if row is not None else event.location
        if not self._shown(s, where):
            return None
        if row is None:
            return Entry("edited", event.at, where, message_id, note="not in the log")
        if self._private(event.guild_id, row):
            return Entry("edited", event.at, where, message_id, row.author_id, row.author_name, note="text private")
        revision = revisions.get((message_id, event.edited_at or 0))
        if revision is None:
            return None   # the text did not change (an embed or a pin), or the edit was already known
        before, after = revision
        return Entry("edited", event.at, where, message_id, row.author_id, row.author_name, before=before,
                     text=after, note=None if before is not None else "earlier text not in the log")

    def _deletion(self, event: _Noted, message_id: int, row: StoredMessage | None, s: GuildSettings
                  ) -> Entry | None:
        where = row.location if row is not None else event.location
        if not self._shown(s, where):
            return None
        if row is None:
            return Entry("deleted", event.at, where, message_id, note="not in the log")
        if self._private(event.guild_id, row):
            return Entry("deleted", event.at, where, message_id, row.author_id, row.author_name, note="text private")
        return Entry("deleted", event.at, where, message_id, row.author_id, row.author_name, text=row.content,
                     attachments=tuple(row.attachments))

    def _report(self, event: _Noted, s: GuildSettings) -> Entry | None:
        report = event.report
        assert report is not None
        if not self._shown(s, report.location):
            return None
        reasons = tuple(one_line(r.reason) for r in report.reasons
                        if r.reason and not self.log.is_opted_out(report.guild_id, r.reporter_id))
        line = ReportLine(report.id, event.action, event.actor_id, report.reporters, reasons)
        private = report.content is None or self.log.is_opted_out(report.guild_id, report.author_id)
        return Entry("report", event.at, report.location, report.message_id, report.author_id,
                     text=None if private or event.action != "filed" else report.content, report=line)


# -- rendering -----------------------------------------------------------------------------------------

_ICONS = {"edited": "✏️", "deleted": "🗑️", "report": "📣"}


def embed_line(entry: Entry, guild_id: int) -> str:
    """An entry for an embed (Discord shows mentions there, and they never ping from the bot)."""
    head = [f"{_ICONS[entry.kind]} **{entry.kind}**"]
    if entry.location is not None:
        head.append(f"in <#{entry.location.where}>")
    if entry.author_id is not None:
        head.append(f"· <@{entry.author_id}>")
    if entry.message_id is not None and entry.location is not None and entry.kind != "deleted":
        head.append(f"· [message]({entry.location.jump_url(guild_id, entry.message_id)})")
    lines = [" ".join(head)]
    if entry.report is not None:
        lines.append(escape(entry.report.describe(lambda i: f"<@{i}>")))
    if entry.note:
        lines.append(f"-# {entry.note}")
    if entry.before is not None:
        lines.append(f"> before: {escape(clip(one_line(entry.before), TEXT_CHARS))}")
    if entry.text is not None:
        prefix = "after: " if entry.kind == "edited" else ""
        lines.append(f"> {prefix}{escape(clip(one_line(entry.text), TEXT_CHARS)) or '(no text)'}")
    if entry.attachments:
        lines.append(f"> files: {escape(', '.join(entry.attachments))}")
    return "\n".join(lines)


def file_line(entry: Entry, channel_name: Callable[[Location], str]) -> str:
    """An entry for an attached text file: names, not mentions (Discord does not resolve them in files), and
    the whole text."""
    parts = [iso(entry.at) or "", entry.kind]
    if entry.location is not None:
        parts.append(f"in {channel_name(entry.location)}")
    if entry.author_id is not None:
        parts.append(f"by {entry.author_name or 'unknown'} (id {entry.author_id})")
    if entry.message_id is not None:
        parts.append(f"message {entry.message_id}")
    lines = [" · ".join(parts)]
    if entry.report is not None:
        lines.append("  " + entry.report.describe(lambda i: f"member {i}"))
    if entry.note:
        lines.append(f"  ({entry.note})")
    if entry.before is not None:
        lines.append("  before: " + entry.before.replace("\n", "\n          "))
    if entry.text is not None:
        label = "after: " if entry.kind == "edited" else "text: "
        lines.append("  " + label + entry.text.replace("\n", "\n        "))
    if entry.attachments:
        lines.append("  files: " + ", ".join(entry.attachments))
    return "\n".join(lines)


def summary_line(batch: LiveBatch) -> str:
    counts: dict[str, int] = {}
    for entry in batch.entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    words = {"edited": "edit", "deleted": "deletion", "report": "report event"}
    parts = [f"{n} {words[k]}{'s' if n != 1 else ''}" for k, n in counts.items()]
    parts += [f"bulk deletion of {len(b)} message{'s' if len(b) != 1 else ''}" for b in batch.bulk]
    return ", ".join(parts)


def fits_embed(batch: LiveBatch) -> bool:
    return len(batch.entries) <= EMBED_ENTRIES and \
        sum(len(embed_line(e, batch.guild_id)) + 2 for e in batch.entries) <= EMBED_CHARS
