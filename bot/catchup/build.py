"""Building a catch-up: the window's readable messages grouped into topics (the shared digest engine), with
who took part and jump links, the links shared with our summaries' TL;DRs, and the questions asked of the bot.

The caller decides what the reader may see: `threads` lists the channel's threads they can read (a channel's
window never includes other threads). An optional `writer` (an LLM) rewrites the topics' titles and
summaries; members, counts and jump links always come from the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.app.errors import LLMError, UserFacingError
from bot.articles.urls import canonicalize, find_links
from bot.catchup.model import BotQuestion, Catchup, CatchupTopic, SharedLink
from bot.catchup.window import Window
from bot.llm.base import TokenUsage
from bot.reports.digest import Topic, Utterance, discussion_text, find_topics, is_command
from bot.store import catchup as store
from bot.store.catchup import LoggedMessage, Span
from bot.store.db import Database
from bot.store.location import Location
from bot.util.text import clip
from bot.util.workers import Workers, WorkersClosed, WorkFailed

log = logging.getLogger(__name__)

MAX_MESSAGES = 10_000      # the newest messages of a longer window are digested
MAX_TOPICS = 5
MAX_LINKS = 10
MAX_QUESTIONS = 10
LINKS_PER_MESSAGE = 3
QUOTES = 2                 # quotes in an extractive topic summary
JUMPS = 3                  # jump links per topic
QUOTE_CHARS = 200
ANSWER_CHARS = 300
ANALYSIS_DEADLINE = 30.0   # seconds; 10,000 messages take about one
MSG_TOO_MUCH = "There was too much to read in time; try a shorter period."


@dataclass(frozen=True, slots=True)
class TopicDraft:
    """One topic as a writer sees it: its messages as "name: text" lines, in order."""
    number: int
    lines: list[str]
    central: list[int]     # indices of the lines that represent it best


@dataclass(slots=True)
class Written:
    topics: dict[int, tuple[str, str]]               # topic number -> (title, summary)
    model: str | None = None
    usage: TokenUsage = field(default_factory=TokenUsage)
    note: str | None = None


class TopicWriter(Protocol):
    async def write(self, drafts: Sequence[TopicDraft]) -> Written: ...


@dataclass(slots=True)
class _Analysis:
    topics: list[Topic]
    utterances: list[Utterance]
    kept: list[LoggedMessage]
    links: list[tuple[str, LoggedMessage]]           # (canonical url, the message that first shared it)


def _analyse(rows: list[LoggedMessage], *, one_thread: bool) -> _Analysis:
    """The CPU part (clustering, link finding): run in the worker pool."""
    kept = [r for r in rows if not is_command(r.content)]
    utterances = [Utterance(discussion_text(r.content), r.id, r.reply_to, None if one_thread else r.thread_id)
                  for r in kept]
    topics = find_topics(utterances, limit=MAX_TOPICS, central=QUOTES)
    seen: dict[str, LoggedMessage] = {}
    for row in kept:
        if "http" not in row.content:
            continue
        for link in find_links(row.content, limit=LINKS_PER_MESSAGE):
            seen.setdefault(canonicalize(link), row)
    links = list(seen.items())[-MAX_LINKS:]
    return _Analysis(topics, utterances, kept, links)


async def build_catchup(db: Database, window: Window, *, threads: Collection[int] | None = None,
                        writer: TopicWriter | None = None, workers: Workers | None = None) -> Catchup:
    span = Span(window.guild_id, window.location, window.since_ms, window.until_ms, threads, window.after_id)
    result = Catchup(window)
    result.logged = await store.logged_count(db, span)
    if result.logged == 0:
        return result
    rows, result.truncated = await store.readable_messages(db, span, MAX_MESSAGES)
    one_thread = window.location.thread_id is not None
    if workers is None:     # tools and tests without a pool
        analysis = await asyncio.to_thread(_analyse, rows, one_thread=one_thread)
    else:
        try:
            analysis = await workers.run(_analyse, rows, one_thread=one_thread, timeout=ANALYSIS_DEADLINE)
        except WorkersClosed:
            raise
        except WorkFailed as exc:
            raise UserFacingError(MSG_TOO_MUCH) from exc
    result.readable = len(analysis.kept)
    for row in analysis.kept:
        if row.author_name:
            result.names[row.author_id] = row.author_name    # the newest name wins (rows are oldest first)
    names = await store.thread_names(db, window.guild_id, {t.group for t in analysis.topics if t.group})
    result.topics = [_topic(window, analysis, topic, names) for topic in analysis.topics]
    result.other_messages = result.readable - sum(t.count for t in result.topics)
    result.links = await _links(db, window, analysis.links)
    result.questions = [BotQuestion(q.user_id, q.question, clip(q.answer, ANSWER_CHARS) if q.answer else None,
                                    q.answerable) for q in await store.questions(db, span, MAX_QUESTIONS)]
    if writer is not None and result.topics:
        await _rewrite(result, analysis, writer)
    return result


def _jump(window: Window, row: LoggedMessage) -> str:
    return Location(window.location.channel_id, row.thread_id).jump_url(window.guild_id, row.id)


def _name(row: LoggedMessage) -> str:
    return row.author_name or f"member {row.author_id}"


def _topic(window: Window, analysis: _Analysis, topic: Topic, thread_names: dict[int, str]) -> CatchupTopic:
    rows = [analysis.kept[i] for i in topic.items]
    # Who said something in it (a line of mentions or a bare link is not taking part), most active first.
    members = [member for member, _ in Counter(analysis.kept[i].author_id for i in topic.items
                                               if analysis.utterances[i].text).most_common()]
    jumps = [topic.items[0], *(i for i in sorted(topic.central) if i != topic.items[0])][:JUMPS]
    title = thread_names.get(topic.group or 0) or ", ".join(topic.terms) or "Conversation"
    summary = " · ".join(f"{_name(analysis.kept[i])}: “{clip(analysis.utterances[i].text, QUOTE_CHARS)}”"
                         for i in sorted(topic.central))
    return CatchupTopic(title=title[:1].upper() + title[1:], summary=summary, members=members,
                        messages=[_jump(window, analysis.kept[i]) for i in jumps], count=len(rows),
                        thread_id=topic.group)


async def _links(db: Database, window: Window, shared: list[tuple[str, LoggedMessage]]) -> list[SharedLink]:
    summaries = await store.link_summaries(db, {url for url, _ in shared})
    posts = await store.summary_posts(db, {row.id for _, row in shared})
    out = []
    for url, row in shared:
        known = summaries.get(url)
        post = posts.get((row.id, url))
        out.append(SharedLink(url=url, shared_by=row.author_id, message=_jump(window, row),
                              title=known.title if known else None, tldr=(known.tldr or None) if known else None,
                              summary=post.location.jump_url(window.guild_id, post.message_id) if post else None))
    return out


async def _rewrite(result: Catchup, analysis: _Analysis, writer: TopicWriter) -> None:
    """Let the writer word the topics; on failure the extractive titles and quotes stay, with a note."""
    drafts = []
    for number, topic in enumerate(analysis.topics, start=1):
        lines: list[str] = []
        central: list[int] = []
        for i in topic.items:
            text = analysis.utterances[i].text
            if not text:
                continue
            if i in topic.central:
                central.append(len(lines))
            lines.append(f"{_name(analysis.kept[i])}: {text}")
        drafts.append(TopicDraft(number, lines, central))
    try:
        written = await writer.write(drafts)
    except LLMError as exc:
        log.warning("catch-up topics by the LLM failed (%s); using the built-in digest", exc)
        result.note = f"{exc.message.rstrip('.')}, so this is the built-in digest."
        return
    result.usage = written.usage
    if not written.topics:
        return
    for number, shown in enumerate(result.topics, start=1):
        if number in written.topics:
            shown.title, shown.summary = written.topics[number]
    result.provider, result.model, result.note = "llm", written.model, written.note
