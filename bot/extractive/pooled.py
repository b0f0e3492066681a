"""The built-in providers as the bot runs them: in the worker pool, with a deadline.

Sentence splitting, TextRank and answer scoring are CPU-bound and grow with the article, so they never run
on the event loop. The plain providers (summarizer.py, answerer.py) stay synchronous and are what runs in
the worker; these wrappers only carry the call across.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.app.errors import UserFacingError
from bot.articles.model import Article
from bot.extractive.answerer import ExtractiveAnswerer
from bot.extractive.summarizer import NAME, ExtractiveSummarizer
from bot.llm.base import Answer, Style, Summary, Turn
from bot.util.workers import DEFAULT_DEADLINE, Workers, WorkersClosed, WorkFailed

MSG_SUMMARY_FAILED = "I couldn't summarise that article in time."
MSG_ANSWER_FAILED = "I couldn't work out an answer in time."


class PooledSummarizer:
    name = NAME

    def __init__(self, workers: Workers, inner: ExtractiveSummarizer | None = None, *,
                 deadline: float = DEFAULT_DEADLINE) -> None:
        self._workers = workers
        self._inner = inner or ExtractiveSummarizer()
        self._deadline = deadline

    async def summarize(self, article: Article, *, style: Style = "brief",
                        language: str | None = None) -> Summary:
        try:
            return await self._workers.run(self._inner.summarize_sync, article, style=style, language=language,
                                           timeout=self._deadline)
        except WorkersClosed:
            raise
        except WorkFailed as exc:     # WorkTimeout too: the worker was stopped
            raise UserFacingError(MSG_SUMMARY_FAILED) from exc


class PooledAnswerer:
    name = NAME

    def __init__(self, workers: Workers, inner: ExtractiveAnswerer | None = None, *,
                 deadline: float = DEFAULT_DEADLINE) -> None:
        self._workers = workers
        self._inner = inner or ExtractiveAnswerer()
        self._deadline = deadline

    async def answer(self, article: Article, question: str, *, history: Sequence[Turn] = (),
                     language: str | None = None) -> Answer:
        try:
            return await self._workers.run(self._inner.answer_sync, article, question, history=tuple(history),
                                           language=language, timeout=self._deadline)
        except WorkersClosed:
            raise
        except WorkFailed as exc:
            raise UserFacingError(MSG_ANSWER_FAILED) from exc
