"""A thin JSON-completion wrapper over `openai.AsyncOpenAI`, shared by summaries and answers.

Retries on 429/5xx/timeouts are left to the openai client itself (it honours `retry-after-ms` and
`retry-after` up to two minutes); build it with a small `max_retries` (2) and a sane `timeout`. What remains
here: adapting to OpenAI-compatible servers that reject parts of the request (structured output,
`max_tokens`, `temperature`), robust JSON parsing with one retry, and mapping openai's exceptions to our
short, polite `LLMError`s.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, ValidationError

from bot.app.errors import LLMError, LLMRateLimited, LLMUnavailable
from bot.llm.base import TokenUsage
from bot.llm.prompts import Message, estimate_prompt_tokens, json_fallback_instruction
from bot.llm.tokens import count_tokens

logger = logging.getLogger(__name__)

UNREADABLE = "The language model gave an answer I couldn't read. Please try again."


@dataclass(slots=True)
class ServerQuirks:
    """What a server refused once; remembered per (client, model) so we ask the right way next time."""
    json_schema: bool = True
    token_param: str = "max_tokens"   # or "max_completion_tokens" (OpenAI's reasoning models)
    temperature: bool = True


# Keyed by the AsyncOpenAI instance, so providers sharing one client share what was learnt.
_QUIRKS: weakref.WeakKeyDictionary[AsyncOpenAI, dict[str, ServerQuirks]] = weakref.WeakKeyDictionary()


def quirks_for(client: AsyncOpenAI, model: str) -> ServerQuirks:
    return _QUIRKS.setdefault(client, {}).setdefault(model, ServerQuirks())


class _Rejected(Exception):
    """The server refused one request parameter (400/422 naming it)."""

    def __init__(self, param: str) -> None:
        super().__init__(param)
        self.param = param


def _rejected_param(err: openai.APIStatusError) -> str | None:
    if err.status_code not in (400, 422):
        return None
    text = f"{err.param or ''} {err.message}".lower()
    if "response_format" in text or "json_schema" in text or "structured output" in text:
        return "response_format"
    if "max_tokens" in text and "max_completion_tokens" in text:
        return "max_tokens"
    if err.param == "temperature" or ("temperature" in text and "unsupported" in text):
        return "temperature"
    return None


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """`retry-after-ms`, else `retry-after` (seconds or an HTTP date), as the openai client reads them."""
    if not headers:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            if name == "retry-after":
                parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
                if parsed is not None:
                    return max(0.0, parsed.timestamp() - time.time())
    return None


def map_openai_error(err: Exception) -> LLMError:
    """Our user-facing error for an exception raised by the openai client."""
    if isinstance(err, openai.RateLimitError):
        retry_after = retry_after_seconds(err.response.headers)
        if retry_after is not None:
            wait = max(1, round(retry_after))
            return LLMRateLimited(f"The language model is rate limited right now; please try again in about "
                                  f"{wait} second{'s' if wait != 1 else ''}.", retry_after=retry_after)
        return LLMRateLimited()
    if isinstance(err, openai.APITimeoutError):
        return LLMUnavailable("The language model took too long to answer. Please try again later.")
    if isinstance(err, openai.APIConnectionError):
        return LLMUnavailable("I couldn't reach the language model. Please try again later.")
    if isinstance(err, openai.AuthenticationError):
        return LLMUnavailable("The language model is unavailable: the API key was refused.")
    if isinstance(err, openai.PermissionDeniedError):
        return LLMUnavailable("The language model is unavailable: this API key may not use it.")
    if isinstance(err, openai.NotFoundError):
        return LLMUnavailable("The language model is unavailable: the configured model was not found.")
    if isinstance(err, openai.InternalServerError):
        return LLMUnavailable("The language model is having trouble right now. Please try again later.")
    if isinstance(err, openai.APIStatusError) and err.status_code in (408, 409):
        return LLMUnavailable()
    if isinstance(err, openai.APIStatusError) and err.status_code == 400:
        return LLMError("The language model refused this request (it may be too long).")
    return LLMError("The language model could not answer this time.")


# --- robust JSON ---------------------------------------------------------------------------------------

_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _outermost_object(text: str) -> str | None:
    """The first balanced {...} in text, honouring JSON strings."""
    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for i in range(start, len(text)):
            ch = text[i]
            if in_string:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return text[start:i + 1]
        start = text.find("{", start + 1)
    return None


def parse_json_object(text: str) -> dict[str, Any]:
    """Parse a model's JSON object despite code fences, prose around it and trailing commas."""
    candidates: list[str] = []
    stripped = text.strip()
    candidates.append(stripped)
    candidates.extend(m.group(1).strip() for m in _FENCE.finditer(stripped))
    outer = _outermost_object(stripped)
    if outer:
        candidates.append(outer)
    for candidate in candidates:
        for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                value = json.loads(attempt)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    raise ValueError(f"no JSON object in model output ({len(text)} chars)")


