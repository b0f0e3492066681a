"""A loopback OpenAI-compatible server (aiohttp on 127.0.0.1, port 0) for tests and the demo.

Speaks the real wire protocol, so the real `openai.AsyncOpenAI` client talks to it unchanged:
- POST /v1/chat/completions: plain and streaming (SSE chunks, `data: [DONE]`, `stream_options.include_usage`),
  `response_format` json_schema / json_object, `max_tokens` / `max_completion_tokens` honoured (finish_reason
  "length" when cut);
- GET /v1/models; POST /v1/moderations (one result per input, OpenAI's categories/category_scores shape).
The default answers come from a deterministic brain (tests/fakes/fake_openai_brain.py). Faults and special
replies are scripted with a FIFO of actions (`fake.script(...)`), which take precedence while non-empty.
Every request is recorded (`fake.calls(path=...)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.llm.tokens import count_tokens, truncate_to_tokens
from tests.fakes import fake_openai_brain as brain

CHAT = "/v1/chat/completions"
MODERATIONS = "/v1/moderations"
MODELS = "/v1/models"
FINGERPRINT = "fp_fake0001"
KNOWN_MODELS = ("fake-gpt", "fake-gpt-mini", "omni-moderation-latest")


# --- scripted actions -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Reply:
    """Answer a chat request with this content (a dict is sent as JSON text)."""
    content: str | dict[str, Any]
    finish_reason: str = "stop"
    include_usage: bool = True
    path: str | None = CHAT


@dataclass(frozen=True, slots=True)
class Error:
    """An HTTP error with OpenAI's JSON error body."""
    status: int
    message: str
    type: str = "invalid_request_error"
    code: str | None = None
    param: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Slow:
    """Sleep, then carry on with `then` (or the default behaviour)."""
    seconds: float
    then: Reply | Error | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Drop:
    """Close the connection without sending a response."""
    path: str | None = None


Action = Reply | Error | Slow | Drop


def rate_limited(retry_after: float | None = 1.0, *, retry_after_ms: float | None = None,
                 path: str | None = None) -> Error:
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["retry-after"] = f"{retry_after:g}"
    if retry_after_ms is not None:
        headers["retry-after-ms"] = f"{retry_after_ms:g}"
    return Error(429, "Rate limit reached for requests. Please try again later.", type="requests",
                 code="rate_limit_exceeded", headers=headers, path=path)


def server_error(status: int = 500, *, retry_after: float | None = None, path: str | None = None) -> Error:
    # A retry-after on 5xx keeps tests fast: the client honours it instead of its exponential backoff.
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return Error(status, "The server had an error while processing your request. Sorry about that!",
                 type="server_error", headers=headers, path=path)


def unsupported_response_format(path: str | None = CHAT) -> Error:
    return Error(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with "
                 "this model.", param="response_format", path=path)


def auth_error() -> Error:
    return Error(401, "Incorrect API key provided: test-key.", code="invalid_api_key")


# --- recording --------------------------------------------------------------------------------------------

@dataclass(slots=True)
class RecordedRequest:
    method: str
    path: str
    json: Any
    headers: dict[str, str]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.json or {}).get("messages", []))

    def text(self, role: str = "user") -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)


