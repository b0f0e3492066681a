"""Members' reports through Discord, end to end: the context menu and its reason, the moderators' post with
the reasons and Resolve / Dismiss / Open the message buttons (persistent: a click after a restart works),
who closed a report and when, reports of deleted messages and of thread messages, /modreport separating
open from resolved, and `precis report` (markdown and JSON) with reasons, resolution and names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.moderation import member_reports
from bot.playground.fake_discord import FakeDiscord
from bot.util.timeutil import now_ms
from cogs.member_reports import DISMISS_ID, NOT_SET_UP, ONLY_MODERATORS, RESOLVE_ID, THANKS
from tests.fakes.bot_plugin import BotHarness
from tests.helpers.log import logged
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)
from tests.integration.test_cli import precis


async def report(fake: FakeDiscord, user: str, channel: int, message_id: int, reason: str) -> Any:
    handle = await fake.message_command(fake.user(user), channel, "Report to moderators", message_id)
    callback = await handle.response()
    assert callback.type == 9, callback                        # a modal asking for the reason
    submitted = await handle.submit_modal({"reason": reason})
    return await submitted.reply()


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}


def buttons(message: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """(label, custom_id, url) of every button on a message."""
    return [(b["label"], b.get("custom_id"), b.get("url")) for row in message.get("components") or []
            for b in row["components"]]


async def with_mod_channel(h: BotHarness, fake: FakeDiscord) -> int:
    mod_log = fake.channel("mod-log")
    await h.services.guild_settings.update(fake.guild_id, None, mod_channel_id=mod_log)
    return mod_log


async def test_reports_reach_moderators_once_with_reasons_and_buttons(launch_bot: Any,
                                                                      fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        mod_log = await with_mod_channel(h, fake_discord)
        bad = await fake_discord.post(general, fake_discord.user("alice"), "buy cheap followers at my site")
        first = await report(fake_discord, "bob", general, int(bad["id"]), "spam")
        assert first.ephemeral and first.content == THANKS
        posted = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
        assert posted["embeds"][0]["description"] == "buy cheap followers at my site"
        shown = fields(posted)
        assert shown["Reported by"] == "1 member" and shown["Status"] == "Open"
        assert shown["Reasons"] == f"<@{fake_discord.user('bob')}>: spam"          # the reason is shown
        jump = f"https://discord.com/channels/{fake_discord.guild_id}/{general}/{bad['id']}"
        assert buttons(posted) == [("Resolve", RESOLVE_ID, None), ("Dismiss", DISMISS_ID, None),
                                   ("Open the message", None, jump)]

        second = await report(fake_discord, "olivia", general, int(bad["id"]), "spam, again")
        assert second.content == THANKS
        edited = await fake_discord.wait_for_event("edit")
        assert edited.message_id == int(posted["id"])
        updated = fields(fake_discord.message(int(posted["id"])))
        assert updated["Reported by"] == "2 members"
        assert updated["Reasons"].splitlines() == [f"<@{fake_discord.user('bob')}>: spam",
                                                   f"<@{fake_discord.user('olivia')}>: spam, again"]
    assert len([m for m in fake_discord.messages(mod_log) if m["author"]["id"] == str(fake_discord.bot_id)]) == 1


async def test_reporting_without_a_moderator_channel_tells_only_the_reporter(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot():
        bad = await fake_discord.post(general, fake_discord.user("alice"), "rude words")
        handle = await fake_discord.message_command(fake_discord.user("bob"), general, "Report to moderators",
                                                    int(bad["id"]))
        reply = await handle.reply()
        assert reply.ephemeral and reply.content == NOT_SET_UP
    bot_posts = [m for ch in ("general", "news", "mod-log") for m in fake_discord.messages(fake_discord.channel(ch))
                 if m["author"]["id"] == str(fake_discord.bot_id)]
    assert bot_posts == []


async def test_reporters_are_rate_limited(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        await with_mod_channel(h, fake_discord)
        replies = []
        for i in range(6):
            msg = await fake_discord.post(general, fake_discord.user("alice"), f"message {i}")
            replies.append(await report(fake_discord, "bob", general, int(msg["id"]), "meh"))
        assert [r.content for r in replies[:5]] == [THANKS] * 5
        assert replies[5].content.startswith("You've sent several reports in a short time")


async def test_resolving_after_a_restart_records_who_and_when(launch_bot: Any, fake_discord: FakeDiscord,
                                                              tmp_path: Path) -> None:
    general, mona = fake_discord.channel("general"), fake_discord.user("mona")
    async with launch_bot() as h:
        mod_log = await with_mod_channel(h, fake_discord)
        bad = await fake_discord.post(general, fake_discord.user("alice"), "send me your password")
        await report(fake_discord, "bob", general, int(bad["id"]), "phishing")
        posted = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
    assert not fake_discord.gateway.sessions                       # the bot is gone; its post stays

    async with launch_bot() as h2:                                 # a new process on the same database
        refused = await fake_discord.click(fake_discord.user("alice"), int(posted["id"]), RESOLVE_ID)
        answer = await refused.reply()
        assert answer.ephemeral and answer.content == ONLY_MODERATORS
        clicked = await fake_discord.click(mona, int(posted["id"]), RESOLVE_ID)
        assert (await clicked.response()).type == 7                # the post itself is updated
        after = fake_discord.message(int(posted["id"]))
        status = fields(after)["Status"]
        assert status.startswith(f"Resolved by <@{mona}> <t:")
        assert [label for label, _, _ in buttons(after)] == ["Open the message"]   # nothing left to click
        (row,) = await h2.services.db.fetchall(
            "SELECT status, resolution, resolved_by, resolved_at FROM member_reports")
        assert (row["status"], row["resolution"], row["resolved_by"]) == ("resolved", "resolved", mona)
        assert f"<t:{row['resolved_at'] // 1000}:f>" in status

        handle = await fake_discord.slash(mona, general, "modreport", {"period": "24h"})
        reply = await handle.reply(timeout=15)
        headline = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
        assert headline["Member reports"] == "0 open · 1 resolved in the period"
        markdown = reply.files["report-24h.md"].decode()
        resolved = markdown.split("## Resolved member reports\n")[1].split("\n## ")[0]
        assert "by Alice (id " in resolved and "· resolved by Mona (id " in resolved   # display names
        assert "Bob (id " in resolved and "“phishing”" in resolved and "“send me your password”" in resolved
        assert markdown.split("## Open member reports\n")[1].startswith("None.")

    # The command line reads the same database: headed by the guild's name, with reasons and names.
    env = {"DATABASE_PATH": str(h2.settings.database_path), "DATABASE_URL": h2.settings.database_url or ""}
    code, out, err = await precis(tmp_path, "report", "--guild", str(fake_discord.guild_id), "--since", "1d",
                                  env=env)
    assert code == 0, err
    assert out.startswith("# Report for Playground\n") and "<@" not in out and "<#" not in out
    assert "“phishing”" in out and "resolved by Mona" in out
    code, out, err = await precis(tmp_path, "report", "--guild", str(fake_discord.guild_id), "--since", "1d",
                                  "--format", "json", env=env)
    assert code == 0, err
    data = json.loads(out)
    assert data["guild_name"] == "Playground" and data["open_reports"] == []
    (closed,) = data["resolved_reports"]
    assert (closed["status"], closed["resolution"], closed["resolved_by"], closed["resolved_by_name"]) == (
        "resolved", "resolved", str(mona), "Mona")
    assert (closed["author_name"], closed["channel_name"]) == ("Alice", "#general")
    assert [(r["reporter_name"], r["reason"]) for r in closed["reasons"]] == [("Bob", "phishing")]


async def test_dismissing_and_a_second_click(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        mod_log = await with_mod_channel(h, fake_discord)
        msg = await fake_discord.post(general, fake_discord.user("alice"), "pineapple belongs on pizza")
        await report(fake_discord, "bob", general, int(msg["id"]), "wrong opinion")
        posted = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
        dismissed = await fake_discord.click(fake_discord.user("mona"), int(posted["id"]), DISMISS_ID)
        assert (await dismissed.response()).type == 7
        assert fields(fake_discord.message(int(posted["id"])))["Status"].startswith(
            f"Dismissed by <@{fake_discord.user('mona')}>")
        (row,) = await h.services.db.fetchall("SELECT resolution, resolved_by FROM member_reports")
        assert (row["resolution"], row["resolved_by"]) == ("dismissed", fake_discord.user("mona"))

        # Closed meanwhile by someone else (another bot process): a click shows who, and changes nothing.
        other = await fake_discord.post(general, fake_discord.user("alice"), "a second questionable message")
        await report(fake_discord, "bob", general, int(other["id"]), "also wrong")
        second = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id,
                                                     since=other)
        report_id = int(second["embeds"][0]["footer"]["text"].removeprefix("report #"))
        found = await member_reports.get_report(h.services.db, report_id)
        assert found is not None
        await member_reports.close_report(h.services.db, fake_discord.guild_id, found.id, resolution="resolved",
                                          resolved_by=fake_discord.user("olivia"), now=now_ms())
        late = await fake_discord.click(fake_discord.user("mona"), int(second["id"]), DISMISS_ID)
        notes = await late.wait_for_messages(2)
        assert notes[-1].ephemeral and notes[-1].content == "This report was already resolved."
        assert fields(fake_discord.message(int(second["id"])))["Status"].startswith(
            f"Resolved by <@{fake_discord.user('olivia')}>")
        closed = await member_reports.get_report(h.services.db, found.id)
        assert closed is not None and closed.resolution == "resolved"


async def test_a_deleted_message_keeps_its_snapshot_and_a_thread_report_jumps_into_the_thread(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general, mona = fake_discord.channel("general"), fake_discord.user("mona")
    async with launch_bot() as h:
        mod_log = await with_mod_channel(h, fake_discord)
        thread = await fake_discord.create_thread(general, "Side talk", owner_id=fake_discord.user("bob"))
        where = int(thread["id"])
        bad = await fake_discord.post(where, fake_discord.user("alice"), "you are all idiots")
        await report(fake_discord, "bob", where, int(bad["id"]), "insults")
        posted = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
        jump = f"https://discord.com/channels/{fake_discord.guild_id}/{where}/{bad['id']}"
        assert buttons(posted)[-1] == ("Open the message", None, jump)
        assert fields(posted)["Channel"] == f"<#{where}>"

        await fake_discord.delete(where, int(bad["id"]))
        await logged(h, int(bad["id"]), lambda r: r["deleted_at"] is not None)
        handle = await fake_discord.slash(mona, general, "modreport", {"period": "24h", "channel": general})
        reply = await handle.reply(timeout=15)
        opened = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}["Open member reports"]
        assert f"[message]({jump}) (deleted since)" in opened and "“insults”" in opened   # the reason, in the embed
        markdown = reply.files["report-24h.md"].decode()
        section = markdown.split("## Open member reports\n")[1].split("\n## ")[0]
        assert "in #general › Side talk" in section and "· message deleted since" in section
        assert "  - as reported: “you are all idiots”" in section

        clicked = await fake_discord.click(mona, int(posted["id"]), RESOLVE_ID)
        assert (await clicked.response()).type == 7
        after = fake_discord.message(int(posted["id"]))
        assert after["embeds"][0]["description"].startswith("you are all idiots\n-# The message was deleted since")
