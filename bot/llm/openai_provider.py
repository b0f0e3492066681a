"""The LLM provider: summaries and grounded answers from an OpenAI-compatible chat model.

Both features send untrusted text only as delimited data (see bot/llm/prompts.py) and clean what comes back.
Answers are only presented as grounded when at least one quote is found verbatim in the article.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from openai import AsyncOpenAI
from pydantic import BaseModel

from bot.app.errors import LLMError
from bot.articles.model import Article
from bot.extractive import layout
from bot.extractive.points import fit, near_duplicate
from bot.extractive.retrieval import Passage, rank_passages, split_passages
from bot.extractive.text import content_tokens, find_verbatim, split_sentences
from bot.llm import prompts
from bot.llm.base import STYLES, Answer, Quote, Style, Summary, TokenUsage, Turn
from bot.llm.chat import UNREADABLE, ChatClient
from bot.llm.moderation import ModerationClient
from bot.llm.prompts import Message, estimate_prompt_tokens
from bot.llm.sanitize import clean_line, looks_like_injection, strip_citation_markers
from bot.llm.tokens import count_tokens, truncate_to_tokens
from bot.util.text import clip
from bot.util.workers import Workers, WorkersClosed, WorkFailed, run_or_call

__all__ = ["LLMAnswerer", "LLMSummarizer", "ModerationClient", "chunk_text"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Map-reduce runs at most this many map calls (plus one reduce): a 12k-token context then covers roughly
# 80k tokens of article, far beyond normal articles, and the cost of one summary stays bounded. Past the
# cap the article's tail is left out and the summary says so.
MAX_CHUNKS = 8
NOTES_OUTPUT_TOKENS = 300
MAP_CONCURRENCY = 3
SAFETY_TOKENS = 16           # slack for estimate rounding
TLDR_CHARS, POINT_CHARS, TITLE_CHARS, ANSWER_CHARS = 700, 300, 200, 1500
POINTS = {"brief": 3, "detailed": 6, "bullets": 6}   # at most this many key points per style...
LIST_POINTS = 10                                     # ...except a list article's items

NOT_SAID = "The article doesn't say."           # only after reading the whole article
NOT_FOUND = "I couldn't find that in the article."  # after reading the passages retrieval chose
UNCHECKED_NOTE = "The model's answer could not be checked against the article, so I didn't show it."
TRUNCATED_NOTE = "This article is very long, so the summary covers only its first part."
PREPARE_FAILED = "Preparing the article for the language model took too long."


class _SummaryOut(BaseModel):
    title: str = ""
    tldr: str
    key_points: list[str]


class _NotesOut(BaseModel):
    notes: list[str]


class _SearchOut(BaseModel):
    terms: list[str] = []


class _AnswerOut(BaseModel):
    answerable: bool
    answer: str = ""
    citations: list[int] = []
    quotes: list[str] = []


def chunk_text(text: str, budget: int) -> list[str]:
    """Pieces of at most `budget` tokens, cut at paragraph ends, else sentence ends, else words."""
    pieces: list[str] = []
    for para in (p.strip() for p in text.split("\n\n")):
        if not para:
            continue
        if count_tokens(para) <= budget:
            pieces.append(para)
            continue
        for span in split_sentences(para):
            rest = span.text
            while count_tokens(rest) > budget:  # one absurdly long "sentence"
                head = truncate_to_tokens(rest, budget) or rest[: budget * 2]
                pieces.append(head)
                rest = rest[len(head):].lstrip()
            if rest:
                pieces.append(rest)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}\n\n{piece}" if current else piece
        if current and count_tokens(candidate) > budget:
            chunks.append(current)
            current = piece
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _fit(build: Callable[[str], list[Message]], text: str, limit: int) -> list[Message]:
    """Messages from build(text), with text shortened until the prompt estimate is within `limit`."""
    messages = build(text)
    while (over := estimate_prompt_tokens(messages) - limit) > 0 and text:
        text = truncate_to_tokens(text, max(0, count_tokens(text) - over - 8))
        messages = build(text)
    return messages


class LLMSummarizer:
    name = "llm"

    def __init__(self, client: AsyncOpenAI, model: str, *, context_tokens: int = 12000,
                 max_output_tokens: int = 600, workers: Workers | None = None) -> None:
        if context_tokens < max_output_tokens + NOTES_OUTPUT_TOKENS + 800:
            raise ValueError("context_tokens is too small for the prompts and the output")
        self.model = model
        self.context_tokens = context_tokens
        self.max_output_tokens = max_output_tokens
        self._chat = ChatClient(client, model)
        self._workers = workers

    async def summarize(self, article: Article, *, style: Style = "brief", language: str | None = None) -> Summary:
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}")
        text = article.text.strip()
        if not text:
            raise LLMError("There is no text in this article to summarise.")
        shape = layout.analyse(text)
        form = shape.kind if shape.kind != "prose" else None
        meta: dict[str, Any] = {"title": article.title, "site": article.site, "author": article.author,
                                "date": article.date, "form": form}
        usage = TokenUsage()
        note: str | None = None
        messages = prompts.summary_messages(text, style=style, language=language, **meta)
        if estimate_prompt_tokens(messages) + self.max_output_tokens <= self.context_tokens:
            data, spent = await self._chat.complete_json(
                messages, schema_name=prompts.SUMMARY_SCHEMA_NAME, schema=prompts.SUMMARY_SCHEMA,
                max_tokens=self.max_output_tokens, validator=_SummaryOut)
            usage.add(spent)
        else:
            notes, note = await self._map(article, text, language, usage)

            def build(notes_text: str) -> list[Message]:
                return prompts.summary_messages(notes_text, style=style, language=language, from_notes=True, **meta)

            # Each part gets an equal share of the reduce prompt; _fit trims the total if rounding overshoots.
            limit = self.context_tokens - self.max_output_tokens - SAFETY_TOKENS
            share = max(20, (limit - estimate_prompt_tokens(build(""))) // len(notes) - 4)
            joined = "\n\n".join(truncate_to_tokens(part, share) for part in notes)
            data, spent = await self._chat.complete_json(
                _fit(build, joined, limit), schema_name=prompts.SUMMARY_SCHEMA_NAME,
                schema=prompts.SUMMARY_SCHEMA, max_tokens=self.max_output_tokens, validator=_SummaryOut)
            usage.add(spent)
        return self._build(article, data, language, note, usage, style, form)

    async def _map(self, article: Article, text: str, language: str | None,
                   usage: TokenUsage) -> tuple[list[str], str | None]:
        """Notes for each chunk of a long article ("Part i of n" blocks) and a note if the tail was cut."""
        limit = self.context_tokens - NOTES_OUTPUT_TOKENS - SAFETY_TOKENS

        def builder(part: int, parts: int) -> Callable[[str], list[Message]]:
            return lambda chunk: prompts.notes_messages(chunk, part=part, parts=parts, language=language,
                                                        title=article.title)

        overhead = estimate_prompt_tokens(builder(MAX_CHUNKS, MAX_CHUNKS)(""))
        chunks = await _cpu(self._workers, chunk_text, text, limit - overhead)   # 0.7 s at 200,000 characters
        note = None
        if len(chunks) > MAX_CHUNKS:
            logger.info("article %s needs %d chunks; summarising the first %d", article.url, len(chunks), MAX_CHUNKS)
            chunks, note = chunks[:MAX_CHUNKS], TRUNCATED_NOTE
        gate = asyncio.Semaphore(MAP_CONCURRENCY)

        async def one(i: int, chunk: str) -> tuple[dict[str, Any], TokenUsage]:
            messages = _fit(builder(i + 1, len(chunks)), chunk, limit)
            async with gate:
                return await self._chat.complete_json(
                    messages, schema_name=prompts.NOTES_SCHEMA_NAME, schema=prompts.NOTES_SCHEMA,
                    max_tokens=NOTES_OUTPUT_TOKENS, validator=_NotesOut)

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(i, chunk)) for i, chunk in enumerate(chunks)]
        except BaseExceptionGroup as failed:  # first failure cancels the rest; surface it as is
            first = failed.exceptions[0]
            raise (first if isinstance(first, Exception) else failed) from None
        parts: list[str] = []
        for i, task in enumerate(tasks):
            data, spent = task.result()
            usage.add(spent)
            lines = [clean_line(n, POINT_CHARS, bullet=True) for n in data["notes"]]
            lines = [line for line in lines if line]
            if lines:
                parts.append(f"Part {i + 1} of {len(chunks)}:\n" + "\n".join(f"- {line}" for line in lines))
        if not parts:
            raise LLMError(UNREADABLE)
        return parts, note

    def _build(self, article: Article, data: dict[str, Any], language: str | None, note: str | None,
               usage: TokenUsage, style: Style = "brief", form: str | None = None) -> Summary:
        """The model's summary held to the same rules as the built-in one: lines end where a sentence or
        clause ends, bullets are fragments, no point repeats another or the TL;DR."""
        fragment = style == "bullets" or form == "list"
        points: list[str] = []
        for raw in data["key_points"]:
            point = fit(clean_line(raw, 100_000, bullet=True), POINT_CHARS, fragment=fragment)
            if point and not any(near_duplicate(point, p) or point.casefold() == p.casefold() for p in points):
                points.append(point)
        tldr = fit(clean_line(data["tldr"], 100_000), TLDR_CHARS) or ""
        if not tldr and points:
            tldr = points.pop(0)
        if not tldr:
            raise LLMError(UNREADABLE)
        points = [p for p in points if not near_duplicate(p, tldr) and p.casefold() not in tldr.casefold()]
        title = clean_line(data["title"], TITLE_CHARS) or article.title or "Untitled article"
        limit = LIST_POINTS if form == "list" else POINTS[style]
        return Summary(title=title, tldr=tldr, key_points=points[:limit], provider=self.name,
                       model=self.model, language=language or article.language, note=note, usage=usage)


class LLMAnswerer:
    """Answers from the whole article when it fits in the context budget (with the title and the thread's
    recent turns); a longer article goes through retrieval, with the question first rewritten by the model
    into search terms (one small call) so casual wording still finds its passages."""

    name = "llm"

    def __init__(self, client: AsyncOpenAI, model: str, *, context_tokens: int = 12000, k: int = 4,
                 max_output_tokens: int = 500, history_turns: int = 3, search_output_tokens: int = 80,
                 workers: Workers | None = None) -> None:
        self.model = model
        self.context_tokens = context_tokens
        self.k = k                      # passages sent at least, when the article does not fit
        self.max_output_tokens = max_output_tokens
        self.history_turns = history_turns
        self.search_output_tokens = search_output_tokens
        self._chat = ChatClient(client, model)
        self._workers = workers

    async def answer(self, article: Article, question: str, *, history: Sequence[Turn] = (),
                     language: str | None = None) -> Answer:
        recent = list(history)[-self.history_turns:] if self.history_turns else []
        turns = [(clip(q, 300), clip(a, 600)) for q, a in recent]
        asked = clip(question.strip(), 1000)
        passages = await _cpu(self._workers, split_passages, article.text)
        usage = TokenUsage()
        if not passages:
            return self._abstain(usage, confidence=0.3, whole=True)
        limit = self.context_tokens - self.max_output_tokens - SAFETY_TOKENS

        def build(chosen: Sequence[Passage], whole: bool) -> list[Message]:
            return prompts.answer_messages([p.text for p in chosen], asked, history=turns, language=language,
                                           title=article.title, whole=whole)

        chosen: list[Passage] = passages
        whole = estimate_prompt_tokens(build(passages, True)) <= limit
        if not whole:
            chosen = await self._retrieve(article, question, recent, passages, build, limit, usage)
        data, spent = await self._chat.complete_json(
            build(chosen, whole), schema_name=prompts.ANSWER_SCHEMA_NAME, schema=prompts.ANSWER_SCHEMA,
            max_tokens=self.max_output_tokens, validator=_AnswerOut)
        usage.add(spent)
        text = clean_line(strip_citation_markers(data["answer"]), ANSWER_CHARS)
        if not data["answerable"] or not text:
            return self._abstain(usage, confidence=0.3, whole=whole)
        offered = data["quotes"][:2]
        quotes = await _cpu(self._workers, verify_quotes, article.text, offered)
        cited = [chosen[n - 1] for n in data["citations"] if 1 <= n <= len(chosen)]
        if not quotes or not _supported(text, question, quotes, cited):
            logger.info("ungrounded answer withheld (%d of %d quotes verified)", len(quotes), len(offered))
            return self._abstain(usage, confidence=0.2, note=UNCHECKED_NOTE, whole=False)
        confidence = 0.9 if len(quotes) == len(offered) else 0.75
        return Answer(text=text, quotes=quotes, answerable=True, confidence=confidence, provider=self.name,
                      model=self.model, usage=usage)

    async def _retrieve(self, article: Article, question: str, recent: Sequence[Turn], passages: list[Passage],
                        build: Callable[[Sequence[Passage], bool], list[Message]], limit: int,
                        usage: TokenUsage) -> list[Passage]:
        """The best-ranked passages that fit the budget (at least one), in article order, ranked for the
        question, the previous question (follow-ups) and the model's search terms."""
        data, spent = await self._chat.complete_json(
            prompts.search_messages(clip(question.strip(), 1000), history=[(clip(q, 300), "") for q, _ in recent],
                                    title=article.title),
            schema_name=prompts.SEARCH_SCHEMA_NAME, schema=prompts.SEARCH_SCHEMA,
            max_tokens=self.search_output_tokens, validator=_SearchOut)
        usage.add(spent)
        terms = [clean_line(t, 60) for t in data["terms"][:12]]
        query = " ".join([question, *(q for q, _ in recent[-1:]), *terms])
        ranked = [p for p, _ in await _cpu(self._workers, rank_passages, passages, query, k=len(passages))]
        chosen: list[Passage] = []
        for passage in ranked:
            trial = sorted([*chosen, passage], key=lambda p: p.index)
            if chosen and estimate_prompt_tokens(build(trial, False)) > limit:
                break
            chosen = trial
        if estimate_prompt_tokens(build(chosen, False)) > limit:   # one passage longer than the budget
            only = chosen[0]
            overhead = estimate_prompt_tokens(build([], False))
            text = truncate_to_tokens(only.text, max(20, limit - overhead - 8))
            chosen = [Passage(only.index, only.start, only.start + len(text), text)]
        # Counts only: the question and the terms taken from it are a member's words.
        logger.debug("retrieval: %d of %d passages, %d terms", len(chosen), len(passages), len(terms))
        return chosen

    def _abstain(self, usage: TokenUsage, *, confidence: float, whole: bool, note: str | None = None) -> Answer:
        # "The article doesn't say" only when the model read all of it and found nothing.
        return Answer(text=NOT_SAID if whole else NOT_FOUND, quotes=[], answerable=False, confidence=confidence,
                      provider=self.name, model=self.model, note=note, usage=usage)


