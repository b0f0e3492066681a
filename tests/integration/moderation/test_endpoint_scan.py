"""The moderation endpoint's own pass over a real log, through the loopback OpenAI fake: a 429 that must not skip
anything, failures that pause only the endpoint, servers without the endpoint, guilds' and members' choices."""

from __future__ import annotations

import pytest

from bot.llm.moderation import PROBE_INPUT, ModerationClient
from bot.logbook.writer import LogWriter
from bot.moderation.endpoint import RECHECK_MISSING_S, EndpointState, ModerationEndpoint
from bot.moderation.endpoint_scan import (
    ENDPOINT_CURSOR_NAME,
    ERROR_PAUSE_S,
    MAX_ENDPOINT_FAILURES,
    EndpointFlagger,
    RateLimiter,
)
from bot.settings.guild import GuildSettingsService
from bot.store import logbook
from bot.store import moderation as store
from bot.store.db import Database
from tests.fakes.fake_openai import MODERATIONS, FakeOpenAI, Slow, rate_limited, server_error
from tests.fakes.openai_plugin import OpenAIClientFactory
from tests.helpers.flagging import CLOCK, GUILD, LOOKBACK, OTHER_GUILD, all_flags, flagger, log
from tests.helpers.rows import row


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


