"""Two bot processes, each running one of the application's two shards, sharing one PostgreSQL database:
every message logged once, a link posted in both shards' guilds fetched and summarised once, digests posted
once, and a process killed with SIGKILL mid-burst loses nothing once it is back and has backfilled."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord
from bot.settings.guild import GuildSettingsService
from bot.store.db import Database
from tests.fakes.article_server import ArticleServer
from tests.fakes.fake_openai import CHAT, FakeOpenAI
from tests.helpers.paths import ROOT
from tests.helpers.wait import until, until_async

pytestmark = [pytest.mark.postgres, pytest.mark.fake_discord(sharded=2, guilds_per_shard=2)]

PAGE, OTHER_PAGE, THIRD_PAGE = ("pages/ledger-council-budget.html", "pages/metro-bike-counters.html",
                                "pages/valley-orchard-coop.html")


@contextmanager
def shard_process(fake: FakeDiscord, url: str, shard: int, log_file: Path, openai: FakeOpenAI
                  ) -> Iterator[subprocess.Popen[bytes]]:
    """`precis run --shard-count 2 --shard-ids N` against the stand-in (through `python -m bot.playground`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "OPENAI_", "DATABASE_"))}
    env.update(fake.bot_env(), DATABASE_URL=url, DATABASE_PATH=str(log_file.parent / "unused.sqlite3"),
               OPENAI_BASE_URL=openai.base_url, OPENAI_API_KEY="test-key", LLM_MODEL="fake-model",
               FETCH_ALLOW_PRIVATE="true", LOG_LEVEL="DEBUG", PYTHONPATH=str(ROOT))
    with open(log_file, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.playground", "run", "--shard-count", "2",
                                 "--shard-ids", str(shard)], cwd=log_file.parent, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def from_bot(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m["author"]["id"] == str(fake.bot_id)]