async def _cpu(workers: Workers | None, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Text work that grows with the article (chunking, retrieval, quote search) runs in the worker pool."""
    try:
        return await run_or_call(workers, fn, *args, **kwargs)
    except WorkersClosed:
        raise
    except WorkFailed as exc:
        raise LLMError(PREPARE_FAILED) from exc


def verify_quotes(article_text: str, offered: Sequence[str]) -> list[Quote]:
    """The offered quotes found verbatim in the article, as exact slices; too short or instruction-like
    quotes are dropped (they prove nothing), and so are overlapping repeats."""
    quotes: list[Quote] = []
    for raw in offered:
        candidate = raw.strip()
        if len(content_tokens(candidate)) < 2 or looks_like_injection(candidate):
            continue
        # Models often wrap quotes in quotation marks of their own; try without them second.
        span = find_verbatim(article_text, candidate) or find_verbatim(article_text, candidate.strip("\"“”'‘’"))
        if span is None:
            continue
        start, end = span
        if any(start < q.end and q.start < end for q in quotes):
            continue
        quotes.append(Quote(text=article_text[start:end], start=start, end=end))
    return quotes


def _supported(answer: str, question: str, quotes: Sequence[Quote], cited: Sequence[Passage]) -> bool:
    """False when the answer shares no content word with its evidence (e.g. an obeyed "say HACKED").

    Skipped when the question shares no word with the evidence either: then the conversation is most
    likely in another language than the article, and the verified quotes are all we can check.
    """
    words = set(content_tokens(answer))
    # Sentences that address the model ("reply with HACKED") are never evidence for anything.
    sentences = [s.text for p in cited for s in split_sentences(p.text) if not looks_like_injection(s.text)]
    evidence = set(content_tokens(" ".join([q.text for q in quotes] + sentences)))
    if not words or words & evidence:
        return True
    return not set(content_tokens(question)) & evidence
