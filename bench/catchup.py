"""/catchup over a 10,000-message window with the built-in provider.

Builds a temporary database (real migrations, then one bulk executemany): a busy channel with 10,000
messages in the last six hours (plus 40,000 older ones and a second channel, so the window is a slice of a
bigger log), 60 members, chat-like lines drawn from a few subjects that come and go, replies, links, typed
bot commands, mention-only lines, an opted-out member, and threads.

Figures (median of 5 runs after a warm-up):
- catchup_10k: `build_catchup` for the window (store reads, clustering into topics, links, questions);
  baseline = the same-run median of reading the window's readable messages from the store alone
  (`readable_messages`, the query the digest starts from). Goal: at most 1 s.
- catchup_topics_10k: the clustering alone (`find_topics` on the window's utterances), for the record.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench.harness import Figure, figure, median_ms, median_ms_async
from bench.report import Generated, load_sqlite, snowflake
from bot.catchup.build import MAX_MESSAGES, build_catchup
from bot.catchup.window import Window
from bot.reports.digest import Utterance, discussion_text, find_topics
from bot.store import catchup as store
from bot.store.catchup import Span
from bot.store.db import Database
from bot.store.location import Location

GUILD, CHANNEL, OTHER = 1, 100, 101
NOW = 1_790_000_000_000
HOUR_MS = 3_600_000
WINDOW, OLDER, MEMBERS, THREADS = 10_000, 40_000, 60, 20
REPEAT = 5
SUBJECTS = [s.split() for s in (
    "ferry timetable harbour boat crossing pier captain departure delay",
    "library budget council vote opening hours books funding mayor",
    "storm warning coast wind rain flood gusts shelter forecast",
    "bakery contest sourdough bread flour oven judges crust recipe",
    "tram repairs bridge closure rails buses detour night works",
    "festival lantern parade volunteers stage music tickets crowd",
    "match final goal league referee penalty striker season",
    "garden allotment tomatoes compost seeds harvest watering slugs",
)]
FILLER = ("i think that is really what we should do about it honestly yes no maybe sure agreed "
          "wait what right exactly though anyway").split()


def _line(rnd: random.Random, subject: list[str], seq: int) -> str:
    roll = rnd.random()
    if roll < 0.03:
        return f"!{rnd.choice(('play', 'rank', 'roll'))} {rnd.choice(subject)}"
    if roll < 0.05:
        return f"<@{10_000 + rnd.randrange(MEMBERS)}> <@{10_000 + rnd.randrange(MEMBERS)}>"
    if roll < 0.10:
        return rnd.choice(("lol", "yes!", "true", "same", "😂"))
    words = rnd.choices(subject, k=rnd.randint(3, 8)) + rnd.choices(FILLER, k=rnd.randint(2, 10))
    rnd.shuffle(words)
    text = " ".join(words).capitalize()
    if roll < 0.13:
        text += f" https://news{seq % 30}.example/story/{seq}"
    return text


def _generate(path: Path) -> None:
    rnd = random.Random(20261129)
    rows: list[tuple[object, ...]] = []
    start = NOW - 6 * HOUR_MS
    subject = SUBJECTS[0]
    threads = [snowflake(start, 3_000_000 + t) for t in range(THREADS)]
    previous: int | None = None
    for seq in range(WINDOW + OLDER):
        in_window = seq < WINDOW
        at = start + seq * (6 * HOUR_MS // WINDOW) if in_window else start - 1 - (seq - WINDOW) * 2_000
        if rnd.random() < 0.04:
            subject = rnd.choice(SUBJECTS)
        mid = snowflake(at, seq)
        author = 10_000 + rnd.randrange(MEMBERS)
        thread = rnd.choice(threads) if in_window and rnd.random() < 0.1 else None
        channel = CHANNEL if in_window or rnd.random() < 0.5 else OTHER
        reply_to = previous if in_window and rnd.random() < 0.15 else None
        previous = mid
        state = 1 if author == 10_007 else 0
        text = _line(rnd, subject, seq)
        rows.append((mid, GUILD, channel, thread, author, f"member{author}", None if state else text, state, at,
                     reply_to))
    load_sqlite(path, Generated({
        "messages": (("id", "guild_id", "channel_id", "thread_id", "author_id", "author_name", "content",
                      "content_state", "created_at", "reply_to"), rows),
        "threads": (("id", "guild_id", "parent_id", "name", "owner_id", "created_at"),
                    [(t, GUILD, CHANNEL, f"thread {i}", 10_000 + i, start) for i, t in enumerate(threads)]),
        "privacy": (("guild_id", "user_id", "opted_out", "updated_at"), [(GUILD, 10_008, 1, start)]),
    }, len(rows)))


async def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="precis-catchup-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        async with Database(path):
            pass   # the real schema, migrations included
        started = time.perf_counter()
        await asyncio.to_thread(_generate, path)
        generated_s = time.perf_counter() - started
        window = Window(GUILD, Location(CHANNEL), NOW - 6 * HOUR_MS, NOW + 1, "period", "6h")
        async with Database(path) as db:
            threads = await store.thread_ids(db, GUILD, CHANNEL, window.since_ms, window.until_ms)
            span = Span(GUILD, window.location, window.since_ms, window.until_ms, threads)
            rows, _ = await store.readable_messages(db, span, MAX_MESSAGES)
            result = await build_catchup(db, window, threads=threads)    # warm-up

            async def read() -> None:
                await store.readable_messages(db, span, MAX_MESSAGES)

            async def digest() -> None:
                await build_catchup(db, window, threads=threads)

            base_ms = await median_ms_async(read, REPEAT)
            value_ms = await median_ms_async(digest, REPEAT)
        utterances = [Utterance(discussion_text(r.content), r.id, r.reply_to, r.thread_id) for r in rows]
        topics_ms = median_ms(lambda: find_topics(utterances), REPEAT)
    note = (f"{len(rows):,} readable messages in the window ({result.readable:,} after commands; "
            f"{len(result.topics)} topics, {len(result.links)} links) of {WINDOW + OLDER:,} logged "
            f"(generated in {generated_s:.1f} s); goal <= 1000 ms")
    return [figure("catchup_10k", value_ms, "ms", base_ms,
                   note=note + "; baseline: reading the window from the store alone"),
            figure("catchup_topics_10k", topics_ms, "ms", note="clustering alone (find_topics)")]
