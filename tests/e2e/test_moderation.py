"""Moderation through Discord: member reports (context menu + modal), flags from local rules and from
the fake moderations endpoint (with its 429), /modreport, and scheduled digests that post once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, cast

from PIL import Image

from bot.playground.fake_discord import FakeDiscord
from cogs.moderation import NOT_SET_UP, THANKS, Moderation
from cogs.reports import Reports
from tests.fakes.bot_plugin import BotHarness
from tests.fakes.fake_openai import FakeOpenAI, rate_limited
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)
from tests.helpers.wait import until

MOD_PATH = "/v1/moderations"


async def moderation_cog(h: BotHarness) -> Moderation:
    # discord.py re-imports an extension on every load, so compare by name, not class identity
    cog = cast(Moderation, h.bot.get_cog("Moderation"))
    assert type(cog).__name__ == "Moderation"
    await cog.flag_job.stop()         # the test drives the flagger itself, deterministically
    cog.flagger.settle_ms = 0         # no waiting for late commits: the test flushes the log first
    return cog


async def report(fake: FakeDiscord, user: str, channel: int, message_id: int, reason: str) -> Any:
    handle = await fake.message_command(fake.user(user), channel, "Report to moderators", message_id)
    callback = await handle.response()
    assert callback.type == 9, callback                        # a modal asking for the reason
    submitted = await handle.submit_modal({"reason": reason})
    return await submitted.reply()


async def test_member_reports_reach_moderators_once_and_merge(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general, mod_log = fake_discord.channel("general"), fake_discord.channel("mod-log")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, mod_channel_id=mod_log)
        bad = await fake_discord.post(general, fake_discord.user("alice"), "buy cheap followers at my site")
        first = await report(fake_discord, "bob", general, int(bad["id"]), "spam")
        assert first.ephemeral and first.content == THANKS
        posted = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
        embed = posted["embeds"][0]
        assert embed["description"] == "buy cheap followers at my site"
        assert {f["name"]: f["value"] for f in embed["fields"]}["Reported by"] == "1 member"
        second = await report(fake_discord, "olivia", general, int(bad["id"]), "spam, again")
        assert second.content == THANKS
        edited = await fake_discord.wait_for_event("edit")
        assert edited.message_id == int(posted["id"])
        updated = fake_discord.message(int(posted["id"]))
        assert {f["name"]: f["value"] for f in updated["embeds"][0]["fields"]}["Reported by"] == "2 members"
        rows = await h.services.db.fetchall("SELECT reporter_id, reason FROM member_report_reasons ORDER BY 1")
        assert {(r[0], r[1]) for r in rows} == {(fake_discord.user("bob"), "spam"),
                                               (fake_discord.user("olivia"), "spam, again")}
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
    general, mod_log = fake_discord.channel("general"), fake_discord.channel("mod-log")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, mod_channel_id=mod_log)
        replies = []
        for i in range(6):
            msg = await fake_discord.post(general, fake_discord.user("alice"), f"message {i}")
            replies.append(await report(fake_discord, "bob", general, int(msg["id"]), "meh"))
        assert [r.content for r in replies[:5]] == [THANKS] * 5
        assert replies[5].content.startswith("You've sent several reports in a short time")


async def test_flags_from_local_rules_are_stored_and_listed_for_moderators(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general, mod_log = fake_discord.channel("general"), fake_discord.channel("mod-log")
    async with launch_bot() as h:
        cog = await moderation_cog(h)
        await h.services.guild_settings.update(fake_discord.guild_id, None, mod_channel_id=mod_log,
                                                mod_rules=["pineapple", "/free\\s+nitro/"])
        alice = fake_discord.user("alice")
        for text in ("I love pineapple pizza", "FREE   NITRO here", "join discord.gg/abcdef now",
                     "a perfectly fine message"):
            await fake_discord.post(general, alice, text)
        await h.settle()
        await cog.flagger.run_once()
        await cog.flagger.run_once()                 # idempotent
        flags = await h.services.db.fetchall("SELECT category, provider, detail FROM flags ORDER BY id")
        assert [(f["category"], f["provider"]) for f in flags] == [("rule", "rules"), ("rule", "rules"),
                                                                   ("invite", "rules")]
        listing = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
        assert listing["embeds"][0]["title"] == "Flagged messages"
        assert listing["embeds"][0]["description"].count("[jump]") == 3
    assert [m["content"] for m in fake_discord.messages(general)][:2] == ["I love pineapple pizza",
                                                                          "FREE   NITRO here"]   # never edited


async def test_flags_from_the_moderation_endpoint_survive_its_429(launch_bot: Any, fake_discord: FakeDiscord,
                                                                   fake_openai: FakeOpenAI) -> None:
    general = fake_discord.channel("general")
    async with launch_bot(openai_base_url=fake_openai.base_url, openai_api_key="k") as h:
        cog = await moderation_cog(h)
        await fake_discord.post(general, fake_discord.user("alice"), "I will kill you")
        await fake_discord.post(general, fake_discord.user("bob"), "nice weather")
        await h.settle()
        fake_openai.script(rate_limited(0.05, path=MOD_PATH), rate_limited(0.05, path=MOD_PATH),
                           rate_limited(0.05, path=MOD_PATH))
        await cog.flagger.run_once()
        assert await h.services.db.fetchall("SELECT * FROM flags") == []     # nothing skipped, nothing flagged yet
        assert cog.flagger.paused_for > 0
        await until(lambda: cog.flagger.paused_for == 0, what="the pause to end")
        await cog.flagger.run_once()
        flags = await h.services.db.fetchall("SELECT category, provider, author_id FROM flags")
        assert {(f["category"], f["provider"]) for f in flags} >= {("violence", "openai")}
        assert {f["author_id"] for f in flags} == {fake_discord.user("alice")}
        assert len(fake_openai.calls(MOD_PATH)) == 4                          # three 429s, then the answer


async def test_modreport_for_moderators_with_markdown_and_chart(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        for i in range(5):
            author = fake_discord.user("alice" if i % 2 else "bob")
            await fake_discord.post(general, author, f"talking about ferries {i}")
        await h.settle()
        handle = await fake_discord.slash(fake_discord.user("mona"), general, "modreport", {"period": "24h"})
        reply = await handle.reply(timeout=15)
        assert reply.ephemeral
        fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
        assert fields["Messages"] == "5" and fields["Active members"].startswith("2")
        files = reply.files if hasattr(reply, "files") else {}
        assert set(files) == {"report-24h.md", "report-24h.png"}
        markdown = files["report-24h.md"].decode()
        for section in ("## Activity", "## Busiest channels", "## Flags", "## Open member reports"):
            assert section in markdown
        image = Image.open(io.BytesIO(files["report-24h.png"]))
        assert image.format == "PNG" and image.size[0] >= 600 and len(files["report-24h.png"]) > 10_000

        refused = await fake_discord.slash(fake_discord.user("alice"), general, "modreport", {},
                                           check_permissions=False)
        answer = await refused.reply()
        assert answer.ephemeral and answer.content.startswith("This command is for moderators")


async def test_scheduled_digest_posts_exactly_once_even_across_restarts(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    mod_log = fake_discord.channel("mod-log")
    hour = max(0, dt.datetime.now(dt.UTC).hour)
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, mod_channel_id=mod_log, digest="daily",
                                                digest_hour=hour)
        cog = cast(Reports, h.bot.get_cog("Reports"))
        await cog.digests()       # a scheduler tick
        await cog.digests()       # and another: already posted
        digest = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
        assert digest["embeds"][0]["title"].startswith("Daily digest ")
    async with launch_bot() as h2:         # a restart on the same database
        cog = cast(Reports, h2.bot.get_cog("Reports"))
        await cog.digests()
    posts = [m for m in fake_discord.messages(mod_log) if m["author"]["id"] == str(fake_discord.bot_id)]
    assert len(posts) == 1
