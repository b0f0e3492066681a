"""State several bot processes share through the store, on both backends: each "process" here is its own
`Database` handle on the same store (its own connections), as a second bot process would open it."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from bot.articles.fetch import Fetcher, FetchPolicy
from bot.articles.reader import read_article
from bot.extractive.summarizer import ExtractiveSummarizer
from bot.llm.base import TokenUsage
from bot.llm.openai_provider import LLMSummarizer
from bot.settings.budget import BUDGET_SPENT_NOTE, Budget
from bot.settings.guild import GuildSettingsService
from bot.store import leases
from bot.store.db import Database
from bot.summaries.service import SummaryService
from bot.util.workers import Workers
from tests.fakes.article_server import ArticleServer
from tests.fakes.fake_openai import CHAT, FakeOpenAI
from tests.fakes.openai_plugin import OpenAIClientFactory
from tests.helpers.llm import MODEL

GUILD = 4242 << 22
DAY = 86_400_000
NOON = 1_790_000_000_000 // DAY * DAY + DAY // 2


@pytest.fixture
async def processes(db: Database) -> AsyncIterator[list[Database]]:
    """Five handles on the test's store: the test's own and four more."""
    async with AsyncExitStack() as stack:
        others = [await stack.enter_async_context(db.clone()) for _ in range(4)]
        yield [db, *others]


async def test_a_lease_goes_to_one_taker_until_it_expires(processes: list[Database]) -> None:
    takers = await asyncio.gather(*(leases.take(p, "job", now=1_000, ttl_ms=500, holder=f"p{i}")
                                    for i, p in enumerate(processes)))
    assert sum(takers) == 1
    winner = f"p{takers.index(True)}"
    assert await leases.take(processes[0], "job", now=1_200, ttl_ms=500, holder=winner)   # renewed by its holder
    assert not await leases.take(processes[1], "job", now=1_600, ttl_ms=500, holder="late")
    assert await leases.take(processes[1], "job", now=1_700, ttl_ms=500, holder="late")   # expired at 1,700
    await leases.release(processes[2], "job", "late")
    assert await leases.expires_at(processes[3], "job") is None


async def test_token_budget_is_one_counter_for_every_process(processes: list[Database]) -> None:
    settings = GuildSettingsService(processes[0])
    await settings.update(GUILD, None, daily_tokens=10_000)
    budgets = [Budget(p, GuildSettingsService(p), clock=lambda: NOON) for p in processes]
    usage = TokenUsage(prompt_tokens=150, completion_tokens=50, calls=1)
    await asyncio.gather(*(b.record(guild_id=GUILD, user_id=i, feature="summary", model=MODEL, usage=usage)
                           for _ in range(10) for i, b in enumerate(budgets)))   # 50 calls at once
    assert [(await b.summary(GUILD, NOON - DAY)).spent_today for b in budgets] == [10_000] * 5
    assert [await b.allows_llm(GUILD) for b in budgets] == [False] * 5
    notes = await asyncio.gather(*(b.note_once(GUILD) for b in budgets for _ in range(3)))
    assert notes.count(BUDGET_SPENT_NOTE) == 1 and notes.count(None) == 14
    tomorrow = Budget(processes[1], GuildSettingsService(processes[1]), clock=lambda: NOON + DAY)
    assert await tomorrow.allows_llm(GUILD) and await tomorrow.note_once(GUILD) == BUDGET_SPENT_NOTE


async def test_a_member_cooldown_holds_in_every_process(processes: list[Database]) -> None:
    clock = [NOON]
    budgets = [Budget(p, GuildSettingsService(p), clock=lambda: clock[0]) for p in processes]
    waits = await asyncio.gather(*(b.cooldown(GUILD, 7, "ask", 20) for b in budgets))
    assert waits.count(None) == 1
    assert sorted(w for w in waits if w is not None) == [20.0] * 4
    clock[0] += 15_000
    assert await budgets[3].cooldown(GUILD, 7, "ask", 20) == 5.0
    assert await budgets[3].cooldown(GUILD, 8, "ask", 20) is None            # another member
    assert await budgets[3].cooldown(GUILD, 7, "summarize", 20) is None      # another feature
    clock[0] += 5_000
    assert await budgets[4].cooldown(GUILD, 7, "ask", 20) is None


async def test_five_processes_asked_for_one_link_fetch_once_and_call_the_llm_once(
        processes: list[Database], article_server: ArticleServer, fetch_policy: FetchPolicy,
        fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory, workers: Workers) -> None:
    url = article_server.url("pages/coastline-bakery-award.html")
    async with AsyncExitStack() as stack:
        services = []
        for p in processes:
            fetcher = await stack.enter_async_context(Fetcher(fetch_policy))
            services.append(SummaryService(p, functools.partial(read_article, fetcher=fetcher, workers=workers),
                                           ExtractiveSummarizer(), LLMSummarizer(make_openai_client(), MODEL),
                                           Budget(p, GuildSettingsService(p))))
        results = await asyncio.gather(*(s.summarize(url, guild_id=GUILD) for s in services for _ in range(2)))
    assert article_server.hits("/pages/coastline-bakery-award.html") == 1
    assert len(fake_openai.calls(CHAT)) == 1
    assert len({(r.summary.title, r.summary.tldr) for r in results}) == 1
    assert all(r.summary.provider == "llm" for r in results)
    row = await processes[0].fetchone("SELECT tokens FROM token_days WHERE guild_id = ?", (GUILD,))
    assert row is not None and row["tokens"] > 0                            # one call, counted once
    assert await processes[0].fetchall("SELECT name FROM leases WHERE name LIKE 'summary:%' "
                                       "OR name LIKE 'article:%'") == []    # every lease given back


async def test_a_failed_fetch_is_shared_too(processes: list[Database], article_server: ArticleServer,
                                            fetch_policy: FetchPolicy, workers: Workers) -> None:
    url = article_server.add("gone.html", "not here", status=404)
    async with AsyncExitStack() as stack:
        services = []
        for p in processes:
            fetcher = await stack.enter_async_context(Fetcher(fetch_policy))
            services.append(SummaryService(p, functools.partial(read_article, fetcher=fetcher, workers=workers),
                                           ExtractiveSummarizer(), None, Budget(p, GuildSettingsService(p))))
        outcomes = await asyncio.gather(*(s.summarize(url) for s in services), return_exceptions=True)
    assert all(isinstance(o, Exception) and "404" in str(o) for o in outcomes), outcomes
    assert article_server.hits("/gone.html") == 1
