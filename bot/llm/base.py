"""One interface, two providers: what summaries and answers look like, whoever makes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.articles.model import Article

Style = Literal["brief", "detailed", "bullets"]
STYLES: tuple[Style, ...] = ("brief", "detailed", "bullets")


@dataclass(slots=True)
class TokenUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: TokenUsage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.calls += other.calls


@dataclass(slots=True)
class Summary:
    title: str
    tldr: str
    key_points: list[str]
    provider: str                  # "extractive" or "llm"
    model: str | None = None
    language: str | None = None
    note: str | None = None        # shown to users, e.g. why the fallback was used
    usage: TokenUsage = field(default_factory=TokenUsage)


@dataclass(frozen=True, slots=True)
class Quote:
    text: str    # verbatim slice of the article text
    start: int   # character offsets into Article.text
    end: int


@dataclass(slots=True)
class Answer:
    text: str
    quotes: list[Quote]
    answerable: bool
    confidence: float              # 0..1
    provider: str
    model: str | None = None
    note: str | None = None
    usage: TokenUsage = field(default_factory=TokenUsage)


# A previous turn in a thread: (question, answer).
Turn = tuple[str, str]


class Summarizer(Protocol):
    name: str

    async def summarize(self, article: Article, *, style: Style = "brief",
                        language: str | None = None) -> Summary: ...


class Answerer(Protocol):
    name: str

    async def answer(self, article: Article, question: str, *, history: Sequence[Turn] = (),
                     language: str | None = None) -> Answer: ...