async def test_two_shard_processes_share_one_postgres(fake_discord: FakeDiscord, pg_url: str, tmp_path: Path,
                                                     article_server: ArticleServer, fake_openai: FakeOpenAI) -> None:
    fake = fake_discord
    g0, g1 = fake.guild("Playground 0.0"), fake.guild("Playground 1.0")   # shard 0's and shard 1's
    thrifty = fake.guild("Playground 0.1")                                # shard 0's, with a tiny budget
    general = {g: fake.channel("general", g) for g in (g0, g1, thrifty)}
    mod_log = {g: fake.channel("mod-log", g) for g in (g0, g1)}
    alice = fake.user("alice")
    async with Database(pg_url) as db:
        settings = GuildSettingsService(db)
        for g in (g0, g1):   # a daily digest due from 00:00 UTC, i.e. now
            await settings.update(g, None, mod_channel_id=mod_log[g], digest="daily", digest_hour=0,
                                  cooldown_seconds=0)
        await settings.update(thrifty, None, daily_tokens=1, cooldown_seconds=0)   # one LLM call spends it
        logs = [tmp_path / "shard0.log", tmp_path / "shard1.log"]
        posted: dict[int, str] = {}

        async def committed() -> dict[int, str]:
            return {r["id"]: r["content"] for r in await db.fetchall(
                "SELECT id, content FROM messages WHERE author_id = ?", (alice,))}

        async def post(guild: int, text: str, **kwargs: Any) -> dict[str, Any]:
            message = await fake.post(general[guild], alice, text, **kwargs)
            posted[int(message["id"])] = message["content"]
            return message

        with shard_process(fake, pg_url, 0, logs[0], fake_openai) as first, \
                shard_process(fake, pg_url, 1, logs[1], fake_openai):
            await fake.wait_until_identified(2)
            assert sorted(s.shard for s in fake.gateway.sessions if s.shard) == [(0, 2), (1, 2)]
            # Digests: each guild's, posted by the process owning its shard, once.
            for g in (g0, g1):
                await fake.wait_for_message(channel_id=mod_log[g], author_id=fake.bot_id)

            # One link in both guilds (one per process): one fetch, one LLM call, two summaries.
            url = article_server.url(PAGE)
            for g in (g0, g1):
                await post(g, f"have you seen {url}")
            replies = [await fake.wait_for_message(channel_id=general[g], author_id=fake.bot_id) for g in (g0, g1)]
            assert article_server.hits(f"/{PAGE}") == 1 and len(fake_openai.calls(CHAT)) == 1
            assert len({r["embeds"][0]["title"] for r in replies}) == 1
            # A guild's budget, spent before the kill (checked again by the process started after it).
            await post(thrifty, f"look: {url}")
            first_reply = await fake.wait_for_message(channel_id=general[thrifty], author_id=fake.bot_id)
            assert first_reply["embeds"][0]["footer"]["text"].startswith("AI summary")   # cached: no new call
            await post(thrifty, f"and {article_server.url(OTHER_PAGE)}")
            second_reply = await fake.wait_for_message(lambda m: m["id"] != first_reply["id"],
                                                       channel_id=general[thrifty], author_id=fake.bot_id,
                                                       since=first_reply)
            assert second_reply["embeds"][0]["footer"]["text"].startswith("AI summary")
            assert len(fake_openai.calls(CHAT)) == 2                       # the budget is spent now

            # A burst in both guilds; shard 0's process is killed in the middle of it.
            for i in range(600):
                await post((g0, g1)[i % 2], f"burst {i}: the tide table for pier {i % 7}")
                if i == 400:
                    await until_async(lambda: _has_rows(db, g0), what="a commit from shard 0")
            first.send_signal(signal.SIGKILL)
            assert await asyncio.to_thread(first.wait, 20) == -signal.SIGKILL
            for i in range(600, 700):   # shard 1 still logs its guild; shard 0's waits in Discord's history
                await post((g0, g1)[i % 2], f"burst {i}: the tide table for pier {i % 7}",
                           **({"dispatch": False} if i % 2 == 0 else {}))
            shard1_ids = {i for i in posted if fake.message(i)["channel_id"] == str(general[g1])}
            await until_async(lambda: _contains(db, shard1_ids), what="shard 1's messages")
            assert not set(posted) <= set(await committed()), "the kill left nothing for the backfill"

            with shard_process(fake, pg_url, 0, logs[0], fake_openai):   # shard 0 again, in a new process
                await until_async(lambda: _count(db, alice, len(posted)), what=f"{len(posted)} logged messages")
                assert await committed() == posted                         # each message once, with its text
                # The budget spent before the kill still holds in the new process: the built-in summary.
                await post(thrifty, f"and {article_server.url(THIRD_PAGE)}")
                latest = await fake.wait_for_message(lambda m: m["id"] != second_reply["id"],
                                                     channel_id=general[thrifty], author_id=fake.bot_id,
                                                     since=second_reply)
                assert latest["embeds"][0]["footer"]["text"].startswith("built-in")
                assert len(fake_openai.calls(CHAT)) == 2
                await until(lambda: logs[0].read_text().count("digest tick") >= 2,   # one per process of shard 0
                            what="the restarted process's digest tick")
        assert [len(from_bot(fake, mod_log[g])) for g in (g0, g1)] == [1, 1]   # not posted again after the restart
        spent = await db.fetchone("SELECT sum(prompt_tokens + completion_tokens) FROM llm_usage WHERE guild_id = ?",
                                  (thrifty,))
        counted = await db.fetchone("SELECT sum(tokens) FROM token_days WHERE guild_id = ?", (thrifty,))
        assert spent is not None and spent[0] > 1 and spent == counted
        for log_file in logs:
            assert "Traceback" not in log_file.read_text(), log_file.read_text()[-3000:]


async def _has_rows(db: Database, guild: int) -> bool:
    return await db.fetchone("SELECT 1 FROM messages WHERE guild_id = ? LIMIT 1", (guild,)) is not None


async def _contains(db: Database, ids: set[int]) -> bool:
    rows = await db.fetchall("SELECT id FROM messages WHERE id = ANY(?::bigint[])", (list(ids),))
    return len(rows) == len(ids)


async def _count(db: Database, author: int, expected: int) -> bool:
    row = await db.fetchone("SELECT count(*) FROM messages WHERE author_id = ?", (author,))
    return row is not None and row[0] >= expected

