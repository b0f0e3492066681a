"""Moderation through Discord: flags from local rules (live, in threads, with a model server that has no
moderation endpoint) and from the fake moderations endpoint (with its 429), /modreport (a channel with its
threads), and scheduled digests that post once. Member reports: test_member_reports.py."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, cast

import pytest
from PIL import Image

from bot.llm.moderation import PROBE_INPUT
from bot.moderation.endpoint import EndpointState
from bot.playground.fake_discord import FakeDiscord
from cogs.moderation import Moderation
from cogs.reports import Reports
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_plugin import BotHarness
from tests.fakes.fake_openai import FakeOpenAI, rate_limited
from tests.helpers.log import log_rows
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)
from tests.helpers.wait import until

MOD_PATH = "/v1/moderations"


async def moderation_cog(h: BotHarness) -> Moderation:
    # discord.py re-imports an extension on every load, so compare by name, not class identity
    cog = cast(Moderation, h.bot.get_cog("Moderation"))
    assert type(cog).__name__ == "Moderation"
    for job in cog.jobs:              # the test drives the flaggers itself, deterministically
        await job.stop()
    h.services.log.remove_observer(cog.flagger.observe)
    cog.flagger.settle_ms = cog.endpoint_flagger.settle_ms = 0   # no waiting for late commits: the test flushes
    return cog


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
        # OPENAI_BASE_URL points at a server of our own, so the endpoint is off unless the guild asks for it.
        await h.services.guild_settings.update(fake_discord.guild_id, None, moderation_endpoint=True)
        await fake_discord.post(general, fake_discord.user("alice"), "I will kill you")
        await fake_discord.post(general, fake_discord.user("bob"), "nice weather")
        await h.settle()                                                      # the start-up check is done too
        assert cog.endpoint.state == EndpointState.AVAILABLE
        fake_openai.script(rate_limited(0.05, path=MOD_PATH), rate_limited(0.05, path=MOD_PATH),
                           rate_limited(0.05, path=MOD_PATH))
        await cog.endpoint_flagger.run_once()
        assert await h.services.db.fetchall("SELECT * FROM flags") == []     # nothing skipped, nothing flagged yet
        assert cog.endpoint_flagger.paused_for > 0
        await until(lambda: cog.endpoint_flagger.paused_for == 0, what="the pause to end")
        await cog.endpoint_flagger.run_once()
        flags = await h.services.db.fetchall("SELECT category, provider, author_id FROM flags")
        assert {(f["category"], f["provider"]) for f in flags} >= {("violence", "openai")}
        assert {f["author_id"] for f in flags} == {fake_discord.user("alice")}
        inputs = [c.json["input"] for c in fake_openai.calls(MOD_PATH)]
        assert inputs[0] == [PROBE_INPUT] and len(inputs) == 5                # the check; three 429s, the answer


async def test_a_local_server_without_moderation_endpoint_never_holds_up_word_rules(
        launch_bot: Any, fake_discord: FakeDiscord, fake_openai: FakeOpenAI,
        caplog: pytest.LogCaptureFixture) -> None:
    general, mod_log = fake_discord.channel("general"), fake_discord.channel("mod-log")
    fake_openai.moderations_status = 404             # Ollama, vLLM, llama.cpp: no /v1/moderations
    async with launch_bot(openai_base_url=fake_openai.base_url) as h:   # a local server: no key
        await h.settle()                             # the start-up check has run
        gid = fake_discord.guild_id
        # Even a guild that asks for the endpoint gets its word rules at once: the endpoint is known missing.
        await h.services.guild_settings.update(gid, None, mod_channel_id=mod_log, mod_rules=["pineapple"],
                                                moderation_endpoint=True)
        for i in range(40):                          # more than one chunk of the endpoint's batch
            await fake_discord.post(general, fake_discord.user("bob"), f"an ordinary message {i}")
        posted = await fake_discord.post(general, fake_discord.user("alice"), "I love pineapple pizza")
        listing = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id,
                                                      since=posted)
        assert listing["embeds"][0]["title"] == "Flagged messages"
        assert f"/{posted['id']})" in listing["embeds"][0]["description"]
        assert [c.json["input"] for c in fake_openai.calls(MOD_PATH)] == [[PROBE_INPUT]]   # asked once, at start
        said = [r.getMessage() for r in caplog.records if "no moderation endpoint" in r.getMessage()]
        assert len(said) == 1 and fake_openai.base_url in said[0]
        show = await fake_discord.slash(fake_discord.user("mona"), general, "config show", {})
        moderation = {f["name"]: f["value"] for f in (await show.reply()).embeds[0]["fields"]}["Moderation"]
        assert "moderation endpoint: **on** (set here; the default is off with a local model server)" in moderation
        assert f"the server at {fake_openai.base_url} has no moderation endpoint" in moderation


async def test_a_flag_in_a_thread_keeps_the_thread_and_jumps_into_it(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    general, mod_log = fake_discord.channel("general"), fake_discord.channel("mod-log")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, mod_channel_id=mod_log,
                                                mod_rules=["scam"])
        thread = await fake_discord.create_thread(general, "Ferry talk", owner_id=fake_discord.user("bob"))
        posted = await fake_discord.post(int(thread["id"]), fake_discord.user("alice"), "this is a scam")
        listing = await fake_discord.wait_for_message(channel_id=mod_log, author_id=fake_discord.bot_id)
        jump = f"https://discord.com/channels/{fake_discord.guild_id}/{thread['id']}/{posted['id']}"
        assert f"in <#{thread['id']}> [jump]({jump})" in listing["embeds"][0]["description"]
        (flag,) = await h.services.db.fetchall("SELECT channel_id, thread_id FROM flags")
        assert (flag["channel_id"], flag["thread_id"]) == (general, int(thread["id"]))


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


async def test_modreport_for_a_channel_counts_its_threads_messages_and_links(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general, news = fake_discord.channel("general"), fake_discord.channel("news")
    alice, bob = fake_discord.user("alice"), fake_discord.user("bob")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, summary_mode="off")
        await fake_discord.post(general, alice, f"read this {article_server.url('pages/ledger-council-budget.html')}")
        thread = await fake_discord.create_thread(general, "Council budget", owner_id=bob)
        where = int(thread["id"])
        await fake_discord.post(where, bob, f"and this one {article_server.url('pages/metro-bike-counters.html')}")
        await fake_discord.post(where, alice, "both worth a read")
        await fake_discord.post(news, alice, f"elsewhere {article_server.url('pages/valley-orchard-coop.html')}")
        await h.settle()

        async def report_for(channel: int) -> tuple[dict[str, str], str]:
            handle = await fake_discord.slash(fake_discord.user("mona"), general, "modreport",
                                              {"period": "24h", "channel": channel})
            reply = await handle.reply(timeout=15)
            return {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}, reply.files["report-24h.md"].decode()

        logged = await log_rows(h, "channel_id = ?", general)   # a thread's messages belong to its channel
        assert len([r for r in logged if r["thread_id"] == where]) == 2
        fields, markdown = await report_for(general)
        assert fields["Messages"] == str(len(logged)) and fields["Links / summaries"].startswith("2 /")
        assert "channel #general" in markdown.splitlines()[1] and "- 2 links" in markdown
        fields, _ = await report_for(news)
        assert fields["Messages"] == "1" and fields["Links / summaries"].startswith("1 /")


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
