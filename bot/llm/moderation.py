"""The moderation endpoint: which categories each text is flagged for, with scores."""

from __future__ import annotations

import logging

import openai
from openai import AsyncOpenAI

from bot.app.errors import LLMError
from bot.llm.chat import map_openai_error

logger = logging.getLogger(__name__)

MAX_INPUT_CHARS = 8000  # long messages are judged by their start; Discord caps messages at 4000 anyway
PROBE_INPUT = "ping"    # what the start-up check sends: a fixed word, never a member's message
# Statuses meaning "this server has no moderation endpoint" (Ollama, vLLM, llama.cpp answer 404): waiting
# and retrying cannot help, unlike 429, 5xx and timeouts.
UNSUPPORTED_STATUSES = frozenset({404, 405, 501})


class ModerationUnsupported(LLMError):
    """The server has no moderation endpoint (or not the model asked for)."""


class ModerationClient:
    """`classify(texts)` → for each text, its flagged categories as (name, score), highest score first."""

    def __init__(self, client: AsyncOpenAI, *, model: str = "omni-moderation-latest", batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.client = client
        self.model = model
        self.batch_size = batch_size
        self.calls = 0

    async def classify(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        results: list[list[tuple[str, float]]] = [[] for _ in texts]
        # Blank texts cannot be flagged and some servers reject empty inputs: skip them.
        todo = [i for i, text in enumerate(texts) if text.strip()]
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start:start + self.batch_size]
            flagged = await self._classify_batch([texts[i][:MAX_INPUT_CHARS] for i in batch])
            for i, categories in zip(batch, flagged, strict=True):
                results[i] = categories
        return results

    async def probe(self) -> None:
        """One request with a fixed word and no retries; raises ModerationUnsupported when the server has no
        moderation endpoint, another LLMError when it could not tell."""
        await self._request([PROBE_INPUT], self.client.with_options(max_retries=0))

    async def _classify_batch(self, inputs: list[str]) -> list[list[tuple[str, float]]]:
        return await self._request(inputs, self.client)

    async def _request(self, inputs: list[str], client: AsyncOpenAI) -> list[list[tuple[str, float]]]:
        self.calls += 1
        try:
            resp = await client.moderations.create(model=self.model, input=inputs)
        except openai.APIStatusError as err:
            if err.status_code in UNSUPPORTED_STATUSES:
                raise ModerationUnsupported(f"{err.status_code} from {err.request.url}") from err
            logger.warning("moderation request failed: %s", err)
            raise map_openai_error(err) from err
        except openai.APIError as err:
            logger.warning("moderation request failed: %s", err)
            raise map_openai_error(err) from err
        if len(resp.results) != len(inputs):
            raise LLMError("The moderation service gave an incomplete answer.")
        out: list[list[tuple[str, float]]] = []
        for result in resp.results:
            categories = result.categories.model_dump(by_alias=True)
            scores = result.category_scores.model_dump(by_alias=True)
            hits = [(name, float(scores.get(name) or 0.0)) for name, on in categories.items() if on]
            out.append(sorted(hits, key=lambda hit: (-hit[1], hit[0])))
        return out
