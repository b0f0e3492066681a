"""Flagging over a real SQLite log: local rules, idempotence, the persistent cursor, and the moderation
endpoint through the loopback OpenAI fake (including a 429 that must not skip anything)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.llm.moderation import PROBE_INPUT, ModerationClient
from bot.logbook.rows import MessageRow
from bot.logbook.writer import LogWriter
from bot.moderation.endpoint import RECHECK_MISSING_S, EndpointState, ModerationEndpoint
from bot.moderation.endpoint_scan import (
    ENDPOINT_CURSOR_NAME,
    ERROR_PAUSE_S,
    MAX_ENDPOINT_FAILURES,
    EndpointFlagger,
    RateLimiter,
)
from bot.moderation.flagger import Flagger, FlagListener
from bot.moderation.rules import check_content
from bot.settings.guild import GuildSettingsService
from bot.store import logbook
from bot.store import moderation as store
from bot.store.db import Database
from bot.store.location import Location
from bot.store.moderation import Flag
from bot.util.shards import Shards
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


# -- the live path ---------------------------------------------------------------------------------


async def test_live_rows_are_flagged_at_once_and_the_in_order_pass_adds_no_duplicate(
    db: Database, writer: LogWriter, settings: GuildSettingsService
) -> None:
    heard: list[Flag] = []

    async def listener(flags: list[Flag]) -> None:
        heard.extend(flags)

    f = flagger(db, settings, on_flags=listener)
    scam, fine, private = row(1, content="a scam offer"), row(2, content="hello"), row(3, content=None, opted_out=True)
    in_thread = row(4, content="another scam", thread_id=77)
    for r in (scam, fine, private, in_thread):
        f.observe(r)                                   # what the log service hands over as it queues rows
    assert await f.check_live() == 3                   # the opted-out row was never taken
    assert [(x.message_id, x.category) for x in heard] == [(scam.id, "rule"), (in_thread.id, "rule")]
    assert heard[1].jump_url == f"https://discord.com/channels/{GUILD}/77/{in_thread.id}"   # opens the thread

    await log(writer, [scam, fine, private, in_thread])
    assert await f.run_once() == 4                     # the in-order pass sees them again ...
    assert len(heard) == 2                             # ... and raises nothing twice
    (stored,) = await store.flags_for_message(db, in_thread.id)
    assert stored.location == Location(10, 77)         # flags keep the thread


# -- the moderation endpoint ------------------------------------------------------------------------


def endpoint_flagger(db: Database, settings: GuildSettingsService, client: ModerationClient, monotonic: list[float],
                     *, base_url: str | None = None, clock: list[int] | None = None) -> EndpointFlagger:
    endpoint = ModerationEndpoint(client, base_url=base_url, monotonic=lambda: monotonic[0])
    now = clock or [CLOCK]
    return EndpointFlagger(db, settings.get, endpoint, clock_ms=lambda: now[0], first_run_lookback_ms=LOOKBACK,
                           requests_per_second=1000, burst=10)


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
    monotonic = [100.0]
    f = endpoint_flagger(db, settings, ModerationClient(make_openai_client(max_retries=0), batch_size=2), monotonic)
    # First request answered normally, the second refused with 429 and Retry-After: 7.
    fake_openai.script(Slow(0, path=MODERATIONS), rate_limited(7, path=MODERATIONS))

    assert await f.run_once() == 2  # the first chunk only
    assert await store.get_cursor(db, ENDPOINT_CURSOR_NAME) == rows[1].id
    assert f.paused_for == pytest.approx(7)
    assert await f.run_once() == 0  # still paused: no request made
    assert len(fake_openai.calls(MODERATIONS)) == 2
    assert await flagger(db, settings).run_once() == 6   # local rules do not wait for the endpoint

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


async def test_a_failing_endpoint_pauses_only_itself_then_passes_the_chunk(
        db: Database, writer: LogWriter, settings: GuildSettingsService, fake_openai: FakeOpenAI,
        make_openai_client: OpenAIClientFactory) -> None:
    first = [row(i, author=700 + i, content=text) for i, text in enumerate(["you idiot", "a scam offer"])]
    await log(writer, first)
    monotonic = [0.0]
    f = endpoint_flagger(db, settings, ModerationClient(make_openai_client(max_retries=0), batch_size=8), monotonic)
    local = flagger(db, settings)
    fake_openai.script(*[server_error(path=MODERATIONS)] * MAX_ENDPOINT_FAILURES)

    for _ in range(MAX_ENDPOINT_FAILURES - 1):
        assert await f.run_once() == 0                     # paused after each failure, cursor unmoved
        assert f.paused_for == pytest.approx(ERROR_PAUSE_S)
        assert await local.run_once() >= 0                 # meanwhile the local rules carry on
        monotonic[0] += ERROR_PAUSE_S
    assert await all_flags(db) == {(first[1].id, "rule", "rules")}
    assert await f.run_once() == 2                         # the last failure: passed without the endpoint
    assert await all_flags(db) == {(first[1].id, "rule", "rules")}

    later = row(5, author=710, content="what an idiot")    # the endpoint is back for the next messages
    await log(writer, [later])
    assert await f.run_once() == 1
    assert (later.id, "harassment", "openai") in await all_flags(db)
    assert f.stats.errors == MAX_ENDPOINT_FAILURES


async def test_a_server_without_a_moderation_endpoint_is_found_out_once_and_skipped(
        db: Database, writer: LogWriter, settings: GuildSettingsService, fake_openai: FakeOpenAI,
        make_openai_client: OpenAIClientFactory, caplog: pytest.LogCaptureFixture) -> None:
    fake_openai.moderations_status = 404              # Ollama, vLLM, llama.cpp: "404 page not found"
    await settings.update(GUILD, None, moderation_endpoint=True)   # asked for, so it is tried
    monotonic, clock = [0.0], [CLOCK]
    f = endpoint_flagger(db, settings, ModerationClient(make_openai_client()), monotonic,
                         base_url=fake_openai.base_url, clock=clock)
    assert await f.endpoint.probe() == EndpointState.MISSING       # the start-up check
    assert [r.json["input"] for r in fake_openai.calls(MODERATIONS)] == [[PROBE_INPUT]]   # no member content
    rows = [row(i, author=800 + i, content=text) for i, text in enumerate(["you idiot", "a scam", "hello"])]
    await log(writer, rows)

    assert await f.run_once() == 0 and await f.run_once() == 0
    assert len(fake_openai.calls(MODERATIONS)) == 1                 # never asked again ...
    assert await store.get_cursor(db, ENDPOINT_CURSOR_NAME) >= rows[-1].id   # ... and no backlog builds up
    assert await flagger(db, settings).run_once() == 3
    assert await all_flags(db) == {(rows[1].id, "rule", "rules")}  # local rules alone, at once
    said = [r.getMessage() for r in caplog.records if "no moderation endpoint" in r.getMessage()]
    assert len(said) == 1 and fake_openai.base_url in said[0]      # said once

    fake_openai.moderations_status = None                           # the server gained one: found hourly
    later = row(9, author=820, content="what an idiot", at=CLOCK + 1_000)
    await log(writer, [later])
    monotonic[0] += RECHECK_MISSING_S
    clock[0] += 3_600_000
    assert await f.run_once() == 1
    assert f.endpoint.state == EndpointState.AVAILABLE
    assert (later.id, "harassment", "openai") in await all_flags(db)
    assert not {r.id for r in rows} & {m for m, _, p in await all_flags(db) if p == "openai"}   # no backlog


async def test_a_404_during_the_scan_marks_the_endpoint_missing_without_stalling(
        db: Database, writer: LogWriter, settings: GuildSettingsService, fake_openai: FakeOpenAI,
        make_openai_client: OpenAIClientFactory) -> None:
    rows = [row(i, author=900 + i, content=f"message {i}") for i in range(3)]
    await log(writer, rows)
    f = endpoint_flagger(db, settings, ModerationClient(make_openai_client()), [0.0])   # OpenAI: on by default
    for status in (405, 501):
        fake_openai.moderations_status = status
        f.endpoint.mark_available()
        await db.execute("DELETE FROM job_cursors")
        f._cursor = None
        assert await f.run_once() == 0 and f.endpoint.missing and f.paused_for == 0
        assert await store.get_cursor(db, ENDPOINT_CURSOR_NAME) >= rows[-1].id


async def test_guilds_choose_whether_their_messages_go_to_the_endpoint(
        db: Database, writer: LogWriter, settings: GuildSettingsService, fake_openai: FakeOpenAI,
        make_openai_client: OpenAIClientFactory) -> None:
    mine, theirs = row(1, author=1, content="you idiot"), row(2, guild=OTHER_GUILD, author=2, content="you moron")
    await log(writer, [mine, theirs])
    client = ModerationClient(make_openai_client())
    local = endpoint_flagger(db, settings, client, [0.0], base_url="http://127.0.0.1:11434/v1")
    assert not local.endpoint.wanted_by(await settings.get(GUILD))   # a local server: off unless asked for
    await local.run_once()
    assert fake_openai.calls(MODERATIONS) == []

    await settings.update(OTHER_GUILD, None, moderation_endpoint=False)
    openai = endpoint_flagger(db, settings, client, [0.0], base_url=None)
    await db.execute("DELETE FROM job_cursors")
    assert await openai.run_once() == 2
    assert [c.json["input"] for c in fake_openai.calls(MODERATIONS)] == [["you idiot"]]   # OpenAI: on by default
    assert {m for m, _, p in await all_flags(db) if p == "openai"} == {mine.id}


async def test_a_member_who_opted_out_after_posting_is_never_sent(
        db: Database, writer: LogWriter, settings: GuildSettingsService, fake_openai: FakeOpenAI,
        make_openai_client: OpenAIClientFactory) -> None:
    kept, later_private = row(1, author=1, content="you idiot"), row(2, author=2, content="you moron")
    await log(writer, [kept, later_private])
    await logbook.set_opt_out(db, GUILD, 2, True, CLOCK)     # logged with text, then opted out
    await endpoint_flagger(db, settings, ModerationClient(make_openai_client()), [0.0]).run_once()
    assert [c.json["input"] for c in fake_openai.calls(MODERATIONS)] == [["you idiot"]]


async def test_shard_processes_each_flag_only_their_own_guilds(
    db: Database, writer: LogWriter, settings: GuildSettingsService
) -> None:
    """Two processes, each running one of two shards, over one store: every message is checked by the
    process owning its guild's shard, once, with a cursor per shard that starts from the unsharded one."""
    guilds = {0: 8 << 22, 1: 9 << 22}   # (guild_id >> 22) % 2 is 0 and 1
    for guild in guilds.values():
        await settings.update(guild, None, mod_rules=["scam"])
    await log(writer, [row(i, guild=guilds[i % 2], content=f"scam number {i}") for i in range(40)])
    await store.set_cursor(db, "flagger", row(9).id)   # one process checked the first ten before sharding
    async with db.clone() as other:
        first = Flagger(db, settings.get, clock_ms=lambda: CLOCK, first_run_lookback_ms=LOOKBACK,
                        shards=Shards((0,), 2))
        second = Flagger(other, GuildSettingsService(other).get, clock_ms=lambda: CLOCK,
                         first_run_lookback_ms=LOOKBACK, shards=Shards((1,), 2))
        assert (await first.run_once(), await second.run_once()) == (15, 15)
        assert (await first.run_once(), await second.run_once()) == (0, 0)
    flagged = await db.fetchall("SELECT guild_id, count(*) AS n FROM flags GROUP BY guild_id ORDER BY guild_id")
    assert [(r["guild_id"], r["n"]) for r in flagged] == [(guilds[0], 15), (guilds[1], 15)]
    assert {n: await store.get_cursor(db, n) for n in ("flagger", "flagger:0/2", "flagger:1/2")} == {
        "flagger": row(9).id, "flagger:0/2": row(38).id, "flagger:1/2": row(39).id}   # each at its last message
