"""Question answering: pick the provider, answer from the article, fall back, and keep a record."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.app.errors import LLMError
from bot.articles.model import Article, first_part
from bot.extractive.boilerplate import without_furniture
from bot.llm.base import Answer, Answerer, Turn
from bot.settings.budget import Budget
from bot.store import questions as store
from bot.store.db import Database
from bot.store.questions import QuestionRecord
from bot.util.timeutil import now_ms
from bot.util.workers import Workers, WorkersClosed, WorkFailed, run_or_call

log = logging.getLogger(__name__)

PART_READ_NOTE = "The article is very long and I read only its first part."
PART_NOT_FOUND = "I couldn't find that in the first part of this very long article, which is all I read."
# Below this many words the extraction most likely got a sliver of the page (a teaser, a sidebar), and
# neither provider can say what "the article" holds.
SHORT_TEXT_WORDS = 150


def short_text_note(article: Article) -> str | None:
    """How much of the page could be read, when that is little."""
    words = article.words
    if words >= SHORT_TEXT_WORDS:
        return None
    return (f"Only {words} word{'s' if words != 1 else ''} could be read from this page, "
            "so the answer may be missing from what I saw.")


def not_found_in_sliver(article: Article) -> str:
    return f"I couldn't find that in the {article.words} words I could read from this page."


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
                 clock: Callable[[], int] = now_ms, workers: Workers | None = None) -> None:
        self.db = db
        self.workers = workers
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
        # Comments aren't the article; judging it sentence by sentence is CPU-bound, so it runs in the pool.
        page = article
        try:
            article = await run_or_call(self.workers, without_furniture, article)
        except WorkersClosed:
            raise
        except WorkFailed:
            log.warning("sorting out the furniture of %s failed; answering from the whole page", article.url)
        notice = None
        answerer = self.extractive
        if self.llm is not None:
            if await self.budget.allows_llm(context.guild_id):
                answerer = self.llm
            else:
                notice = await self.budget.note_once(context.guild_id)
        try:
            answer = await answerer.answer(article, question, history=history, language=language)
        except LLMError as exc:
            log.warning("LLM answer failed (%s); answering with the extractive provider", exc)
            answer = await self.extractive.answer(article, question, history=history, language=language)
            answer.note = f"{exc.message.rstrip('.')}, so this answer comes from the built-in answerer."
        if (sliver := short_text_note(page)) is not None:
            if not answer.answerable:          # "the article doesn't say" is a claim we cannot make here
                answer.text = not_found_in_sliver(page)
            answer.note = f"{answer.note} {sliver}" if answer.note else sliver
        if cut and not answer.answerable:      # nor after reading only the first part
            answer.text = PART_NOT_FOUND
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
