"""Moderator commands read the whole server's log, so they need the server-wide permission: Manage Messages
granted by one channel's overwrite is refused in one line; a moderator by role is served."""

from __future__ import annotations

from typing import Any

from bot.discord_ui.checks import SERVER_WIDE_ONLY
from bot.playground.fake_discord import FakeDiscord
from bot.playground.fake_discord.permissions import Perm

SECRET = "staff only: the harbour audit lands on Friday"


async def test_channel_level_moderator_is_refused_and_server_wide_moderator_served(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    news, staff = fake.channel("news"), fake.channel("mod-log")   # mod-log: alice cannot view it
    alice, mona = fake.user("alice"), fake.user("mona")
    async with launch_bot() as h:
        await fake.post(staff, mona, SECRET)
        await fake.post(news, alice, "the harbour audit is a rumour")
        await fake.set_overwrite(news, alice, allow=Perm.MANAGE_MESSAGES)   # a moderator of #news only
        await h.settle()

        attempts = [("logs search", {"query": "harbour audit"}), ("logs export", {"channel": staff}),
                    ("modreport", {"period": "7d"}), ("modreport", {"channel": staff})]
        for command, options in attempts:
            handle = await fake.slash(alice, news, command, options)   # Discord shows her the command here
            reply = await handle.reply()
            assert reply.ephemeral and reply.content == SERVER_WIDE_ONLY, (command, reply.content)
            assert not reply.embeds and not reply.files
            assert "\n" not in reply.content

        search = await (await fake.slash(mona, news, "logs search", {"query": "harbour audit"})).reply()
        assert "staff only" in search.embeds[0]["description"]
        export = await (await fake.slash(mona, news, "logs export", {"channel": staff})).reply()
        assert SECRET.encode() in export.files["log-mod-log.jsonl"]
        report = await (await fake.slash(mona, news, "modreport", {"period": "7d"})).reply()
        assert report.embeds and report.embeds[0]["title"].startswith("Moderator report")
