"""Questions asked about articles and the answers given."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database
from bot.store.location import Location


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    guild_id: int | None
    channel_id: int | None
    thread_id: int | None
    user_id: int | None
    url: str
    question: str
    answer: str
    answerable: bool
    confidence: float
    provider: str
    model: str | None
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    created_at: int

    @property
    def location(self) -> Location | None:
        return None if self.channel_id is None else Location(self.channel_id, self.thread_id)


async def add(db: Database, q: QuestionRecord) -> int:
    """Store the question; returns its id."""
    rows = await db.execute_returning(
        "INSERT INTO questions (guild_id, channel_id, thread_id, user_id, url, question, answer, answerable, "
        "confidence, provider, model, prompt_tokens, completion_tokens, latency_ms, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (q.guild_id, q.channel_id, q.thread_id, q.user_id, q.url, q.question, q.answer, int(q.answerable),
         q.confidence, q.provider, q.model, q.prompt_tokens, q.completion_tokens, q.latency_ms, q.created_at))
    return int(rows[0]["id"])


async def thread_history(db: Database, thread_id: int, limit: int = 3) -> list[tuple[str, str]]:
    """The thread's most recent (question, answer) turns, oldest first."""
    rows = await db.fetchall(
        "SELECT question, answer FROM questions WHERE thread_id = ? AND question IS NOT NULL "
        "ORDER BY id DESC LIMIT ?", (thread_id, limit))
    return [(r["question"], r["answer"] or "") for r in reversed(rows)]
