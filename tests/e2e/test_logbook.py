"""The conversation log end to end: the real bot against the loopback Discord, events in, SQLite rows out.

Every check reads the rows the bot committed (after `flush_log`), never the bot's internals.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.playground.fake_discord import FakeDiscord
from tests.helpers.log import Row, log_rows, logged
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)


def ids(rows: list[Row]) -> list[int]:
    return [r["id"] for r in rows]


# -- create, edit, delete -------------------------------------------------------------------------------

async def test_create_edit_reply_delete_and_bulk_delete(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice, bob = fake.channel("general"), fake.user("alice"), fake.user("bob")
    async with launch_bot() as h:
        first = await fake.post(general, alice, "the ferry leaves at nine")
        reply = await fake.post(general, bob, "are you sure about nine?", reply_to=int(first["id"]))
        doomed = [await fake.post(general, bob, f"doomed note {i}") for i in range(3)]
        # Revisions are keyed by their edit time in ms: each edit lands before the next, as a person's would.
        await fake.edit(general, int(first["id"]), "the ferry leaves at ten")
        await logged(h, first["id"], lambda r: r["content"] == "the ferry leaves at ten")
        await fake.edit(general, int(first["id"]), "the ferry leaves at ten thirty")
        await fake.unfurl(general, int(first["id"]), [{"type": "link", "url": "https://ferry.example/"}])
        await fake.delete(general, int(doomed[0]["id"]))
        await fake.bulk_delete(general, [int(doomed[1]["id"]), int(doomed[2]["id"])])

        row = await logged(h, first["id"], lambda r: r["content"] == "the ferry leaves at ten thirty")
        assert row["guild_id"] == fake.guild_id and row["channel_id"] == general and row["thread_id"] is None
        assert row["author_id"] == alice and row["author_name"] == "Alice" and row["author_bot"] == 0
        assert row["edited_at"] is not None and row["deleted_at"] is None
        revisions = await log_rows(h, "message_id = ?", int(first["id"]), table="message_revisions")
        assert [(r["old_content"], r["new_content"]) for r in revisions] == [
            ("the ferry leaves at nine", "the ferry leaves at ten"),
            ("the ferry leaves at ten", "the ferry leaves at ten thirty"),
        ]   # the link preview (an update without an edit time) made no revision
        assert (await logged(h, reply["id"]))["reply_to"] == int(first["id"])
        for gone in doomed:
            row = await logged(h, gone["id"], lambda r: r["deleted_at"] is not None)
            assert row["content"].startswith("doomed note")   # soft delete: kept until retention blanks it


async def test_edits_racing_the_create_event_never_invent_history(launch_bot: Any, fake_discord: FakeDiscord
                                                                  ) -> None:
    """discord.py applies an edit to its cached message before the create handler has run when the events
    arrive together; the log must still start from the text as posted, in the order it was edited."""
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    async with launch_bot() as h:
        posted = []
        for i in range(20):
            message = await fake.post(general, alice, f"draft {i}.0")
            for step in (1, 2):
                await fake.edit(general, int(message["id"]), f"draft {i}.{step}")
                await asyncio.sleep(0.002)   # distinct edit times in ms, as any two real edits have
            posted.append(message)
        for i, message in enumerate(posted):
            final = f"draft {i}.2"
            row = await logged(h, message["id"], lambda r: bool(r["content"] == final))  # noqa: B023 (awaited here)
            revisions = await log_rows(h, "message_id = ?", row["id"], table="message_revisions")
            pairs = [(r["old_content"], r["new_content"]) for r in revisions]
            assert pairs == [(f"draft {i}.0", f"draft {i}.1"), (f"draft {i}.1", f"draft {i}.2")], pairs


async def test_edits_and_deletes_of_messages_the_bot_never_cached(launch_bot: Any, fake_discord: FakeDiscord
                                                                  ) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    # Posted before the bot ever ran: Discord kept them, the bot was never told.
    before = await fake.post(general, alice, "posted before the bot joined", dispatch=False)
    async with launch_bot() as h:
        kept = [await fake.post(general, alice, f"logged in the first run {i}") for i in range(3)]
        await h.settle()
        quiet = await fake.post(general, alice, "stored while the bot was not told", dispatch=False)
        await fake.edit(general, int(before["id"]), "posted before the bot joined, then fixed")
        await fake.edit(general, int(quiet["id"]), "stored quietly, then fixed")
        row = await logged(h, before["id"], lambda r: r["content"].endswith("then fixed"))
        assert row["author_id"] == alice and row["edited_at"] is not None
        assert (await logged(h, quiet["id"]))["content"] == "stored quietly, then fixed"
        revisions = await log_rows(h, "message_id = ?", int(before["id"]), table="message_revisions")
        assert [(r["old_content"], r["new_content"]) for r in revisions] == [
            (None, "posted before the bot joined, then fixed")]

    async with launch_bot() as h:   # a new process has an empty message cache
        await fake.edit(general, int(kept[0]["id"]), "edited after the restart")
        await fake.delete(general, int(kept[1]["id"]))
        await fake.bulk_delete(general, [int(kept[2]["id"]), int(before["id"])])
        assert (await logged(h, kept[0]["id"], lambda r: r["edited_at"] is not None))["content"] == \
            "edited after the restart"
        for message in (kept[1], kept[2], before):
            await logged(h, message["id"], lambda r: r["deleted_at"] is not None)
        assert len(await log_rows(h)) == len(set(ids(await log_rows(h))))


# -- threads ----------------------------------------------------------------------------------------------

async def test_threads_are_logged_with_their_messages(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice, bob = fake.channel("general"), fake.user("alice"), fake.user("bob")
    async with launch_bot() as h:
        created = await fake.create_thread(general, "ferry timetable", owner_id=alice)
        thread = int(created["id"])
        notice = await fake.wait_for_message(lambda m: m["type"] == 18, channel_id=general)
        inside = await fake.post(thread, bob, "the winter timetable starts in November")
        starter = await fake.post(general, bob, "who is bringing the lanterns?")
        from_message = int((await fake.create_thread(general, "lanterns", owner_id=bob,
                                                     message_id=int(starter["id"])))["id"])
        in_second = await fake.post(from_message, alice, "I have four lanterns")

        row = await logged(h, inside["id"])
        assert (row["channel_id"], row["thread_id"]) == (general, thread)
        assert (await logged(h, in_second["id"]))["thread_id"] == from_message
        system = await logged(h, notice["id"])
        assert system["type"] == 18 and system["content"] == "ferry timetable" and system["thread_id"] is None
        starter_row = await logged(h, starter["id"])
        assert starter_row["edited_at"] is None   # gaining a thread is an update, not an edit

        await fake.archive_thread(thread)
        await fake.delete_thread(from_message)
        await h.settle()
        threads = {t["id"]: t for t in await log_rows(h, table="threads")}
        assert threads[thread]["name"] == "ferry timetable" and threads[thread]["owner_id"] == alice
        assert threads[thread]["parent_id"] == general and threads[thread]["archived_at"] is not None
        assert threads[from_message]["name"] == "lanterns" and threads[from_message]["deleted_at"] is not None
        # Deleting a thread on Discord does not erase what the log recorded in it.
        assert (await logged(h, in_second["id"]))["content"] == "I have four lanterns"


# -- kinds of messages ------------------------------------------------------------------------------------

async def test_attachments_system_messages_webhooks_and_bots(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    helper_bot = fake.add_user("Tidebot", bot=True)
    fake.add_member(fake.guild_id, helper_bot)
    hook = fake.add_user("Harbour Feed", bot=True)   # a webhook's author carries the webhook's id
    async with launch_bot() as h:
        photo = await fake.post(general, alice, attachments=[("pier.png", b"\x89PNG fake"), ("notes.txt", b"hi")])
        pin = await fake.post(general, alice, "", type=6)
        sticker = await fake.post(general, alice, stickers=["wave"])
        from_bot = await fake.post(general, helper_bot, "beep: tide is high")
        from_hook = await fake.post(general, hook, "feed: new ferry schedule", webhook_id=hook)
        await h.settle()

        row = await logged(h, photo["id"])
        assert row["content"] == ""
        assert [(a["filename"], a["size"], a["content_type"]) for a in json.loads(row["attachments"])] == [
            ("pier.png", 9, "image/png"), ("notes.txt", 2, "text/plain")]
        assert (await logged(h, pin["id"]))["type"] == 6
        assert json.loads((await logged(h, sticker["id"]))["stickers"]) == ["wave"]
        assert await log_rows(h, "id IN (?, ?)", int(from_bot["id"]), int(from_hook["id"])) == []
        await fake.edit(general, int(from_bot["id"]), "beep: tide is low")
        await h.settle()
        assert await log_rows(h, "id = ?", int(from_bot["id"])) == []   # nor do their edits sneak in

        await h.services.guild_settings.update(fake.guild_id, None, log_bots=True)
        from_bot = await fake.post(general, helper_bot, "beep: tide is turning")
        from_hook = await fake.post(general, hook, "feed: ferry delayed", webhook_id=hook)
        assert (await logged(h, from_bot["id"]))["author_bot"] == 1
        hooked = await logged(h, from_hook["id"])
        assert hooked["webhook_id"] == hook and hooked["content"] == "feed: ferry delayed"


async def test_excluded_channels_disabled_logging_and_dms_are_not_logged(launch_bot: Any,
                                                                        fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, news, alice = fake.channel("general"), fake.channel("news"), fake.user("alice")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake.guild_id, None, log_excluded_channels=[news])
        hidden = await fake.post(news, alice, "not for the log")
        thread = int((await fake.create_thread(news, "quiet corner", owner_id=alice))["id"])
        in_thread = await fake.post(thread, alice, "also not for the log")
        dm = await fake.post(fake.dm_channel(alice), alice, "a private word", check_permissions=False)
        await fake.edit(news, int(hidden["id"]), "still not for the log")
        await h.settle()
        assert await log_rows(h, "id IN (?, ?, ?)", int(hidden["id"]), int(in_thread["id"]), int(dm["id"])) == []
        assert await log_rows(h, "channel_id = ?", news) == []
        assert await log_rows(h, "id = ?", thread, table="threads") == []

        await h.services.guild_settings.update(fake.guild_id, None, log_enabled=False)
        off = await fake.post(general, alice, "logging is switched off")
        await h.services.guild_settings.update(fake.guild_id, None, log_enabled=True)
        await h.settle()
        assert await log_rows(h, "id = ?", int(off["id"])) == []


# -- hostile input ----------------------------------------------------------------------------------------

HOSTILE = {
    "long": "tide " * 800,                                               # 4,000 characters
    "nul": "before\x00after\x00",
    "zalgo": "Z̸̢̛a̵̡͠l̷͇̕g̴̨͝o̶̢͘ harbour " * 30,
    "rtl": "price \u202e01$ si\u202c and \u200fmarks\u200e, \u2066isolates\u2069",
    "surrogate": "broken \ud800 pair \udfff end",
}


async def test_hostile_content_goes_through_the_whole_path(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    long_names = [(f"{'harbour-survey-' * 12}{i}.pdf", b"%PDF-1.4 " * i) for i in range(10)]
    async with launch_bot() as h:
        posted = {name: await fake.post(general, alice, text) for name, text in HOSTILE.items()}
        files = await fake.post(general, alice, "ten long attachments", attachments=long_names)
        stored = {name: (await logged(h, msg["id"]))["content"] for name, msg in posted.items()}
        # PostgreSQL text cannot hold NUL: that store keeps U+FFFD in its place.
        nul = "\x00" if h.services.db.backend == "sqlite" else "\ufffd"
        for name in ("long", "nul", "zalgo", "rtl"):
            assert stored[name] == HOSTILE[name].replace("\x00", nul), name
        assert len(stored["long"]) == 4_000
        # JSON escapes "\ud800" decode to lone surrogates, which UTF-8 cannot hold: replaced, not dropped.
        assert stored["surrogate"] == "broken \ufffd pair \ufffd end"
        attachments = json.loads((await logged(h, files["id"]))["attachments"])
        assert [a["filename"] for a in attachments] == [name for name, _ in long_names]
        await fake.edit(general, int(posted["nul"]["id"]), "edited \ud800 again\x00")
        assert (await logged(h, posted["nul"]["id"], lambda r: r["edited_at"] is not None))["content"] == \
            f"edited \ufffd again{nul}"
        assert await log_rows(h, table="log_dead_letters") == []
        assert h.services.log.writer.stats.dead_letters == 0
