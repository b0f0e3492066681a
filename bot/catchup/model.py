"""What a catch-up holds: plain dataclasses shared by the builder, the LLM writer and the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.catchup.window import Window
from bot.llm.base import TokenUsage


@dataclass(slots=True)
class CatchupTopic:
    title: str
    summary: str
    members: list[int]              # who took part, most active first
    messages: list[str]             # jump links: where it started and its most telling messages
    count: int                      # messages in the topic
    thread_id: int | None = None    # the thread (forum post) it is, when it is one


@dataclass(frozen=True, slots=True)
class SharedLink:
    url: str
    shared_by: int
    message: str                    # jump link to the message that shared it
    title: str | None = None
    tldr: str | None = None         # from the summary we made, when we made one
    summary: str | None = None      # jump link to that summary


@dataclass(frozen=True, slots=True)
class BotQuestion:
    user_id: int
    question: str
    answer: str | None
    answerable: bool


@dataclass(slots=True)
class Catchup:
    window: Window
    logged: int = 0                 # messages the log holds for the window (readable or not)
    readable: int = 0               # of those, what members said that may be shown
    truncated: bool = False         # the window held more than the digest reads (the newest were kept)
    topics: list[CatchupTopic] = field(default_factory=list)
    other_messages: int = 0         # readable messages in no topic shown
    links: list[SharedLink] = field(default_factory=list)
    questions: list[BotQuestion] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)   # member id -> display name as logged
    provider: str = "extractive"
    model: str | None = None
    note: str | None = None         # e.g. why the built-in digest was used
    usage: TokenUsage = field(default_factory=TokenUsage)

    @property
    def empty(self) -> bool:
        return not (self.topics or self.links or self.questions)
