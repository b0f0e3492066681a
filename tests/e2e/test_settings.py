"""/config and cost control through Discord: every setter, refusals, budget exhaustion switching
providers mid-day, cooldowns, and /usage agreeing with what the fake OpenAI server saw."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground.fake_discord import FakeDiscord
from bot.playground.fake_discord.errors import FakeDiscordError
from tests.fakes.article_server import ArticleServer
from tests.fakes.fake_openai import FakeOpenAI

CHAT = "/v1/chat/completions"
PAGES = ["pages/ledger-council-budget.html", "pages/metro-bike-counters.html", "pages/valley-orchard-coop.html",
         "pages/courier-ferry-returns.html"]


async def config(fake: FakeDiscord, user: str, sub: str, options: dict[str, Any], **kw: Any) -> Any:
    handle = await fake.slash(fake.user(user), fake.channel("general"), f"config {sub}", options, **kw)
    return await handle.reply()


async def test_every_setter_validates_stores_and_shows(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    news, mod_log = fake_discord.channel("news"), fake_discord.channel("mod-log")
    async with launch_bot() as h:
        gid = fake_discord.guild_id
        replies = [
            await config(fake_discord, "mona", "summaries", {"mode": "reaction", "style": "bullets",
                                                             "threads": True, "never_in": news}),
            await config(fake_discord, "mona", "language", {"code": "ES"}),
            await config(fake_discord, "mona", "logging", {"retention_days": 30, "bots": True, "exclude": news}),
            await config(fake_discord, "mona", "moderation", {"channel": mod_log, "digest": "daily",
                                                              "digest_hour": 8, "add_rule": "/free\\s+nitro/"}),
            await config(fake_discord, "mona", "budget", {"daily_tokens": 5000, "cooldown_seconds": 5}),
        ]
        assert all(r.ephemeral and r.content.startswith("Updated") for r in replies), [r.content for r in replies]
        s = await h.services.guild_settings.get(gid)
        assert (s.summary_mode, s.summary_style, s.summary_threads, s.summary_excluded_channels) == (
            "reaction", "bullets", True, [news])
        assert (s.language, s.retention_days, s.log_bots, s.log_excluded_channels) == ("es", 30, True, [news])
        assert (s.mod_channel_id, s.digest, s.digest_hour, s.mod_rules) == (mod_log, "daily", 8, ["/free\\s+nitro/"])
        assert (s.daily_tokens, s.cooldown_seconds) == (5000, 5)

        bad = await config(fake_discord, "mona", "language", {"code": "klingon please"})
        assert bad.content.startswith("Not changed: language:") and "\n" not in bad.content
        bad_rule = await config(fake_discord, "mona", "moderation", {"add_rule": "/([unclosed/"})
        assert bad_rule.content.startswith("Not changed:") and "regular expression" in bad_rule.content

        show = await config(fake_discord, "mona", "show", {})
        fields = {f["name"]: f["value"] for f in show.embeds[0]["fields"]}
        assert "mode **reaction**" in fields["Summaries"] and "**es**" in fields["Language"]
        assert f"<#{mod_log}>" in fields["Moderation"] and "**5,000**" in fields["Budget"]
        assert f"<@{fake_discord.user('mona')}> daily tokens: 200,000 → 5,000" in fields["Recent changes"]
        assert show.ephemeral


async def test_config_replies_read_plainly_and_the_moderators_channel_can_be_unset(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    mod_log, news = fake_discord.channel("mod-log"), fake_discord.channel("news")
    async with launch_bot() as h:
        set_up = await config(fake_discord, "mona", "moderation", {"channel": mod_log, "add_rule": "scam"})
        assert set_up.content == f"Updated moderators' channel: not set → <#{mod_log}>; flag rules: none → `scam`"
        more = await config(fake_discord, "mona", "logging", {"exclude": news, "live_channel": mod_log})
        assert more.content == (f"Updated channels not logged: none → <#{news}>; "
                                f"live log channel: not set → <#{mod_log}>")
        unset = await config(fake_discord, "mona", "moderation", {"unset_channel": True})
        assert unset.content == f"Updated moderators' channel: <#{mod_log}> → not set"
        off = await config(fake_discord, "mona", "logging", {"live_off": True})
        assert off.content == f"Updated live log channel: <#{mod_log}> → not set"
        s = await h.services.guild_settings.get(fake_discord.guild_id)
        assert (s.mod_channel_id, s.live_log_channel_id, s.mod_rules) == (None, None, ["scam"])
        endpoint = await config(fake_discord, "mona", "moderation", {"endpoint": "on"})
        assert endpoint.content == "Updated moderation endpoint: default → on"
        back = await config(fake_discord, "mona", "moderation", {"endpoint": "default"})
        assert back.content == "Updated moderation endpoint: on → default"
        assert all("None" not in r.content and "[" not in r.content for r in (set_up, more, unset, off))


async def test_members_without_manage_server_are_refused(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    async with launch_bot() as h:
        with pytest.raises(FakeDiscordError):   # Discord itself hides it: default_member_permissions
            await fake_discord.slash(fake_discord.user("alice"), fake_discord.channel("general"), "config show", {})
        # A server admin may have granted the command to everyone; the runtime check still refuses.
        refused = await config(fake_discord, "alice", "budget", {"daily_tokens": 0}, check_permissions=False)
        assert refused.ephemeral and refused.content == "This command needs the Manage Server permission."
        usage = await fake_discord.slash(fake_discord.user("alice"), fake_discord.channel("general"), "usage", {},
                                         check_permissions=False)
        assert (await usage.reply()).content == "This command needs the Manage Server permission."
        assert (await h.services.guild_settings.get(fake_discord.guild_id)).daily_tokens == 200_000


async def test_budget_exhaustion_switches_to_extractive_and_usage_matches_the_server(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer, fake_openai: FakeOpenAI) -> None:
    general = fake_discord.channel("general")
    async with launch_bot(openai_base_url=fake_openai.base_url, openai_api_key="k", llm_model="fake-model") as h:
        gid = fake_discord.guild_id
        await h.services.guild_settings.update(gid, None, daily_tokens=1_500, cooldown_seconds=0)
        footers = []
        since = None
        for page in PAGES:
            await fake_discord.post(general, fake_discord.user("alice"), article_server.url(page))
            reply = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id,
                                                        **({"since": since} if since else {}))
            since = reply
            footers.append(reply["embeds"][0]["footer"]["text"])
        llm_calls = len(fake_openai.calls(CHAT))
        assert footers[0].startswith("AI summary (fake-model)")
        switched = next(i for i, f in enumerate(footers) if f.startswith("built-in"))
        assert llm_calls == switched                                   # no LLM call once the budget was spent
        assert "budget for this server is spent" in footers[switched]  # said once a day...
        assert all("budget" not in f for f in footers[switched + 1:])  # ...not on every reply

        usage = await fake_discord.slash(fake_discord.user("mona"), general, "usage", {"period": "24h"})
        text = (await usage.reply()).embeds[0]
        sent = sum(u["total_tokens"] for u in fake_openai.usage_sent)
        assert f"**{sent:,}** tokens in **{llm_calls}** calls" in text["description"]
        assert f"summary: {sent:,} tokens, {llm_calls} calls" in text["fields"][0]["value"]


async def test_cooldown_tells_the_member_when_to_ask_again(launch_bot: Any, fake_discord: FakeDiscord,
                                                           article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake_discord.guild_id, None, cooldown_seconds=600)
        url = article_server.url(PAGES[0])
        first = await fake_discord.slash(fake_discord.user("bob"), general, "ask", {"question": "Who is Teresa Vann?",
                                                                                   "url": url})
        assert (await first.reply()).embeds
        second = await fake_discord.slash(fake_discord.user("bob"), general, "ask", {"question": "And the cost?",
                                                                                    "url": url})
        reply = await second.reply()
        assert reply.ephemeral and reply.content.startswith("You can ask again in ")
        other = await fake_discord.slash(fake_discord.user("alice"), general, "ask", {"question": "Who is Vann?",
                                                                                     "url": url})
        assert (await other.reply()).embeds                  # cooldowns are per member
