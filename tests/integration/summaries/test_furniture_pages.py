"""Pages that mimic real sites' furniture (tests/fixtures/pages/furniture, written for these tests), run
through the real fetcher, extraction, cleaning and both providers (the LLM via the loopback fake OpenAI
server): no summary may carry the page's furniture, and the LLM is only ever shown the cleaned text."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from openai import AsyncOpenAI

from bot.app.errors import NotAnArticle
from bot.articles.fetch import Fetcher
from bot.articles.reader import read_article
from bot.discord_ui.render import summary_text
from bot.extractive.boilerplate import NOT_AN_ARTICLE
from bot.extractive.summarizer import ExtractiveSummarizer
from bot.llm.base import STYLES, Style, Summary
from bot.llm.openai_provider import LLMSummarizer
from bot.settings.budget import Budget
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database
from bot.summaries.service import SummaryService
from bot.util.workers import Workers
from tests.fakes.article_server import ArticleServer
from tests.fakes.fake_openai import CHAT, FakeOpenAI
from tests.fakes.fake_openai_brain import tag_block
from tests.fakes.openai_plugin import OpenAIClientFactory
from tests.helpers.paths import FIXTURES

PAGES = FIXTURES / "pages" / "furniture"
CASES: dict[str, dict[str, Any]] = {
    name: case for name, case in json.loads((PAGES / "cases.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}
ARTICLES = sorted(name for name, case in CASES.items() if not case.get("refuse"))
REFUSED = sorted(name for name, case in CASES.items() if case.get("refuse"))
PROVIDERS = ("extractive", "llm")


def service(db: Database, fetcher: Fetcher, client: AsyncOpenAI | None, workers: Workers) -> SummaryService:
    llm = LLMSummarizer(client, "fake-gpt") if client is not None else None
    return SummaryService(db, partial(read_article, fetcher=fetcher, workers=workers), ExtractiveSummarizer(), llm,
                          Budget(db, GuildSettingsService(db)))


def summary_part(rendered: str) -> str:
    """The rendered summary without the title and byline lines (the page's own metadata)."""
    return "\n".join(rendered.splitlines()[2:])


def check(case: dict[str, Any], summary: Summary, rendered: str, style: Style) -> None:
    body = summary_part(rendered)
    for text in case["forbid"]:
        assert text.casefold() not in body.casefold(), (text, style, body)
    for text in case["require"]:
        assert text.casefold() in body.casefold(), (text, style, body)
    for line in [summary.tldr, *summary.key_points]:
        assert not line.rstrip().endswith(("…", "...")), line


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("name", ARTICLES)
async def test_summaries_carry_none_of_the_page_furniture(
        name: str, provider: str, db: Database, fetcher: Fetcher, workers: Workers, article_server: ArticleServer,
        fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    case = CASES[name]
    summaries = service(db, fetcher, make_openai_client() if provider == "llm" else None, workers)
    url = article_server.url(f"/pages/furniture/{name}")
    for style in STYLES:
        result = await summaries.summarize(url, style=style)
        assert result.summary.provider == provider
        check(case, result.summary, summary_text(result.article, result.summary), style)
        if "tldr_starts" in case:
            assert result.summary.tldr.startswith(case["tldr_starts"]), result.summary.tldr
        if "points" in case:        # a list's items, in order (detailed adds each item's first sentence)
            got = result.summary.key_points
            assert len(got) == len(case["points"]), (style, got)
            assert all(p.startswith(item) for p, item in zip(got, case["points"], strict=True)), (style, got)
        if case.get("answers_used"):    # an interview's points come from the answers
            assert result.summary.key_points and not any(p.endswith("?") for p in result.summary.key_points)
    if provider == "llm":
        prompts = [tag_block(call.text("user"), "article") or "" for call in fake_openai.calls(CHAT)]
        assert len(prompts) == len(STYLES)
        for prompt in prompts:       # the model was shown the cleaned article only
            for text in case["forbid"]:
                if text not in case.get("prompt_keeps", []):
                    assert text.casefold() not in prompt.casefold(), (text, prompt)
            for text in case["require"]:
                assert text.casefold() in prompt.casefold()


async def test_the_llm_is_told_about_interviews_and_lists(
        db: Database, fetcher: Fetcher, workers: Workers, article_server: ArticleServer, fake_openai: FakeOpenAI,
        make_openai_client: OpenAIClientFactory) -> None:
    summaries = service(db, fetcher, make_openai_client(), workers)
    await summaries.summarize(article_server.url("/pages/furniture/interview.html"))
    await summaries.summarize(article_server.url("/pages/furniture/listicle.html"))
    interview, listicle = fake_openai.calls(CHAT)
    assert "format: interview" in interview.text("user") and "interviewer's questions" in interview.text("system")
    assert "format: list" in listicle.text("user") and "numbered list" in listicle.text("system")
    plain = await summaries.summarize(article_server.url("/pages/furniture/legal-footer.html"))
    assert plain.summary.provider == "llm"
    assert "format:" not in fake_openai.calls(CHAT)[-1].text("user")


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("name", REFUSED)
async def test_listings_and_legal_pages_are_not_summarised(
        name: str, provider: str, db: Database, fetcher: Fetcher, workers: Workers, article_server: ArticleServer,
        fake_openai: FakeOpenAI, make_openai_client: OpenAIClientFactory) -> None:
    summaries = service(db, fetcher, make_openai_client() if provider == "llm" else None, workers)
    url = article_server.url(f"/pages/furniture/{name}")
    article = await summaries.article(url)      # extraction itself finds text: the cleaning refuses it
    assert article.words >= 30
    with pytest.raises(NotAnArticle) as refused:
        await summaries.summarize(url)
    assert refused.value.message == NOT_AN_ARTICLE
    assert fake_openai.calls(CHAT) == []
