"""Question answering: pick the provider, answer from the article, fall back, and keep a record."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.app.errors import LLMError
from bot.articles.model import Article, first_part
from bot.llm.base import Answer, Answerer, Turn
from bot.settings.budget import Budget
from bot.store import questions as store
from bot.store.db import Database
from bot.store.questions import QuestionRecord
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)

DOESNT_SAY = "The article doesn't say."
PART_READ_NOTE = "The article is very long and I read only its first part."


@dataclass(frozen=True, slots=True)
class AskContext:
    """Where a question was asked (all optional: the CLI has none of it)."""
    guild_id: int | None = None
    channel_id: int | None = None
    thread_id: int | None = None
    user_id: int | None = None


@dataclass(slots=True)
class AnswerResult:
    answer: Answer
    notice: str | None = None


class AnswerService:
    def __init__(self, db: Database, extractive: Answerer, llm: Answerer | None, budget: Budget, *,
                 clock: Callable[[], int] = now_ms) -> None:
        self.db = db
        self.extractive = extractive
        self.llm = llm
        self.budget = budget
        self._clock = clock

    async def history(self, thread_id: int) -> list[Turn]:
        return await store.thread_history(self.db, thread_id)

    async def answer(self, article: Article, question: str, *, context: AskContext = AskContext(),
                     history: Sequence[Turn] = (), language: str | None = None) -> AnswerResult:
        question = " ".join(question.split())[:500]
        article, cut = first_part(article)   # an answer's cost grows with the text: read at most so much
        started = time.perf_counter()
        notice = None
        answerer = self.extractive
        if self.llm is not None:
            if await self.budget.allows_llm(context.guild_id):
                answerer = self.llm
            else:
                notice = self.budget.note_once(context.guild_id)
        try:
            answer = await answerer.answer(article, question, history=history, language=language)
        except LLMError as exc:
            log.warning("LLM answer failed (%s); answering with the extractive provider", exc)
            answer = await self.extractive.answer(article, question, history=history, language=language)
            answer.note = f"{exc.message.rstrip('.')}, so this answer comes from the built-in answerer."
        if cut and not answer.answerable:
            answer.note = f"{answer.note} {PART_READ_NOTE}" if answer.note else PART_READ_NOTE
        if answer.usage.calls:
            await self.budget.record(guild_id=context.guild_id, user_id=context.user_id, feature="answer",
                                     model=answer.model, usage=answer.usage)
        latency = int((time.perf_counter() - started) * 1000)
        await store.add(self.db, QuestionRecord(
            guild_id=context.guild_id, channel_id=context.channel_id, thread_id=context.thread_id,
            user_id=context.user_id, url=article.url, question=question, answer=answer.text,
            answerable=answer.answerable, confidence=answer.confidence, provider=answer.provider,
            model=answer.model, prompt_tokens=answer.usage.prompt_tokens,
            completion_tokens=answer.usage.completion_tokens, latency_ms=latency, created_at=self._clock()))
        return AnswerResult(answer, notice)
