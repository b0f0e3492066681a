"""Pytest fixtures for the article fake: a loopback article server, a test fetch policy, a fetcher."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.articles.fetch import Fetcher, FetchPolicy
from tests.fakes.article_server import ArticleServer, FakeResolver


@pytest.fixture
async def article_server() -> AsyncIterator[ArticleServer]:
    """A started ArticleServer on 127.0.0.1 (random port); `.url(path)` builds links to it."""
    server = ArticleServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
def fetch_policy(article_server: ArticleServer) -> FetchPolicy:
    """The production policy, except that 127.0.0.1/32 and the fake's port are allowed (nothing else
    private is), and timeouts are short."""
    return FetchPolicy(
        extra_allowed_networks=("127.0.0.1/32",),
        allowed_ports=frozenset({80, 443, article_server.port}),
        connect_timeout=2.0,
        total_timeout=5.0,
    )


@pytest.fixture
async def fetcher(fetch_policy: FetchPolicy) -> AsyncIterator[Fetcher]:
    async with Fetcher(fetch_policy) as f:
        yield f


@pytest.fixture
async def production_fetcher() -> AsyncIterator[Fetcher]:
    """The production policy, with DNS that knows no names: nothing a test does can leave the machine."""
    async with Fetcher(FetchPolicy(), resolver=FakeResolver({})) as f:
        yield f
