"""Flagging with local rules over a real log: what the rules catch, idempotence, the persistent cursor,
the live path beside the in-order pass, and shards that each check only their own guilds."""

from __future__ import annotations

import pytest

from bot.logbook.writer import LogWriter
from bot.moderation.flagger import Flagger
from bot.moderation.rules import check_content
from bot.settings.guild import GuildSettingsService
from bot.store import moderation as store
from bot.store.db import Database
from bot.store.location import Location
from bot.store.moderation import Flag
from bot.util.shards import Shards
from bot.util.workers import Workers
from tests.helpers.flagging import CLOCK, GUILD, LOOKBACK, OTHER_GUILD, all_flags, flagger, log
from tests.helpers.rows import BASE_MS, row


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
