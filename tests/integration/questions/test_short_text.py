"""The answer service on a page of which only a sliver could be read."""

from __future__ import annotations

from bot.articles.model import Article
from bot.extractive.answerer import ExtractiveAnswerer
from bot.questions.service import AnswerService
from bot.settings.budget import Budget
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database

SLIVER = Article(url="https://news.example/sliver", title="Council news",
                 text="Subscribe to our newsletter. The council met on Monday to discuss the harbour wall.")
FULL = Article(url="https://news.example/full", title="Council news", text=" ".join(
    ["The council met on Monday to discuss the harbour wall and agreed to repair it before winter."] * 12))


async def test_a_sliver_of_a_page_is_never_called_the_article(db: Database) -> None:
    service = AnswerService(db, ExtractiveAnswerer(), None, Budget(db, GuildSettingsService(db)))
    missing = (await service.answer(SLIVER, "How much will the repair cost?")).answer
    assert not missing.answerable
    assert missing.text == f"I couldn't find that in the {SLIVER.words} words I could read from this page."
    assert missing.note and f"Only {SLIVER.words} words could be read" in missing.note
    found = (await service.answer(SLIVER, "When did the council meet?")).answer
    assert found.answerable and "Monday" in found.text and found.note and "could be read" in found.note
    whole = (await service.answer(FULL, "When did the council meet?")).answer
    assert whole.answerable and whole.note is None
    rows = await db.fetchall("SELECT answer, answerable FROM questions ORDER BY id")
    assert tuple(rows[0]) == (missing.text, 0)
