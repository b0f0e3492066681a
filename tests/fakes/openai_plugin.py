"""Pytest fixtures for the loopback OpenAI fake.

- `fake_openai`: a started FakeOpenAI (closed after the test);
- `openai_client`: a real AsyncOpenAI pointed at it (max_retries=2, timeout=5 s);
- `make_openai_client(max_retries=..., timeout=...)`: more clients with other settings, all closed after the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from openai import AsyncOpenAI

from tests.fakes.fake_openai import FakeOpenAI

OpenAIClientFactory = Callable[..., AsyncOpenAI]


def openai_client_for(fake: FakeOpenAI, *, max_retries: int = 2, timeout: float = 5.0) -> AsyncOpenAI:
    """A real client for the fake; the caller closes it with `await client.close()`."""
    return AsyncOpenAI(base_url=fake.base_url, api_key="test-key", max_retries=max_retries, timeout=timeout)


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def make_openai_client(fake_openai: FakeOpenAI) -> AsyncIterator[OpenAIClientFactory]:
    clients: list[AsyncOpenAI] = []

    def make(*, max_retries: int = 2, timeout: float = 5.0) -> AsyncOpenAI:
        client = openai_client_for(fake_openai, max_retries=max_retries, timeout=timeout)
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            await client.close()


@pytest.fixture
def openai_client(make_openai_client: OpenAIClientFactory) -> AsyncOpenAI:
    return make_openai_client()
