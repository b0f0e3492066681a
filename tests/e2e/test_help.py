"""/help: this server's settings in words, the commands the caller may use, and how to opt out."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord


async def help_fields(fake: FakeDiscord, user: str) -> dict[str, str]:
    reply = await (await fake.slash(fake.user(user), fake.channel("general"), "help")).reply()
    assert reply.ephemeral
    [embed] = reply.embeds
    out: dict[str, str] = {}
    for field in embed["fields"]:
        key = "Commands you can use" if field["name"] == "More commands" else field["name"]
        out[key] = (out.get(key, "") + "\n" + field["value"]).strip()
    return out


async def test_help_lists_the_settings_here_and_only_the_commands_the_caller_may_use(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    async with launch_bot() as h:
        member = await help_fields(fake, "alice")
        here, commands = member["On this server"], member["Commands you can use"]
        assert "every article link" in here and "each article’s own language" in here
        assert "on;" in here and "kept 90 days" in here and "Message Content" not in here
        for name in ("/catchup", "/ask", "/summarize", "/privacy", "/help", "“Summarize links”",
                     "“Ask about this article”", "“Report to moderators”"):
            assert name in commands
        for name in ("/logs", "/modreport", "/config", "/usage"):
            assert name not in commands
        assert "/privacy optout" in member["Your privacy"] and "/privacy forget" in member["Your privacy"]

        moderator = (await help_fields(fake, "mona"))["Commands you can use"]
        assert all(name in moderator for name in ("/logs", "/modreport", "/config", "/usage", "/catchup"))

        await h.services.guild_settings.update(fake.guild_id, None, summary_mode="reaction", language="es",
                                               log_enabled=False)
        changed = (await help_fields(fake, "alice"))["On this server"]
        assert "react with 📰" in changed and "**Language:** es" in changed and "**Conversation log:** off" in changed


@pytest.mark.fake_discord(message_content_intent=False)
async def test_help_says_when_the_bot_runs_without_the_message_content_intent(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    async with launch_bot(discord_message_content=False):
        here = (await help_fields(fake_discord, "alice"))["On this server"]
        assert "without Discord’s Message Content permission" in here and "Summarize links" in here
