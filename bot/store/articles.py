"""Articles, the summary cache, remembered failures, summary posts and shared links."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.articles.model import Article
from bot.llm.base import Summary
from bot.store.db import Database, Row
from bot.store.dialect import upsert
from bot.store.location import Location

_PUT_ARTICLE = upsert("articles", ("url", "final_url", "title", "author", "published", "site", "language", "image",
                                   "content_type", "text", "fetched_at", "expires_at"), ("url",))
_PUT_SUMMARY = upsert("summaries", ("url", "provider", "model", "style", "language", "title", "tldr", "key_points",
                                    "summary_language", "note", "created_at", "expires_at"),
                      ("url", "provider", "model", "style", "language"))
_ADD_POST = upsert("summary_posts", ("message_id", "guild_id", "channel_id", "thread_id", "source_message_id", "url",
                                     "requested_by", "provider", "created_at"), ("message_id",))


@dataclass(frozen=True, slots=True)
class SummaryKey:
    url: str
    provider: str
    model: str
    style: str
    language: str


@dataclass(frozen=True, slots=True)
class SummaryPost:
    message_id: int
    guild_id: int
    channel_id: int
    thread_id: int | None
    source_message_id: int | None
    url: str
    created_at: int

    @property
    def location(self) -> Location:
        return Location(self.channel_id, self.thread_id)


async def get_article(db: Database, url: str, now: int) -> Article | None:
    row = await db.fetchone("SELECT * FROM articles WHERE url = ? AND expires_at > ?", (url, now))
    if row is None:
        return None
    return Article(url=row["url"], text=row["text"], title=row["title"], author=row["author"],
                   date=row["published"], site=row["site"], language=row["language"], image=row["image"],
                   final_url=row["final_url"], content_type=row["content_type"])


async def put_article(db: Database, article: Article, now: int, ttl_ms: int) -> None:
    await db.execute(
        _PUT_ARTICLE,
        (article.url, article.final_url, article.title, article.author, article.date, article.site,
         article.language, article.image, article.content_type, article.text, now, now + ttl_ms))


async def get_summary(db: Database, key: SummaryKey, now: int) -> Summary | None:
    row = await db.fetchone(
        "SELECT title, tldr, key_points, summary_language, note FROM summaries WHERE url = ? AND provider = ? "
        "AND model = ? AND style = ? AND language = ? AND expires_at > ?",
        (key.url, key.provider, key.model, key.style, key.language, now))
    if row is None:
        return None
    return Summary(title=row["title"], tldr=row["tldr"], key_points=json.loads(row["key_points"]),
                   provider=key.provider, model=key.model or None, language=row["summary_language"],
                   note=row["note"])


async def put_summary(db: Database, key: SummaryKey, summary: Summary, now: int, ttl_ms: int) -> None:
    await db.execute(
        _PUT_SUMMARY,
        (key.url, key.provider, key.model, key.style, key.language, summary.title, summary.tldr,
         json.dumps(summary.key_points, ensure_ascii=False), summary.language, summary.note, now, now + ttl_ms))


async def get_failure(db: Database, url: str, now: int) -> str | None:
    row = await db.fetchone("SELECT message FROM fetch_failures WHERE url = ? AND expires_at > ?", (url, now))
    return None if row is None else str(row["message"])


async def put_failure(db: Database, url: str, message: str, now: int, ttl_ms: int) -> None:
    await db.execute(upsert("fetch_failures", ("url", "message", "expires_at"), ("url",)),
                     (url, message, now + ttl_ms))


async def add_post(db: Database, post: SummaryPost, *, requested_by: int | None, provider: str) -> None:
    await db.execute(
        _ADD_POST,
        (post.message_id, post.guild_id, post.channel_id, post.thread_id, post.source_message_id, post.url,
         requested_by, provider, post.created_at))


async def set_post_thread(db: Database, message_id: int, thread_id: int) -> None:
    await db.execute("UPDATE summary_posts SET thread_id = ? WHERE message_id = ?", (thread_id, message_id))


def _post(r: Row) -> SummaryPost:
    return SummaryPost(r["message_id"], r["guild_id"], r["channel_id"], r["thread_id"], r["source_message_id"],
                       r["url"], r["created_at"])


async def post_for_message(db: Database, message_id: int) -> SummaryPost | None:
    """The summary post that is, or answers, this message (the bot's reply or the member's link)."""
    row = await db.fetchone("SELECT * FROM summary_posts WHERE message_id = ? OR source_message_id = ? "
                            "ORDER BY created_at DESC LIMIT 1", (message_id, message_id))
    return None if row is None else _post(row)


async def posted_urls(db: Database, source_message_id: int) -> set[str]:
    rows = await db.fetchall("SELECT url FROM summary_posts WHERE source_message_id = ?", (source_message_id,))
    return {r["url"] for r in rows}


async def post_for_thread(db: Database, thread_id: int) -> SummaryPost | None:
    row = await db.fetchone("SELECT * FROM summary_posts WHERE thread_id = ? ORDER BY created_at DESC LIMIT 1",
                            (thread_id,))
    return None if row is None else _post(row)


async def latest_post(db: Database, channel_id: int, since: int) -> SummaryPost | None:
    row = await db.fetchone("SELECT * FROM summary_posts WHERE channel_id = ? AND created_at >= ? "
                            "ORDER BY created_at DESC LIMIT 1", (channel_id, since))
    return None if row is None else _post(row)


async def add_shared_links(db: Database, message_id: int, urls: list[str], *, guild_id: int, location: Location,
                           user_id: int, created_at: int) -> None:
    """Links a member shared, where log rows keep them: the channel (a thread's parent) and the thread."""
    await db.transaction([(
        "INSERT INTO shared_links (message_id, url, guild_id, channel_id, thread_id, user_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(message_id, u, guild_id, *location, user_id, created_at) for u in urls], True)])
