"""What people do with the log: /privacy (opt out, opt in, forget), /logs search and export for moderators,
`precis export` on the command line, and the daily retention purge."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord, FakeDiscordError
from bot.playground.fake_discord.permissions import Perm
from bot.util.timeutil import now_ms
from tests.helpers.log import log_rows, logged
from tests.helpers.paths import ROOT
from tests.helpers.rows import row
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)

MODERATORS_ONLY = "This command is for moderators (Manage Messages or Manage Server)."


async def command_reply(fake: FakeDiscord, user: int, channel: int, command: str,
                        options: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    handle = await fake.slash(user, channel, command, options or {}, **kwargs)
    return await handle.reply()


# -- privacy ----------------------------------------------------------------------------------------------

async def test_opt_out_keeps_that_you_posted_not_what_and_opt_in_undoes_it(launch_bot: Any,
                                                                          fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    async with launch_bot() as h:
        before = await fake.post(general, alice, "said before opting out")
        await logged(h, before["id"])   # handled before the opt-out arrives (events are handled concurrently)
        reply = await command_reply(fake, alice, general, "privacy optout")
        assert reply.ephemeral and "no content" in reply.content
        hidden = await fake.post(general, alice, "a secret about the lighthouse",
                                 attachments=[("map.png", b"\x89PNG")])
        row = await logged(h, hidden["id"])
        assert (row["content"], row["attachments"], row["content_state"]) == (None, None, 1)
        assert row["author_id"] == alice   # that she posted, and when, is still counted
        assert (await logged(h, before["id"]))["content"] == "said before opting out"
        await fake.edit(general, int(hidden["id"]), "a secret about the lighthouse, edited")
        await h.settle()
        assert (await logged(h, hidden["id"]))["content"] is None
        assert await log_rows(h, "message_id = ?", int(hidden["id"]), table="message_revisions") == []

    async with launch_bot() as h:   # the choice is stored, not just remembered by one process
        still = await fake.post(general, alice, "another secret after a restart")
        assert (await logged(h, still["id"]))["content"] is None
        await command_reply(fake, alice, general, "privacy optin")
        back = await fake.post(general, alice, "happy to be logged again")
        assert (await logged(h, back["id"]))["content"] == "happy to be logged again"
        # Opting in again does not bring back text that was never stored, nor lets an edit smuggle it in.
        await fake.edit(general, int(hidden["id"]), "the lighthouse secret, third version")
        await h.settle()
        assert (await logged(h, hidden["id"]))["content"] is None
        assert await log_rows(h, "message_id = ?", int(hidden["id"]), table="message_revisions") == []


async def test_forget_deletes_every_stored_text_but_keeps_the_counts(launch_bot: Any,
                                                                   fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice, bob = fake.channel("general"), fake.user("alice"), fake.user("bob")
    async with launch_bot() as h:
        mine = [await fake.post(general, alice, f"alice writes about the tidal mill {i}") for i in range(3)]
        thread = int((await fake.create_thread(general, "alice's mill plans", owner_id=alice))["id"])
        in_thread = await fake.post(thread, alice, "alice writes about the mill wheel")
        theirs = await fake.post(general, bob, "bob writes about the tidal mill")
        await fake.edit(general, int(mine[0]["id"]), "alice rewrites her tidal mill note")
        await logged(h, mine[0]["id"], lambda r: r["edited_at"] is not None)

        reply = await command_reply(fake, alice, general, "privacy forget")
        # three posts, the thread-created notice (her words: the thread's title) and the thread message
        assert reply.ephemeral
        assert reply.content.startswith("Deleted the stored text of 5 messages, 1 edit revision and")
        forgotten = await log_rows(h, "author_id = ?", alice)
        assert len(forgotten) == 5
        assert all(r["content"] is None and r["author_name"] is None and r["content_state"] == 2 for r in forgotten)
        [thread_row] = await log_rows(h, "id = ?", thread, table="threads")
        assert thread_row["name"] is None and thread_row["owner_id"] == alice
        assert await log_rows(h, table="message_revisions") == []
        assert (await logged(h, theirs["id"]))["content"] == "bob writes about the tidal mill"
        hits = await h.services.log.search(fake.guild_id, "tidal mill")
        assert [hit.message_id for hit in hits] == [int(theirs["id"])]

        # Forgetting is not opting out: what she writes next is logged; old messages stay forgotten.
        later = await fake.post(general, alice, "a new note after forgetting")
        assert (await logged(h, later["id"]))["content"] == "a new note after forgetting"
        await fake.edit(thread, int(in_thread["id"]), "alice edits a forgotten message")
        await h.settle()
        assert (await logged(h, in_thread["id"]))["content"] is None
        # Neither archiving the thread nor a reconnect (whose backfill looks at every thread) brings its name back.
        await fake.disconnect_gateway()
        await fake.wait_until_identified(2)
        await h.bot.get_cog("Logbook").backfill()   # waits for the reconnect's own backfill, then runs once more
        assert (await log_rows(h, "id = ?", thread, table="threads"))[0]["name"] is None
        await fake.archive_thread(thread)
        await h.settle()
        [thread_row] = await log_rows(h, "id = ?", thread, table="threads")
        assert thread_row["name"] is None and thread_row["archived_at"] is not None
        again = await command_reply(fake, alice, general, "privacy forget")
        assert again.content.startswith("Deleted the stored text of 1 message, 0 edit revisions")


# -- /logs search and export ------------------------------------------------------------------------------

async def test_search_is_ranked_links_to_messages_and_is_for_moderators_only(launch_bot: Any,
                                                                           fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, news = fake.channel("general"), fake.channel("news")
    alice, bob, mona = fake.user("alice"), fake.user("bob"), fake.user("mona")
    async with launch_bot() as h:
        definition = fake.commands.find("logs", 1, fake.guild_id).definition
        assert int(definition["default_member_permissions"]) == Perm.MANAGE_MESSAGES
        weak = await fake.post(general, alice, "the ferry was late again, and the bakery ran out of bread")
        strong = await fake.post(news, bob, "ferry ferry ferry: the ferry timetable changes on Monday")
        thread = int((await fake.create_thread(general, "ferry talk", owner_id=bob))["id"])
        in_thread = await fake.post(thread, bob, "the night ferry is back")
        await fake.post(general, alice, "nothing about boats here")
        await h.settle()

        reply = await command_reply(fake, mona, general, "logs search", {"query": "ferry"})
        assert reply.ephemeral
        text = reply.embeds[0]["description"]
        links = [f"https://discord.com/channels/{fake.guild_id}/{news}/{strong['id']}",
                 f"https://discord.com/channels/{fake.guild_id}/{thread}/{in_thread['id']}",
                 f"https://discord.com/channels/{fake.guild_id}/{general}/{weak['id']}"]
        assert all(link in text for link in links), text
        assert text.index(links[0]) < text.index(links[2])   # four mentions rank above one
        assert "boats" not in text

        narrowed = await command_reply(fake, mona, general, "logs search", {"query": "ferry", "user": alice})
        assert links[2] in narrowed.embeds[0]["description"] and links[0] not in narrowed.embeds[0]["description"]
        none = await command_reply(fake, mona, general, "logs search", {"query": "submarine"})
        assert none.content == "No logged message matches that search."
        syntax = await command_reply(fake, mona, general, "logs search", {"query": 'ferry" * -(^:'})
        assert syntax.embeds   # FTS syntax in the query is taken as words, never as an error

        with pytest.raises(FakeDiscordError):   # Discord hides the command from plain members...
            await fake.slash(alice, general, "logs search", {"query": "ferry"})
        refused = await command_reply(fake, alice, general, "logs search", {"query": "ferry"},
                                      check_permissions=False)   # ...and the bot refuses it anyway
        assert refused.ephemeral and refused.content == MODERATORS_ONLY and not refused.embeds
        refused = await command_reply(fake, alice, general, "logs export", {"channel": general},
                                      check_permissions=False)
        assert refused.ephemeral and refused.content == MODERATORS_ONLY and not refused.files


TRICKY = ['a "quoted", comma, separated line', "two\nlines\r\nand a carriage return", "emoji 🚢 and ñ",
          "right-to-left \u202eevil\u202c", "nul\x00inside", ""]


def stored(h: Any, text: str) -> str:
    """What the log keeps of a text: PostgreSQL cannot hold NUL in text and keeps U+FFFD in its place."""
    return text if h.services.db.backend == "sqlite" else text.replace("\x00", "\ufffd")


async def test_export_attachments_round_trip_as_jsonl_and_csv(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, news, alice, mona = fake.channel("general"), fake.channel("news"), fake.user("alice"), fake.user("mona")
    async with launch_bot() as h:
        posted = [await fake.post(general, alice, text) for text in TRICKY]
        with_file = await fake.post(general, alice, "see attached", attachments=[("plan.pdf", b"%PDF")])
        await fake.post(news, alice, "a message in another channel")
        await h.settle()
        expected = {int(p["id"]): stored(h, p["content"]) for p in [*posted, with_file]}

        reply = await command_reply(fake, mona, general, "logs export", {"channel": general})
        assert reply.ephemeral and reply.content.startswith(f"{len(expected)} messages from #general")
        lines = [json.loads(line) for line in reply.files["log-general.jsonl"].decode("utf-8").splitlines()]
        exported = {int(r["id"]): r for r in lines}
        assert {k: exported[k]["content"] for k in expected} == expected
        assert exported[int(with_file["id"])]["attachments"][0]["filename"] == "plan.pdf"
        assert all(r["channel_id"] == str(general) and r["guild_id"] == str(fake.guild_id) for r in lines)

        reply = await command_reply(fake, mona, general, "logs export",
                                    {"channel": general, "format": "csv", "since": "1h"})
        text = reply.files["log-general.csv"].decode("utf-8")
        rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text, newline=""))}
        assert {k: rows[k]["content"] for k in expected} == expected
        assert json.loads(rows[int(with_file["id"])]["attachments"])[0]["filename"] == "plan.pdf"

        # Past Discord's 10 MB upload limit the file is sent compressed (rows written by the log service).
        big = [row(i, guild=fake.guild_id, channel=general, author=alice, content=f"{i} " + "harbour " * 500)
               for i in range(2_700)]
        for message in big:
            await h.services.log.record(message)
        reply = await command_reply(fake, mona, general, "logs export", {"channel": general})
        [(name, data)] = reply.files.items()
        assert name == "log-general.jsonl.gz" and len(data) < 10 * 1024 * 1024
        unpacked = gzip.decompress(data)
        assert len(unpacked) > 10 * 1024 * 1024 and len(unpacked.splitlines()) == len(expected) + len(big)

        bad = await command_reply(fake, mona, general, "logs export", {"channel": general, "since": "lately"})
        assert bad.ephemeral and "'lately' is not a period" in bad.content


async def test_cli_export_reads_the_same_database(launch_bot: Any, fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake = fake_discord
    general, news, alice = fake.channel("general"), fake.channel("news"), fake.user("alice")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    async with launch_bot() as h:
        ancient = await fake.post(general, alice, "an old note from three weeks ago", created_at=old)
        posted = [await fake.post(general, alice, text) for text in TRICKY]
        other = await fake.post(news, alice, "news channel chatter")
        await h.settle()
        marker_ids = {r["id"] for r in await log_rows(h, "content = 'settling marker'")}
        database, url = h.settings.database_path, h.settings.database_url or ""

        async def export(*args: str) -> subprocess.CompletedProcess[str]:
            env = {**os.environ, "DATABASE_PATH": str(database), "DATABASE_URL": url, "PYTHONPATH": str(ROOT),
                   "LOG_LEVEL": "WARNING"}
            env.pop("DISCORD_TOKEN", None)
            # In a thread: the bot and the Discord stand-in share this event loop and must keep running.
            return await asyncio.to_thread(
                subprocess.run, [sys.executable, "-m", "bot", "export", "--guild", str(fake.guild_id), *args],
                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

        # While the bot runs (WAL lets the export read beside the writer).
        done = await export("--channel", str(general), "--since", "7d", "--format", "csv",
                            "--out", str(tmp_path / "g.csv"))
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_bytes().decode("utf-8"), newline="")))
        assert [r["content"] for r in rows if int(r["id"]) not in marker_ids] == [stored(h, t) for t in TRICKY]
        assert done.stderr.strip().endswith(f"exported {len(rows)} messages")

    done = await export()   # every channel, all time, JSON lines on standard output
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    by_id = {int(r["id"]): r for r in lines}
    assert by_id[int(ancient["id"])]["content"] == "an old note from three weeks ago"
    assert by_id[int(other["id"])]["channel_id"] == str(news)
    assert [by_id[int(p["id"])]["content"] for p in posted] == [stored(h, t) for t in TRICKY]
    assert by_id[int(ancient["id"])]["created_at"].startswith(old.strftime("%Y-%m-%dT%H:%M"))

    bad = await export("--since", "fortnight")
    assert bad.returncode == 1 and "--since" in bad.stderr and "Traceback" not in bad.stderr


# -- retention --------------------------------------------------------------------------------------------

def days_ago(days: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


async def test_retention_removes_old_messages_and_blanks_deleted_ones_sooner(launch_bot: Any,
                                                                           fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    async with launch_bot() as h:
        expired = await fake.post(general, alice, "a harbour rumour from long ago", created_at=days_ago(100))
        recent = await fake.post(general, alice, "a harbour rumour from last month", created_at=days_ago(30))
        gone = await fake.post(general, alice, "a harbour rumour later deleted")
        await fake.edit(general, int(expired["id"]), "a harbour rumour from long ago, corrected")
        await logged(h, expired["id"], lambda r: r["edited_at"] is not None)
        await fake.delete(general, int(gone["id"]))
        await logged(h, gone["id"], lambda r: r["deleted_at"] is not None)

        cog = h.bot.get_cog("Logbook")
        await cog.retention()   # the daily loop's body, as it runs at 24 h intervals
        assert await log_rows(h, "id = ?", int(expired["id"])) == []
        assert await log_rows(h, "message_id = ?", int(expired["id"]), table="message_revisions") == []
        assert (await logged(h, recent["id"]))["content"] == "a harbour rumour from last month"
        assert (await logged(h, gone["id"]))["content"] == "a harbour rumour later deleted"   # 7 days to go

        service = h.services.log
        [result] = await service.purge_all(now=now_ms() + 6 * 86_400_000)
        assert (result.removed, result.blanked) == (0, 0)
        [result] = await service.purge_all(now=now_ms() + 8 * 86_400_000)
        assert (result.removed, result.blanked) == (0, 1)
        row = await logged(h, gone["id"])
        assert (row["content"], row["content_state"], row["author_id"]) == (None, 3, alice)
        assert [hit.message_id for hit in await service.search(fake.guild_id, "rumour")] == [int(recent["id"])]

        await h.services.guild_settings.update(fake.guild_id, None, deleted_content_days=0, retention_days=20)
        fresh = await fake.post(general, alice, "deleted at once")
        await logged(h, fresh["id"])
        await fake.delete(general, int(fresh["id"]))
        await logged(h, fresh["id"], lambda r: r["deleted_at"] is not None)
        await cog.retention()
        assert (await logged(h, fresh["id"]))["content"] is None
        assert await log_rows(h, "id = ?", int(recent["id"])) == []   # 30 days > the new 20

