"""Packing a catch-up's topics into LLM requests that each fit the configured context."""

from __future__ import annotations

from openai import AsyncOpenAI

from bot.catchup.build import TopicDraft
from bot.catchup.llm import LLMTopicWriter, fit_lines
from bot.llm import prompts
from bot.llm.tokens import count_tokens


def draft(number: int, lines: int, words: int = 30) -> TopicDraft:
    return TopicDraft(number, [f"member{i}: " + " ".join(f"w{number}x{i}x{k}" for k in range(words))
                               for i in range(lines)], central=[lines // 2])


def test_a_topic_too_long_for_one_request_keeps_its_central_then_newest_lines_in_order() -> None:
    d = draft(1, 40)
    text = fit_lines(d, 400)
    kept = text.splitlines()
    assert count_tokens(text) <= 400 and d.lines[20] in kept and d.lines[-1] in kept and d.lines[0] not in kept
    assert kept == [line for line in d.lines if line in kept]


async def test_parts_fit_the_context_and_cover_every_topic() -> None:
    client = AsyncOpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1")
    try:
        writer = LLMTopicWriter(client, "m", context_tokens=2_000)
        drafts = [draft(n, 12) for n in range(1, 6)]
        parts = writer.parts(drafts)
        assert len(parts) >= 2 and sorted(n for part in parts for n, _ in part) == [1, 2, 3, 4, 5]
        for part in parts:
            messages = prompts.catchup_messages(part)
            assert prompts.estimate_prompt_tokens(messages) + writer.max_output_tokens <= 2_000
        roomy = LLMTopicWriter(client, "m", context_tokens=100_000)
        assert len(roomy.parts(drafts)) == 1
    finally:
        await client.close()
