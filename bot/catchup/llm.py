"""Catch-up topics worded by the LLM, in parts that each fit within LLM_CONTEXT_TOKENS.

Every topic's transcript is first cut to what one request can hold (its most representative lines, then
the newest, in their order); topics are then packed into as few requests as fit. A long window thus costs
a few bounded calls, never one over the model's context.
"""

from __future__ import annotations

from collections.abc import Sequence

from openai import AsyncOpenAI
from pydantic import BaseModel

from bot.app.errors import LLMError
from bot.catchup.build import TopicDraft, Written
from bot.llm import prompts
from bot.llm.chat import UNREADABLE, ChatClient
from bot.llm.prompts import estimate_prompt_tokens
from bot.llm.sanitize import clean_line
from bot.llm.tokens import count_tokens, truncate_to_tokens

TITLE_CHARS, SUMMARY_CHARS = 100, 500
SAFETY_TOKENS = 16
TOPIC_FRAME_TOKENS = 24     # the <conversation topic="N"> fence around each topic and the blank lines


class _TopicOut(BaseModel):
    topic: int
    title: str
    summary: str


class _TopicsOut(BaseModel):
    topics: list[_TopicOut]


def fit_lines(draft: TopicDraft, limit: int) -> str:
    """The draft's lines within `limit` tokens: its central lines first, then the newest, kept in order."""
    order = [*draft.central, *(i for i in reversed(range(len(draft.lines))) if i not in draft.central)]
    chosen: list[int] = []
    used = 0
    for i in order:
        cost = count_tokens(draft.lines[i]) + 1
        if used + cost > limit:
            if not chosen:   # a single line longer than the room: its beginning
                return truncate_to_tokens(draft.lines[i], limit)
            continue
        chosen.append(i)
        used += cost
    return "\n".join(draft.lines[i] for i in sorted(chosen))


class LLMTopicWriter:
    def __init__(self, client: AsyncOpenAI, model: str, *, context_tokens: int, language: str | None = None
                 ) -> None:
        self.model = model
        self.context_tokens = context_tokens
        self.language = language
        self.max_output_tokens = min(700, context_tokens // 4)
        self._chat = ChatClient(client, model)

    @property
    def room(self) -> int:
        """Tokens of conversation one request may carry."""
        frame = estimate_prompt_tokens(prompts.catchup_messages([], language=self.language))
        return self.context_tokens - self.max_output_tokens - SAFETY_TOKENS - frame - TOPIC_FRAME_TOKENS

    def parts(self, drafts: Sequence[TopicDraft]) -> list[list[tuple[int, str]]]:
        """Topics packed into requests: each part's transcripts together fit one request."""
        room = self.room
        if room < 50:
            raise LLMError("LLM_CONTEXT_TOKENS is too small for a catch-up.")
        parts: list[list[tuple[int, str]]] = []
        used = room + 1
        for draft in drafts:
            text = fit_lines(draft, room)
            if not text:
                continue
            cost = count_tokens(text) + TOPIC_FRAME_TOKENS
            if used + cost > room:
                parts.append([])
                used = 0
            parts[-1].append((draft.number, text))
            used += cost
        return parts

    async def write(self, drafts: Sequence[TopicDraft]) -> Written:
        written = Written({}, model=self.model)
        limit = self.context_tokens - self.max_output_tokens
        for part in self.parts(drafts):
            messages = prompts.catchup_messages(part, language=self.language)
            if estimate_prompt_tokens(messages) > limit:     # never expected: the packing left slack
                raise LLMError("The conversation did not fit the language model's context.")
            data, spent = await self._chat.complete_json(
                messages, schema_name=prompts.CATCHUP_SCHEMA_NAME, schema=prompts.CATCHUP_SCHEMA,
                max_tokens=self.max_output_tokens, validator=_TopicsOut)
            written.usage.add(spent)
            wanted = {number for number, _ in part}
            for item in data["topics"]:
                title = clean_line(str(item["title"]), TITLE_CHARS)
                summary = clean_line(str(item["summary"]), SUMMARY_CHARS)
                if item["topic"] in wanted and title and summary:
                    written.topics[int(item["topic"])] = (title, summary)
        if not written.topics:
            raise LLMError(UNREADABLE)
        return written
