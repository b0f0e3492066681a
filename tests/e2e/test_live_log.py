"""The live log channel on the Discord stand-in: edits with before and after, deletions with the text the log
stored, bulk deletions as one attached file, member reports; never an opted-out member's words, nothing from
an excluded channel; and a burst of 500 deletions under Discord's rate limits, reported in full without a
429 storm."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord
from tests.e2e.test_member_reports import report
from tests.fakes.bot_plugin import BotHarness
from tests.helpers.log import logged
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)
from tests.helpers.wait import until


def live_posts(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m["author"]["id"] == str(fake.bot_id)
            and m.get("embeds") and m["embeds"][0].get("title") == "Live log"]


def live_text(fake: FakeDiscord, channel: int) -> str:
    """Everything the live log posted: embed text and attached files."""
    parts = []
    for post in live_posts(fake, channel):
        parts.append(post["embeds"][0].get("description") or "")
        parts += [data.decode() for data in fake.files_of(int(post["id"])).values()]
    return "\n".join(parts)


async def live_log_in(h: BotHarness, fake: FakeDiscord, channel: int, **settings: Any) -> None:
    await h.services.guild_settings.update(fake.guild_id, None, live_log_channel_id=channel, **settings)


async def test_edits_deletions_bulk_deletions_and_reports_are_posted_live(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general, news, mod_log = (fake_discord.channel(n) for n in ("general", "news", "mod-log"))
    alice, bob = fake_discord.user("alice"), fake_discord.user("bob")
    async with launch_bot() as h:
        await live_log_in(h, fake_discord, mod_log, mod_channel_id=mod_log, log_excluded_channels=[news])
        await h.services.log.set_opt_out(fake_discord.guild_id, bob, True)

        edited = await fake_discord.post(general, alice, "the ferry leaves at nine")
        await logged(h, edited["id"])
        await fake_discord.edit(general, int(edited["id"]), "the ferry leaves at ten")
        private = await fake_discord.post(general, bob, "bob's private words about the harbour")
        await logged(h, private["id"])
        await fake_discord.edit(general, int(private["id"]), "bob's private words, edited")
        elsewhere = await fake_discord.post(news, alice, "words in a channel that is not logged")
        deleted = await fake_discord.post(general, alice, "a message that will vanish")
        purged = [await fake_discord.post(general, alice, f"purged line {i}") for i in range(3)]
        await h.settle()
        await fake_discord.delete(general, int(private["id"]))
        await fake_discord.delete(news, int(elsewhere["id"]))
        await fake_discord.delete(general, int(deleted["id"]))
        await fake_discord.bulk_delete(general, [int(m["id"]) for m in purged])
        reported = await fake_discord.post(general, alice, "a rude remark")
        await report(fake_discord, "olivia", general, int(reported["id"]), "rude")

        await until(lambda: all(text in live_text(fake_discord, mod_log) for text in (
            "> before: the ferry leaves at nine", "> after: the ferry leaves at ten", "a message that will vanish",
            "purged line 0", "purged line 2", "report #1 filed", "“rude”", "text private")),
            what="every event in the live log")
        text = live_text(fake_discord, mod_log)
        assert "private words" not in text                        # an opted-out member's words never
        assert text.count("text private") == 2                    # but the edit and the deletion are reported
        assert "not logged" not in text and f"<#{news}>" not in text   # nothing from an excluded channel
        bulk = [(name, data.decode()) for post in live_posts(fake_discord, mod_log)
                for name, data in fake_discord.files_of(int(post["id"])).items() if name.startswith("bulk-delete")]
        assert len(bulk) == 1 and all(f"purged line {i}" in bulk[0][1] for i in range(3))   # one file
        assert "by Alice (id " in bulk[0][1] and "in #general" in bulk[0][1]   # files: names, not mentions
        assert all(fake_discord.allowed_mentions_of(int(p["id"])) == {"parse": []}
                   for p in live_posts(fake_discord, mod_log))


async def test_the_live_log_is_off_by_default(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        posted = await fake_discord.post(general, fake_discord.user("alice"), "a message deleted quietly")
        await logged(h, posted["id"])
        await fake_discord.delete(general, int(posted["id"]))
        await logged(h, posted["id"], lambda r: r["deleted_at"] is not None)
        assert await h.services.live_log.drain() == []              # noted, but no guild wants it
    assert all(not live_posts(fake_discord, fake_discord.channel(n)) for n in ("general", "news", "mod-log"))


@pytest.mark.fake_discord(rate_limits=True)
async def test_a_burst_of_500_deletions_is_reported_in_full_without_429s(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general, mod_log = fake_discord.channel("general"), fake_discord.channel("mod-log")
    alice = fake_discord.user("alice")
    async with launch_bot() as h:
        await live_log_in(h, fake_discord, mod_log)
        ids = [int((await fake_discord.post(general, alice, f"raid message {i:03d}"))["id"]) for i in range(500)]
        await h.settle()
        for message_id in ids:                                      # a moderator cleans up, one by one
            await fake_discord.delete(general, message_id)
        await until(lambda: all(f"raid message {i:03d}" in live_text(fake_discord, mod_log) for i in range(500)),
                    what="all 500 deletions in the live log")
        posts = live_posts(fake_discord, mod_log)
        assert sum(fake_discord.rate_limit_hits.values()) == 0     # no 429, let alone a storm
        assert len(posts) < 50                                      # batched: a few posts, not 500
        assert live_text(fake_discord, mod_log).count("raid message") == 500   # each reported once
