"""The loopback OpenAI fake, driven by the real AsyncOpenAI client over a real socket."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI

from bot.llm import prompts
from bot.llm.tokens import count_tokens
from tests.fakes.fake_openai import (
    CHAT,
    MODERATIONS,
    Drop,
    FakeOpenAI,
    Reply,
    Slow,
    rate_limited,
    server_error,
)
from tests.fakes.openai_plugin import OpenAIClientFactory

HELLO = [{"role": "user", "content": "Hello there, fake model."}]


async def complete(client: AsyncOpenAI, **kwargs: Any) -> Any:
    """chat.completions.create without its overloads (tests pass plain dicts and flags)."""
    return await client.chat.completions.create(**kwargs)


async def test_plain_completion_has_ids_and_usage(fake_openai: FakeOpenAI, openai_client: AsyncOpenAI) -> None:
    resp = await complete(openai_client, model="fake-gpt", messages=HELLO)
    assert resp.id.startswith("chatcmpl-")
    assert resp.model == "fake-gpt"
    assert resp.system_fingerprint
    content = resp.choices[0].message.content
    assert content == "Echo: Hello there, fake model."
    assert resp.usage is not None
    assert resp.usage.prompt_tokens == count_tokens(HELLO[0]["content"]) + 4
    assert resp.usage.completion_tokens == count_tokens(content)
    assert len(fake_openai.calls(CHAT)) == 1
    assert fake_openai.calls(CHAT)[0].headers["Authorization"] == "Bearer test-key"


async def test_structured_output_uses_the_article_in_the_prompt(
        fake_openai: FakeOpenAI, openai_client: AsyncOpenAI) -> None:
    article = ("Harbourtown opened its floating library on Monday. The barge holds four thousand books. "
               "Volunteers row it between the piers. The mayor plans a second barge. Children get free cards.")
    messages = prompts.summary_messages(article, style="brief", language=None, title="Floating library")
    resp = await complete(openai_client,
        model="fake-gpt", messages=messages,
        response_format={"type": "json_schema", "json_schema": {
            "name": prompts.SUMMARY_SCHEMA_NAME, "schema": prompts.SUMMARY_SCHEMA, "strict": True}})
    data = json.loads(resp.choices[0].message.content or "")
    assert data["title"] == "Floating library"
    assert data["tldr"] == "Harbourtown opened its floating library on Monday."
    assert data["key_points"][0] == "The barge holds four thousand books."
    assert 3 <= len(data["key_points"]) <= 5


async def test_json_object_and_unknown_schema(openai_client: AsyncOpenAI) -> None:
    resp = await complete(openai_client,
        model="fake-gpt", messages=HELLO, response_format={"type": "json_object"})
    assert json.loads(resp.choices[0].message.content or "") == {"reply": "Echo: Hello there, fake model."}
    schema = {"type": "object", "properties": {"n": {"type": "integer"}, "ok": {"type": "boolean"}},
              "required": ["n", "ok"], "additionalProperties": False}
    resp = await complete(openai_client,
        model="fake-gpt", messages=HELLO,
        response_format={"type": "json_schema", "json_schema": {"name": "other", "schema": schema}})
    assert json.loads(resp.choices[0].message.content or "") == {"n": 1, "ok": True}


async def test_streaming_with_usage(fake_openai: FakeOpenAI, openai_client: AsyncOpenAI) -> None:
    long_text = "word " * 40
    fake_openai.script(Reply(long_text))
    stream = await complete(openai_client,
        model="fake-gpt", messages=HELLO, stream=True,
        stream_options={"include_usage": True})
    pieces: list[str] = []
    usage = None
    finish = None
    chunks = 0
    async for chunk in stream:
        chunks += 1
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    assert "".join(pieces) == long_text
    assert chunks > 3
    assert finish == "stop"
    assert usage is not None and usage.completion_tokens == count_tokens(long_text)


async def test_streaming_without_usage_option(openai_client: AsyncOpenAI) -> None:
    stream = await complete(openai_client,
        model="fake-gpt", messages=HELLO, stream=True)
    chunks = [chunk async for chunk in stream]
    assert all(chunk.usage is None for chunk in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: Hello there, fake model."


async def test_max_tokens_cuts_with_length(fake_openai: FakeOpenAI, openai_client: AsyncOpenAI) -> None:
    fake_openai.script(Reply("one two three four five six seven eight nine ten"))
    resp = await complete(openai_client,
        model="fake-gpt", messages=HELLO, max_tokens=3)
    assert resp.choices[0].finish_reason == "length"
    assert resp.choices[0].message.content == "one two"  # 3 tokens by bot.llm.tokens' estimate


async def test_moderations_one_result_per_input(fake_openai: FakeOpenAI, openai_client: AsyncOpenAI) -> None:
    resp = await openai_client.moderations.create(
        model="omni-moderation-latest", input=["have a nice day", "I will kill you", "you idiot"])
    assert [r.flagged for r in resp.results] == [False, True, True]
    threat = resp.results[1]
    assert threat.categories.violence and threat.categories.harassment_threatening
    assert threat.category_scores.violence > 0.9
    assert not resp.results[2].categories.violence and resp.results[2].categories.harassment
    assert fake_openai.calls(MODERATIONS)[0].json["input"][1] == "I will kill you"


async def test_models_list(openai_client: AsyncOpenAI) -> None:
    page = await openai_client.models.list()
    assert "fake-gpt" in [m.id for m in page.data]


async def test_429_with_retry_after_then_success(
        fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    client = make_openai_client(max_retries=2)
    fake_openai.script(rate_limited(retry_after=0.05), Reply("after the wait"))
    resp = await complete(client, model="fake-gpt", messages=HELLO)
    assert resp.choices[0].message.content == "after the wait"
    assert len(fake_openai.calls(CHAT)) == 2


async def test_429_exhausted_raises_rate_limit_error(
        fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    client = make_openai_client(max_retries=1)
    fake_openai.script(rate_limited(retry_after=0.01), rate_limited(retry_after=7))
    with pytest.raises(openai.RateLimitError) as info:
        await complete(client, model="fake-gpt", messages=HELLO)
    assert info.value.response.headers["retry-after"] == "7"
    assert info.value.code == "rate_limit_exceeded"
    assert len(fake_openai.calls(CHAT)) == 2


async def test_500_raises_internal_server_error(
        fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    client = make_openai_client(max_retries=0)
    fake_openai.script(server_error())
    with pytest.raises(openai.InternalServerError):
        await complete(client, model="fake-gpt", messages=HELLO)
    assert fake_openai.pending == 0


async def test_slow_reply_times_out(fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    client = make_openai_client(max_retries=0, timeout=0.2)
    fake_openai.script(Slow(30))
    with pytest.raises(openai.APITimeoutError):
        await complete(client, model="fake-gpt", messages=HELLO)


async def test_slow_reply_within_timeout_succeeds(
        fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    client = make_openai_client(max_retries=0, timeout=5)
    fake_openai.script(Slow(0.05, then=Reply("late but fine")))
    resp = await complete(client, model="fake-gpt", messages=HELLO)
    assert resp.choices[0].message.content == "late but fine"


async def test_dropped_connection(fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    client = make_openai_client(max_retries=0)
    fake_openai.script(Drop())
    with pytest.raises(openai.APIConnectionError):
        await complete(client, model="fake-gpt", messages=HELLO)
    resp = await complete(client, model="fake-gpt", messages=HELLO)
    assert resp.choices[0].message.content  # the server is fine afterwards
    assert len(fake_openai.calls(CHAT)) == 2


async def test_server_without_json_schema(fake_openai: FakeOpenAI, openai_client: AsyncOpenAI) -> None:
    fake_openai.supports_json_schema = False
    with pytest.raises(openai.BadRequestError) as info:
        await complete(openai_client,
            model="fake-gpt", messages=HELLO,
            response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}})
    assert info.value.param == "response_format"


async def test_scripted_actions_are_path_targeted_and_reset(
        fake_openai: FakeOpenAI, openai_client: AsyncOpenAI) -> None:
    fake_openai.script(Reply({"scripted": True}))
    await openai_client.moderations.create(input="hello")  # a chat Reply is not consumed by moderations
    assert fake_openai.pending == 1
    resp = await complete(openai_client, model="fake-gpt", messages=HELLO)
    assert json.loads(resp.choices[0].message.content or "") == {"scripted": True}
    assert [r.path for r in fake_openai.calls()] == [MODERATIONS, CHAT]
    fake_openai.script(Reply("x"))
    fake_openai.reset()
    assert fake_openai.calls() == [] and fake_openai.pending == 0


async def test_fake_as_context_manager() -> None:
    async with FakeOpenAI() as fake:
        client = AsyncOpenAI(base_url=fake.base_url, api_key="k", max_retries=0)
        try:
            resp = await complete(client, model="m", messages=HELLO)
        finally:
            await client.close()
    assert resp.choices[0].message.content
