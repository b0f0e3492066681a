"""Answers come from the article, never from readers' comments that extraction let through (plain-text pages)."""

from __future__ import annotations

from bot.articles.model import Article
from bot.extractive.answerer import ExtractiveAnswerer
from bot.questions.service import AnswerService
from bot.settings.budget import Budget
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database

BODY = [
    "Harbour Council approves ferry terminal upgrade",
    "The Harbour Council voted on Tuesday to spend 4.2 million dollars on a new ferry terminal at Pier 6, "
    "replacing the waiting hall that was damaged in last winter's storms.",
    "Work is due to begin in March and the terminal should reopen to passengers in the spring of 2028, the "
    "council's transport office said in a statement after the vote.",
    "The new hall will have heated seating for about two hundred passengers, a covered bicycle shelter and "
    "a ticket office that opens an hour before the first crossing of the day.",
    "Councillors said the upgrade was overdue because the temporary tents used since the storm flood at "
    "high tide and cannot be heated, which has kept older passengers away from the early sailings.",
]
COMMENTS = [
    "3 comments",
    "Leave a Reply",
    "I read somewhere that the mayor's brother owns the construction firm that will build the terminal.",
    "Total waste of money if you ask me, the old hall was fine.",
]
PAGE = Article(url="https://news.example/terminal", title=BODY[0], text="\n\n".join(BODY[1:] + COMMENTS),
               content_type="text/plain")


async def test_a_question_only_a_reader_comment_answers_is_not_answered(db: Database) -> None:
    service = AnswerService(db, ExtractiveAnswerer(), None, Budget(db, GuildSettingsService(db)))
    gossip = (await service.answer(PAGE, "who owns the construction firm building the terminal?")).answer
    assert not gossip.answerable and "brother" not in gossip.text
    assert all("brother" not in q.text for q in gossip.quotes)
    fact = (await service.answer(PAGE, "how much is the new terminal gonna cost")).answer
    assert fact.answerable and "4.2 million" in fact.text
