"""What a moderator report holds: plain dataclasses shared by the builder, the renderers and the chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.store.location import Location
from bot.store.member_reports import ReporterReason
from bot.store.moderation import Flag
from bot.store.names import Names


@dataclass(frozen=True, slots=True)
class ChannelCount:
    channel_id: int
    messages: int


@dataclass(frozen=True, slots=True)
class FlagCategory:
    category: str
    count: int
    examples: tuple[Flag, ...]        # highest score first, with jump links


@dataclass(frozen=True, slots=True)
class OpenReport:
    """A member report as reports show it, open or closed."""
    report_id: int
    location: Location
    message_id: int
    author_id: int
    reporters: int
    created_at: int
    jump_url: str
    reasons: tuple[ReporterReason, ...] = ()
    content: str | None = None           # the message as reported; None when the author's text is private
    deleted: bool = False                # the message was deleted since (the snapshot stays)
    resolution: str | None = None        # resolved | dismissed; None while open
    resolved_by: int | None = None
    resolved_at: int | None = None

    @property
    def channel_id(self) -> int:
        return self.location.channel_id

    @property
    def status(self) -> str:
        return "open" if self.resolution is None else "resolved"


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    start_ms: int
    messages: int


@dataclass(frozen=True, slots=True)
class ChannelDigest:
    channel_id: int
    messages: int
    text: str                         # empty when the channel had no readable messages


@dataclass(slots=True)
class Report:
    guild_id: int
    since_ms: int
    until_ms: int
    channel_id: int | None = None
    member_id: int | None = None
    messages: int = 0
    active_members: int = 0
    new_participants: int = 0
    busiest_channels: list[ChannelCount] = field(default_factory=list)
    hours: list[int] = field(default_factory=lambda: [0] * 24)      # messages per UTC hour of day
    edits: int = 0
    deletes: int = 0
    links_shared: int = 0
    top_domains: list[tuple[str, int]] = field(default_factory=list)
    summaries: int = 0
    questions: int = 0
    answered: int = 0
    flags: list[FlagCategory] = field(default_factory=list)
    open_reports: list[OpenReport] = field(default_factory=list)
    resolved_reports: list[OpenReport] = field(default_factory=list)   # closed during the period
    series_unit: Literal["hour", "day"] = "day"
    series: list[SeriesPoint] = field(default_factory=list)
    digests: list[ChannelDigest] = field(default_factory=list)
    names: Names = field(default_factory=Names)        # of the guild, channels, threads and members shown

    @property
    def unanswered(self) -> int:
        """Questions the article didn't answer ("doesn't say")."""
        return self.questions - self.answered

    @property
    def flags_total(self) -> int:
        return sum(c.count for c in self.flags)