class FakeOpenAI:
    """Start with `await fake.start()`; use `fake.base_url` (ends in /v1) for AsyncOpenAI; `await fake.close()`."""

    def __init__(self, *, supports_json_schema: bool = True, hostile: brain.Hostile = None) -> None:
        self.supports_json_schema = supports_json_schema
        self.hostile: brain.Hostile = hostile
        self.requests: list[RecordedRequest] = []
        self.usage_sent: list[dict[str, int]] = []   # the `usage` of every completion answered
        self._script: deque[Action] = deque()
        self._ids = itertools.count(1)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        # None: /v1/moderations answers. A status (404, 405, 501): it answers that status with a plain-text
        # body, as OpenAI-compatible servers without a moderation endpoint do (Ollama: "404 page not found").
        self.moderations_status: int | None = None

    # lifecycle
    async def start(self) -> FakeOpenAI:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_post(CHAT, self._chat)
        app.router.add_post(MODERATIONS, self._moderations)
        app.router.add_get(MODELS, self._models)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        self._closing.set()  # wakes slow handlers
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # scripting and inspection
    def script(self, *actions: Action) -> None:
        self._script.extend(actions)

    @property
    def pending(self) -> int:
        return len(self._script)

    def calls(self, path: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests if path is None or r.path == path]

    def reset(self) -> None:
        self.requests.clear()
        self.usage_sent.clear()
        self._script.clear()
        self.supports_json_schema = True
        self.hostile = None
        self.moderations_status = None

    def _next_action(self, path: str) -> Action | None:
        for action in self._script:
            if action.path is None or action.path == path:
                self._script.remove(action)
                return action
        return None

    async def _record(self, request: web.Request) -> RecordedRequest | web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return _error_response(Error(400, "We could not parse the JSON body of your request."))
        rec = RecordedRequest(request.method, request.path, body, dict(request.headers))
        self.requests.append(rec)
        return rec

    async def _apply(self, request: web.Request, action: Action | None) -> web.StreamResponse | Reply | None:
        """Run a scripted action; returns a response, a Reply to send, or None for default behaviour."""
        if isinstance(action, Slow):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), action.seconds)
            return await self._apply(request, action.then)
        if isinstance(action, Drop):
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=204)  # never reaches the client
        if isinstance(action, Error):
            return _error_response(action)
        return action

    # handlers
    async def _models(self, request: web.Request) -> web.Response:
        await self._record(request)
        data = [{"id": m, "object": "model", "created": 1700000000, "owned_by": "fake"} for m in KNOWN_MODELS]
        return web.json_response({"object": "list", "data": data})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        if isinstance(rec, web.Response):
            return rec
        body = rec.json if isinstance(rec.json, dict) else {}
        problem = _validate_chat(body)
        if problem is not None:
            return _error_response(problem)
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema" and not self.supports_json_schema:
            # Checked before the script: such a server rejects every structured request, scripted or not.
            return _error_response(unsupported_response_format())
        outcome = await self._apply(request, self._next_action(CHAT))
        if isinstance(outcome, web.StreamResponse):
            return outcome
        if isinstance(outcome, Reply):
            content = outcome.content if isinstance(outcome.content, str) else json.dumps(outcome.content)
            finish, with_usage = outcome.finish_reason, outcome.include_usage
        else:
            content, finish, with_usage = brain.complete(body, self.hostile), "stop", True
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        if isinstance(limit, int) and count_tokens(content) > limit:
            content, finish = truncate_to_tokens(content, limit), "length"
        prompt_tokens = sum(count_tokens(str(m.get("content", ""))) + 4 for m in body["messages"])
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": count_tokens(content),
                 "total_tokens": prompt_tokens + count_tokens(content)} if with_usage else None
        if usage is not None:
            self.usage_sent.append(usage)
        ident, created, model = f"chatcmpl-fake{next(self._ids):06d}", int(time.time()), str(body["model"])
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage")) and with_usage
            return await _stream(request, ident, created, model, content, finish, usage if include_usage else None)
        reply: dict[str, Any] = {
            "id": ident, "object": "chat.completion", "created": created, "model": model,
            "system_fingerprint": FINGERPRINT, "service_tier": "default",
            "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": None,
                                     "annotations": []}}],
        }
        if usage is not None:
            reply["usage"] = usage
        return web.json_response(reply, headers={"x-request-id": f"req_fake{next(self._ids):06d}"})

    async def _moderations(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        if isinstance(rec, web.Response):
            return rec
        if self.moderations_status is not None:
            return web.Response(status=self.moderations_status, text=f"{self.moderations_status} page not found")
        outcome = await self._apply(request, self._next_action(MODERATIONS))
        if isinstance(outcome, web.StreamResponse):
            return outcome
        body = rec.json if isinstance(rec.json, dict) else {}
        inputs = body.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not inputs or not all(isinstance(t, str) for t in inputs):
            return _error_response(Error(400, "'input' must be a string or a non-empty list of strings.",
                                         param="input"))
        model = str(body.get("model") or "omni-moderation-latest")
        return web.json_response({"id": f"modr-fake{next(self._ids):06d}", "model": model,
                                  "results": [brain.moderate(t) for t in inputs]})


def _validate_chat(body: dict[str, Any]) -> Error | None:
    if not isinstance(body.get("model"), str) or not body.get("model"):
        return Error(400, "you must provide a model parameter", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        return Error(400, "'messages' must be a non-empty array of objects.", param="messages")
    fmt = body.get("response_format")
    if fmt is not None and (not isinstance(fmt, dict) or fmt.get("type") not in ("text", "json_object",
                                                                                  "json_schema")):
        return Error(400, "Invalid value for 'response_format'.", param="response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict) or not spec.get("name") or not isinstance(spec.get("schema"), dict):
            return Error(400, "Missing required parameter: 'response_format.json_schema'.",
                         param="response_format")
    return None


def _error_response(err: Error) -> web.Response:
    body = {"error": {"message": err.message, "type": err.type, "param": err.param, "code": err.code}}
    return web.json_response(body, status=err.status, headers=err.headers)


async def _stream(request: web.Request, ident: str, created: int, model: str, content: str, finish: str,
                  usage: dict[str, int] | None) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await resp.prepare(request)

    async def send(choices: list[dict[str, Any]], with_usage: dict[str, int] | None = None) -> None:
        chunk: dict[str, Any] = {"id": ident, "object": "chat.completion.chunk", "created": created,
                                 "model": model, "system_fingerprint": FINGERPRINT, "choices": choices}
        if usage is not None:  # with include_usage every chunk carries "usage": null except the last
            chunk["usage"] = with_usage
        await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())

    await send([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    for start in range(0, len(content), 24):
        await send([{"index": 0, "delta": {"content": content[start:start + 24]}, "finish_reason": None}])
    await send([{"index": 0, "delta": {}, "finish_reason": finish}])
    if usage is not None:
        await send([], usage)
    await resp.write(b"data: [DONE]\n\n")
    await resp.write_eof()
    return resp
