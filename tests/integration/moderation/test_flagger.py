"""Flagging over a real SQLite log: local rules, idempotence, the persistent cursor, and the moderation
endpoint through the loopback OpenAI fake (including a 429 that must not skip anything)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.llm.moderation import ModerationClient
from bot.logbook.rows import MessageRow
from bot.logbook.writer import LogWriter
from bot.moderation.flagger import (
    ERROR_PAUSE_S,
    MAX_ENDPOINT_FAILURES,
    Flagger,
    FlagListener,
    RateLimiter,
)
from bot.moderation.rules import check_content
from bot.settings.guild import GuildSettingsService
from bot.store import moderation as store
from bot.store.db import Database
from bot.store.moderation import Flag
from bot.util.workers import Workers
from tests.fakes.fake_openai import MODERATIONS, FakeOpenAI, Slow, rate_limited, server_error
from tests.fakes.openai_plugin import OpenAIClientFactory
from tests.helpers.rows import BASE_MS, row

GUILD, OTHER_GUILD = 1, 2
CLOCK = BASE_MS + 3_600_000  # an hour after the first test message
LOOKBACK = 2 * 3_600_000  # a fresh flagger starts before every test message


@pytest.fixture
async def writer(db: Database) -> AsyncIterator[LogWriter]:
    w = LogWriter(db, max_batch=100, max_delay=0.01)
    w.start()
    yield w
    await w.stop()


@pytest.fixture
async def settings(db: Database) -> GuildSettingsService:
    service = GuildSettingsService(db)
    await service.update(GUILD, None, mod_rules=["scam", "/free\\s+nitro/", "crypto giveaway"])
    return service


async def log(writer: LogWriter, rows: list[MessageRow]) -> None:
    for r in rows:
        await writer.put(r)
    await writer.flush()


def flagger(db: Database, settings: GuildSettingsService, *, on_flags: FlagListener | None = None,
            workers: Workers | None = None) -> Flagger:
    return Flagger(db, settings.get, on_flags=on_flags, clock_ms=lambda: CLOCK,
                   first_run_lookback_ms=LOOKBACK, workers=workers)


async def all_flags(db: Database) -> set[tuple[int, str, str]]:
    rows = await db.fetchall("SELECT message_id, category, provider FROM flags")
    return {(r["message_id"], r["category"], r["provider"]) for r in rows}


@pytest.mark.parametrize("pooled", [False, True], ids=["in-place", "in-the-worker-pool"])
async def test_local_rules_flag_exactly_the_offending_messages(
    db: Database, writer: LogWriter, settings: GuildSettingsService, workers: Workers, pooled: bool
) -> None:
    texts = {
        0: "this looks like a SCAM to me",  # word rule, any case
        1: "scammers everywhere, but scamming is a different word",  # no whole-word match
        2: "get FREE   nitro here",  # regex rule
        3: "huge Crypto Giveaway tonight",  # phrase rule
        4: "@everyone the ferry is late",  # mass mention
        5: " ".join(f"<@{n}>" for n in range(100000000000000001, 100000000000000006)),  # 5 distinct members
        6: "<@100000000000000001> <@!100000000000000001> <@100000000000000002> <@100000000000000003> "
        "<@100000000000000004>",  # 4 distinct: fine
        7: "join us at https://discord.gg/harbour",  # invites
        8: "or discord.com/invite/ferry-fans",
        9: "old link: https://discordapp.com/invite/Lighthouse",
        10: "write to me@here.example about discord.gg",  # neither a mention nor an invite
        11: "an ordinary message about the timetable",
    }
    rows = [row(i, author=200 + i, content=text) for i, text in texts.items()]
    rows.append(row(12, author=300, content="scam", opted_out=True))  # content never stored
    rows.append(row(13, guild=OTHER_GUILD, author=301, content="a scam elsewhere"))  # no rules there
    await log(writer, rows)

    processed = await flagger(db, settings, workers=workers if pooled else None).run_once()

    assert processed == 14  # the cursor passed every message, the opted-out one included
    ids = {i: r.id for i, r in enumerate(rows)}
    assert await all_flags(db) == {
        (ids[0], "rule", "rules"),
        (ids[2], "rule", "rules"),
        (ids[3], "rule", "rules"),
        (ids[4], "mass_mention", "rules"),
        (ids[5], "mass_mention", "rules"),
        (ids[7], "invite", "rules"),
        (ids[8], "invite", "rules"),
        (ids[9], "invite", "rules"),
    }
    (flag,) = await store.flags_for_message(db, ids[2])
    assert flag.detail == "matched /free\\s+nitro/" and flag.score == 1.0
    assert flag.jump_url == f"https://discord.com/channels/{GUILD}/10/{ids[2]}"
    assert "nitro here" not in (flag.detail or "")  # a flag never stores the message text


def test_check_content_reports_every_rule_broken_at_once() -> None:
    hits = check_content("@here SCAM at discord.gg/abc", ["scam"])
    assert [category for category, _ in hits] == ["rule", "mass_mention", "invite"]


async def test_flooding_bursts_and_repeats(
    db: Database, writer: LogWriter, settings: GuildSettingsService
) -> None:
    burst = [row(i, author=400, channel=10, content=f"line {i}", at=BASE_MS + i * 1_500) for i in range(6)]
    slow = [
        row(10 + i, author=401, channel=10, content=f"word {i}", at=BASE_MS + i * 2_500) for i in range(6)
    ]
    repeats = [
        row(20 + i, author=402, channel=10 + i, content=text, at=BASE_MS + i * 25_000)
        for i, text in enumerate(["Buy my ferry tickets", "buy  MY ferry tickets", "buy my ferry tickets"])
    ]
    spaced = [row(30 + i, author=403, content="same again", at=BASE_MS + i * 61_000) for i in range(3)]
    await log(writer, burst + slow + repeats + spaced)

    await flagger(db, settings).run_once()

    flood = {m for m, category, _ in await all_flags(db) if category == "flood"}
    # The sixth message within 10 s in one channel; the third same text within 60 s (any channel).
    assert flood == {burst[5].id, repeats[2].id}


async def test_flags_are_idempotent_and_the_cursor_survives_a_new_flagger(
    db: Database, writer: LogWriter, settings: GuildSettingsService
) -> None:
    rows = [row(i, author=500 + i, content="scam" if i % 2 else "fine") for i in range(10)]
    await log(writer, rows)

    first = flagger(db, settings)
    assert await first.run_once(limit=4) == 4
    assert await store.get_cursor(db, "flagger") == rows[3].id

    second = flagger(db, settings)  # a restart: the cursor comes from the database
    assert await second.run_once() == 6
    assert await second.run_once() == 0
    expected = {(r.id, "rule", "rules") for r in rows if r.content == "scam"}
    assert await all_flags(db) == expected

    await db.execute("DELETE FROM job_cursors")  # checking everything again changes nothing
    assert await flagger(db, settings).run_once() == 10
    assert await all_flags(db) == expected
    assert [tuple(r) for r in await db.fetchall("SELECT count(*) FROM flags")] == [(5,)]


async def test_messages_newer_than_the_settle_time_wait_for_a_later_run(
    db: Database, writer: LogWriter, settings: GuildSettingsService
) -> None:
    now = [BASE_MS]
    early, late = (
        row(1, content="scam one", at=BASE_MS - 30_000),
        row(2, content="scam two", at=BASE_MS - 2_000),
    )
    await log(writer, [early, late])
    f = Flagger(db, settings.get, clock_ms=lambda: now[0], first_run_lookback_ms=LOOKBACK, settle_ms=10_000)

    assert await f.run_once() == 1  # the newest message may still have stragglers
    now[0] += 10_000
    assert await f.run_once() == 1
    assert {m for m, _, _ in await all_flags(db)} == {early.id, late.id}


async def test_listener_hears_each_new_flag_once(
    db: Database, writer: LogWriter, settings: GuildSettingsService
) -> None:
    heard: list[Flag] = []

    async def listener(flags: list[Flag]) -> None:
        heard.extend(flags)

    await log(writer, [row(1, content="scam"), row(2, content="hello")])
    await flagger(db, settings, on_flags=listener).run_once()
    await db.execute("DELETE FROM job_cursors")
    await flagger(db, settings, on_flags=listener).run_once()
    assert [(f.message_id, f.category) for f in heard] == [(row(1).id, "rule")]
    assert heard[0].id is not None


async def test_rate_limiter_waits_for_a_token() -> None:
    clock = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:   # time passes only when the limiter waits
        slept.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(10, burst=2, clock=lambda: clock[0], sleep=sleep)
    await limiter.acquire()
    await limiter.acquire()
    assert slept == []                            # the burst is free
    await limiter.acquire()
    assert slept == [pytest.approx(0.1)]          # the third call waited for one token at 10/s
    clock[0] += 0.05
    await limiter.acquire()
    assert slept[1:] == [pytest.approx(0.05)]     # half a token had come back already


# -- the moderation endpoint ------------------------------------------------------------------------


async def test_endpoint_flags_and_a_429_skips_nothing(
    db: Database,
    writer: LogWriter,
    settings: GuildSettingsService,
    fake_openai: FakeOpenAI,
    make_openai_client: OpenAIClientFactory,
) -> None:
    texts = [
        "you absolute idiot",
        "lovely weather at the harbour",
        "I will hurt you",
        None,
        "the ferry leaves at noon",
        "what a moron, and a scam too",
    ]
    rows = [
        row(i, author=600 + i, content=text or "x", opted_out=text is None) for i, text in enumerate(texts)
    ]
    await log(writer, rows)
    client = ModerationClient(make_openai_client(max_retries=0), batch_size=2)
    monotonic = [100.0]
    f = Flagger(
        db,
        settings.get,
        moderation=client,
        clock_ms=lambda: CLOCK,
        first_run_lookback_ms=LOOKBACK,
        monotonic=lambda: monotonic[0],
        requests_per_second=1000,
        burst=10,
    )
    # First request answered normally, the second refused with 429 and Retry-After: 7.
    fake_openai.script(Slow(0, path=MODERATIONS), rate_limited(7, path=MODERATIONS))

    assert await f.run_once() == 2  # the first chunk only
    assert await store.get_cursor(db, "flagger") == rows[1].id
    assert f.paused_for == pytest.approx(7)
    assert await f.run_once() == 0  # still paused: no request made
    assert len(fake_openai.calls(MODERATIONS)) == 2

    monotonic[0] += 7.5
    assert await f.run_once() == 4
    sent = [r.json["input"] for r in fake_openai.calls(MODERATIONS)]
    assert sent == [texts[0:2], texts[2:5:2], texts[2:5:2], texts[5:6]]  # the refused chunk sent again
    flags = await all_flags(db)
    assert (rows[0].id, "harassment", "openai") in flags
    assert (rows[2].id, "violence", "openai") in flags
    assert (rows[5].id, "harassment", "openai") in flags
    assert (rows[5].id, "rule", "rules") in flags  # local rules run beside the endpoint
    assert not {m for m, _, _ in flags} & {rows[1].id, rows[3].id, rows[4].id}
    (harassment,) = [f for f in await store.flags_for_message(db, rows[0].id) if f.category == "harassment"]
    assert harassment.score == pytest.approx(0.71) and harassment.detail == "omni-moderation-latest"
    assert f.stats.rate_limited == 1 and f.stats.processed == 6


async def test_a_failing_endpoint_pauses_then_falls_back_to_local_rules(
        db: Database, writer: LogWriter, settings: GuildSettingsService, fake_openai: FakeOpenAI,
        make_openai_client: OpenAIClientFactory) -> None:
    first = [row(i, author=700 + i, content=text) for i, text in enumerate(["you idiot", "a scam offer"])]
    await log(writer, first)
    client = ModerationClient(make_openai_client(max_retries=0), batch_size=8)
    monotonic = [0.0]
    f = Flagger(db, settings.get, moderation=client, clock_ms=lambda: CLOCK, first_run_lookback_ms=LOOKBACK,
                monotonic=lambda: monotonic[0], requests_per_second=1000, burst=10)
    fake_openai.script(*[server_error(path=MODERATIONS)] * MAX_ENDPOINT_FAILURES)

    for _ in range(MAX_ENDPOINT_FAILURES - 1):
        assert await f.run_once() == 0                     # paused after each failure, cursor unmoved
        assert f.paused_for == pytest.approx(ERROR_PAUSE_S)
        monotonic[0] += ERROR_PAUSE_S
    assert await f.run_once() == 2                         # the last failure: local rules only
    assert await all_flags(db) == {(first[1].id, "rule", "rules")}

    later = row(5, author=710, content="what an idiot")    # the endpoint is back for the next messages
    await log(writer, [later])
    assert await f.run_once() == 1
    assert (later.id, "harassment", "openai") in await all_flags(db)
    assert f.stats.errors == MAX_ENDPOINT_FAILURES