# --- the wrapper ------------------------------------------------------------------------------------

class ChatClient:
    """JSON completions for one model on one AsyncOpenAI client."""

    def __init__(self, client: AsyncOpenAI, model: str) -> None:
        self.client = client
        self.model = model

    @property
    def quirks(self) -> ServerQuirks:
        return quirks_for(self.client, self.model)

    async def complete_json(self, messages: Sequence[Message], *, schema_name: str, schema: dict[str, Any],
                            max_tokens: int, temperature: float = 0.0,
                            validator: type[BaseModel] | None = None) -> tuple[dict[str, Any], TokenUsage]:
        """One JSON object from the model (validated by `validator` when given) and the tokens spent.

        Unreadable output is retried once; then LLMError. Usage counts every request we made.
        """
        usage = TokenUsage()
        for attempt in (1, 2):
            content, spent = await self._complete(messages, schema_name, schema, max_tokens, temperature)
            usage.add(spent)
            try:
                data = parse_json_object(content)
                if validator is not None:
                    data = validator.model_validate(data).model_dump()
                return data, usage
            except (ValueError, ValidationError) as err:
                logger.warning("unreadable %s output from %s (attempt %d): %s", schema_name, self.model,
                               attempt, str(err).splitlines()[0])
        raise LLMError(UNREADABLE)

    async def _complete(self, messages: Sequence[Message], schema_name: str, schema: dict[str, Any],
                        max_tokens: int, temperature: float) -> tuple[str, TokenUsage]:
        for _ in range(4):  # at most one adaptation per quirk
            quirks = self.quirks
            try:
                return await self._send(messages, schema_name, schema, max_tokens, temperature, quirks)
            except _Rejected as rejected:
                if rejected.param == "response_format" and quirks.json_schema:
                    quirks.json_schema = False
                elif rejected.param == "max_tokens" and quirks.token_param == "max_tokens":
                    quirks.token_param = "max_completion_tokens"
                elif rejected.param == "temperature" and quirks.temperature:
                    quirks.temperature = False
                else:
                    raise LLMError("The language model refused this request.") from rejected
                logger.info("%s on %s rejected %s; adapting and retrying", self.model, self.client.base_url,
                            rejected.param)
        raise LLMError("The language model refused this request.")

    async def _send(self, messages: Sequence[Message], schema_name: str, schema: dict[str, Any],
                    max_tokens: int, temperature: float, quirks: ServerQuirks) -> tuple[str, TokenUsage]:
        kwargs: dict[str, Any] = {quirks.token_param: max_tokens}
        if quirks.temperature:
            kwargs["temperature"] = temperature
        sent = list(messages)
        if quirks.json_schema:
            kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                "name": schema_name, "schema": schema, "strict": True}}
        else:
            # No structured output: spell the schema out in the system prompt and parse leniently.
            head = sent[0]
            if head["role"] == "system":
                sent[0] = {"role": "system", "content": head["content"] + json_fallback_instruction(schema)}
            else:
                sent.insert(0, {"role": "system", "content": json_fallback_instruction(schema).strip()})
        try:
            resp = await self.client.chat.completions.create(
                model=self.model, messages=cast(Any, sent), **kwargs)
        except openai.APIStatusError as err:
            param = _rejected_param(err)
            if param is not None:
                raise _Rejected(param) from err
            logger.warning("LLM request failed: %s %s", err.status_code, err.message)
            raise map_openai_error(err) from err
        except openai.APIError as err:
            logger.warning("LLM request failed: %s", err)
            raise map_openai_error(err) from err
        if not resp.choices:
            raise LLMError(UNREADABLE)
        choice = resp.choices[0]
        if choice.finish_reason == "content_filter" or choice.message.refusal:
            raise LLMError("The language model declined to answer this one.")
        content = choice.message.content or ""
        if choice.finish_reason == "length":
            logger.info("%s output hit the %d-token limit", schema_name, max_tokens)
        if resp.usage is not None:
            usage = TokenUsage(resp.usage.prompt_tokens, resp.usage.completion_tokens, 1)
        else:  # some compatible servers omit usage: estimate it
            usage = TokenUsage(estimate_prompt_tokens(sent), count_tokens(content), 1)
        return content, usage
