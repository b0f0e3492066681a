"""Catch-ups built from a small log written through the real log writer: the window, which threads are
read, privacy (opted out later, forgotten, deleted), commands and bare links, links with TL;DRs and the
bot's summary posts, questions, and the LLM writer's failure leaving the built-in digest with a note."""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI

from bot.catchup.build import build_catchup
from bot.catchup.llm import LLMTopicWriter
from bot.catchup.model import Catchup
from bot.catchup.window import MessageLink, Window, resolve_window
from bot.llm.base import Summary
from bot.logbook.rows import Delete, ThreadEvent
from bot.logbook.writer import LogWriter
from bot.store import articles, logbook
from bot.store import questions as qstore
from bot.store.articles import SummaryKey, SummaryPost
from bot.store.db import Database
from bot.store.location import Location, jump_url
from bot.store.questions import QuestionRecord
from bot.util.timeutil import Period
from tests.fakes.fake_openai import FakeOpenAI, server_error
from tests.helpers.rows import BASE_MS, row

G, CHANNEL, THREAD, OTHER = 1, 10, 30, 11
URL = "https://harbour-news.example/ferry"
# (index, author, text, thread); 103 opts out later, 104 is forgotten, message 6 is deleted.
MESSAGES = [
    (0, 100, "Before the window: the lighthouse keeper retires", None),
    (1, 101, "The ferry timetable changes on Monday and the early boat is cancelled", None),
    (2, 102, "Ferry timetable: the harbour office confirmed the Monday change", None),
    (3, 103, "SECRET-OPTOUT the ferry timetable is a council plot", None),
    (4, 104, "SECRET-FORGOTTEN ferry timetable gossip", None),
    (5, 101, f"harbour news {URL}", None),
    (6, 102, "SECRET-DELETED ferry timetable rant", None),
    (7, 102, "!play sea shanties", None),
    (8, 100, "<@101> <@102>", None),
    (9, 101, "Thread talk: the lantern parade route goes past the pier", THREAD),
    (10, 102, "Lantern parade route: volunteers meet at the pier at eight", THREAD),
    (11, 101, "Another channel entirely: storm warning tonight", None),
]


def mid(i: int) -> int:
    return row(i).id


@pytest.fixture
async def logged(db: Database) -> Database:
    writer = LogWriter(db, max_batch=50, max_delay=0.01)
    writer.start()
    await writer.put(ThreadEvent(THREAD, G, CHANNEL, "Lantern parade", 101, BASE_MS))
    for i, author, text, thread in MESSAGES:
        await writer.put(row(i, channel=OTHER if i == 11 else CHANNEL, author=author, content=text,
                             thread_id=thread))
    await writer.put(Delete([mid(6)], G, BASE_MS + 60_000))
    await writer.stop()
    await logbook.set_opt_out(db, G, 103, True, BASE_MS + 60_000)
    await logbook.forget_member(db, G, 104)
    await articles.put_summary(db, SummaryKey(URL, "extractive", "", "brief", ""), Summary(
        "Ferry timetable story", "The ferry timetable changes on Monday.", [], "extractive"), BASE_MS, 10**9)
    await articles.add_post(db, SummaryPost(mid(5) + 1, G, CHANNEL, None, mid(5), URL, BASE_MS + 5_500),
                            requested_by=101, provider="extractive")
    for user, thread, text in ((102, None, "When does it change?"), (103, None, "SECRET-QUESTION?"),
                               (101, THREAD, "Where is the parade?")):
        await qstore.add(db, QuestionRecord(G, CHANNEL, thread, user, URL, text, "On Monday.", True, 0.9,
                                            "extractive", None, 0, 0, 5, BASE_MS + 8_000))
    return db


def text_of(c: Catchup) -> str:
    parts = [f"{t.title}\n{t.summary}\n{t.members}\n{t.messages}" for t in c.topics]
    parts += [f"{link}" for link in c.links] + [f"{q}" for q in c.questions]
    return "\n".join(parts)


HERE = Location(CHANNEL)


async def window(db: Database, location: Location = HERE, **kwargs: Any) -> Window:
    since = kwargs.pop("since", MessageLink(G, CHANNEL, mid(0)))
    return await resolve_window(db, G, location, since, member_id=None, until_ms=BASE_MS + 100_000, **kwargs)


async def test_only_readable_words_of_the_window_and_of_the_threads_given(logged: Database) -> None:
    w = await window(logged)
    hidden = await build_catchup(logged, w, threads=[])
    text = text_of(hidden)
    assert "SECRET" not in text and "lighthouse" not in text and "shanties" not in text and "storm" not in text
    assert "Lantern" not in text and "Where is the parade?" not in text
    assert hidden.logged == 8 and hidden.readable == 4      # 1, 2, 5 and 8; the command (7) is not discussion
    [ferry] = hidden.topics
    assert ferry.members == [101, 102] and ferry.messages[0] == jump_url(G, CHANNEL, mid(1))
    assert "ferry" in ferry.title.lower() and hidden.other_messages == hidden.readable - ferry.count
    [link] = hidden.links
    assert (link.url, link.title, link.tldr) == (URL, "Ferry timetable story", "The ferry timetable changes on Monday.")
    assert link.summary == jump_url(G, CHANNEL, mid(5) + 1) and link.message == jump_url(G, CHANNEL, mid(5))
    assert [q.question for q in hidden.questions] == ["When does it change?"]

    seen = await build_catchup(logged, w, threads=[THREAD])
    parade = next(t for t in seen.topics if t.thread_id == THREAD)
    assert parade.title == "Lantern parade" and parade.messages[0] == jump_url(G, THREAD, mid(9))
    assert "Where is the parade?" in [q.question for q in seen.questions]

    alone = await build_catchup(logged, await window(logged, Location(CHANNEL, THREAD)))
    assert [t.count for t in alone.topics] == [2] and "ferry" not in text_of(alone).lower()


async def test_windows_by_last_message_period_and_nothing_logged(logged: Database) -> None:
    mine = await resolve_window(logged, G, Location(CHANNEL), None, member_id=102, until_ms=BASE_MS + 100_000)
    assert mine.basis == "last_message" and mine.after_id == mid(10)     # the thread counts as the channel
    newcomer = await resolve_window(logged, G, Location(CHANNEL), None, member_id=999, until_ms=BASE_MS + 100_000)
    assert newcomer.basis == "default" and newcomer.label == "in the last 24h (you haven't posted here)"
    period = await window(logged, since=Period.parse("5s"))
    assert period.since_ms == BASE_MS + 95_000 and (await build_catchup(logged, period)).logged == 0
    after_all = await build_catchup(logged, await window(logged, since=MessageLink(G, CHANNEL, mid(11))))
    assert after_all.logged == 0 and after_all.empty


async def test_a_failing_llm_leaves_the_built_in_digest_with_a_note(logged: Database, fake_openai: FakeOpenAI,
                                                                    openai_client: AsyncOpenAI) -> None:
    fake_openai.script(*(server_error(500, retry_after=0) for _ in range(3)))
    writer = LLMTopicWriter(openai_client, "m", context_tokens=4_000)
    result = await build_catchup(logged, await window(logged), writer=writer)
    assert result.provider == "extractive" and result.note and "built-in digest" in result.note
    assert "ferry" in result.topics[0].title.lower()

    worded = await build_catchup(logged, await window(logged), writer=writer)    # the server is fine again
    assert worded.provider == "llm" and worded.topics[0].title.startswith("Talk of ")
    assert worded.usage.calls == 1 and worded.topics[0].members == [101, 102]
