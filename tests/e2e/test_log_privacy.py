"""Rows the log cannot store leave ids, never words: in log_dead_letters and in the bot's log lines; and
/privacy forget and retention reach those dead letters too."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord
from bot.util.timeutil import now_ms
from tests.e2e.test_log_durability import bot_process, committed
from tests.fakes.article_server import ArticleServer
from tests.helpers.log import log_rows
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (the bot tests on both stores)
from tests.helpers.wait import until

DAY_MS = 86_400_000
SECRET = "lighthouse keeper's password is gannet"

# The database refuses these rows for good (not "busy": the writer must give up on them, not retry).
REFUSE_POISON = {
    "sqlite": ["CREATE TRIGGER refuse_poison BEFORE INSERT ON messages WHEN NEW.content LIKE '%poison%' "
               "BEGIN SELECT RAISE(ABORT, 'this row is refused'); END"],
    "postgres": ["CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                 "IF NEW.content LIKE '%poison%' THEN RAISE EXCEPTION 'this row is refused'; END IF; "
                 "RETURN NEW; END $$",
                 "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW "
                 "EXECUTE FUNCTION refuse_poison()"],
}


def our_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every line the bot's own code logged (discord.py runs at INFO at most in `precis run`)."""
    return [r.getMessage() for r in caplog.records if r.name.startswith(("bot", "cogs", "precis"))]


async def test_dead_letters_keep_ids_only_and_forget_and_retention_remove_them(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake = fake_discord
    general, alice, bob = fake.channel("general"), fake.user("alice"), fake.user("bob")
    async with launch_bot() as h:
        for statement in REFUSE_POISON[h.services.db.backend]:
            await h.services.db.execute(statement)
        mine = await fake.post(general, alice, f"poison: the {SECRET}")
        theirs = await fake.post(general, bob, f"poison too: bob knows the {SECRET}")
        fine = await fake.post(general, alice, "an ordinary message")
        await h.settle()
        await until(lambda: h.services.log.writer.stats.dead_letters == 2, what="two dead letters")
        letters = await log_rows(h, table="log_dead_letters")
        assert [(r["op"], r["guild_id"], r["channel_id"], r["message_id"], r["author_id"]) for r in letters] == [
            ("MessageRow", fake.guild_id, general, int(mine["id"]), alice),
            ("MessageRow", fake.guild_id, general, int(theirs["id"]), bob)]
        assert all("refused" in r["error"] and "gannet" not in repr(r) for r in letters)
        assert [r["id"] for r in await log_rows(h)] == [int(fine["id"])]

        # A question with the secret in it goes through the answerer, which logs its work.
        handle = await fake.slash(bob, general, "ask", {"question": f"Is the {SECRET}?",
                                                        "url": article_server.url("pages/ledger-council-budget.html")})
        assert (await handle.reply()).embeds

        forgot = await (await fake.slash(alice, general, "privacy forget", {})).reply()
        assert forgot.ephemeral
        assert [r["author_id"] for r in await log_rows(h, table="log_dead_letters")] == [bob]

        await h.services.log.purge_all(now=now_ms() + 89 * DAY_MS)        # kept 90 days, like the messages
        assert len(await log_rows(h, table="log_dead_letters")) == 1
        await h.services.log.purge_all(now=now_ms() + 91 * DAY_MS)
        assert await log_rows(h, table="log_dead_letters") == []

    lines = our_lines(caplog)
    assert any(f"message {mine['id']}" in line for line in lines)           # the ids are logged...
    assert not [line for line in lines if "gannet" in line]                # ...the words never


async def test_precis_run_at_debug_level_logs_no_message_text(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    database, log_file = tmp_path / "precis.sqlite3", tmp_path / "bot.log"
    with bot_process(fake, database, log_file, LOG_LEVEL="DEBUG") as proc:
        await fake.wait_until_identified(1)
        posted = await fake.post(general, alice, f"note: the {SECRET}")
        await fake.edit(general, int(posted["id"]), f"note, edited: the {SECRET}")
        await until(lambda: "edited" in (committed(database).get(int(posted["id"])) or ""), what="the edit")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 60) == 0
    log = log_file.read_text()
    assert "shutting down" in log
    # Libraries log payloads at DEBUG (aiosqlite its SQL parameters, discord.py its events): not here.
    assert "gannet" not in log
