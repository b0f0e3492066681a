"""/catchup on the Discord stand-in: topics with members and jump links, links with their summaries'
TL;DRs, questions asked of the bot; windows (last message, period, message link); what the member may
not read (a private channel, a private thread) and what opted-out members wrote never shows; threads
and forum posts; the log off or empty; the cooldown; the LLM digest in parts within its context."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from bot.llm import prompts
from bot.playground.fake_discord import FakeDiscord
from bot.store.location import jump_url
from tests.fakes.article_server import ArticleServer
from tests.helpers.paths import ROOT
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)

PAGE = "pages/ledger-council-budget.html"


def link(fake: FakeDiscord, channel: int, message: dict[str, Any]) -> str:
    return jump_url(fake.guild_id, channel, int(message["id"]))


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def everything(embed: dict[str, Any]) -> str:
    parts = [embed.get("title", ""), embed.get("description", ""), (embed.get("footer") or {}).get("text", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def catchup(fake: FakeDiscord, user: str, where: int, **options: Any) -> Any:
    """`user` runs /catchup in channel `where` with `options` (channel=..., since=...)."""
    handle = await fake.slash(fake.user(user), where, "catchup", options)
    return await handle.reply()


async def test_catchup_groups_topics_with_members_and_jump_links_since_my_last_message(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    fake = fake_discord
    general = fake.channel("general")
    alice, bob, mona, olivia = (fake.user(n) for n in ("alice", "bob", "mona", "olivia"))
    async with launch_bot() as h:
        old = await fake.post(general, bob, "an old remark about the lighthouse keeper's cottage repairs")
        await fake.post(general, alice, "off to work, talk later")
        ferry = [await fake.post(general, bob, "The ferry timetable changes on Monday and the early boat is cancelled"),
                 await fake.post(general, mona, "Ferry timetable: the harbour office confirmed the Monday change"),
                 await fake.post(general, olivia, "So no early ferry on Monday? That timetable change hurts commuters")]
        await fake.post(general, bob, "yes", reply_to=int(ferry[2]["id"]))
        library = [await fake.post(general, mona, "The council votes on the library budget next week"),
                   await fake.post(general, olivia, "Library budget vote: the council wants to cut opening hours"),
                   await fake.post(general, bob, "Cutting library opening hours to balance the council budget is sad")]
        shared = await fake.post(general, mona, f"background on the budget {article_server.url(PAGE)}")
        await fake.wait_for_message(channel_id=general, author_id=fake.bot_id)       # the auto-summary
        await h.settle()    # ... and its record, which /ask looks up, is stored once the post is sent
        asked = await fake.slash(bob, general, "ask", {"question": "What does the council budget cut?"})
        await asked.reply()
        await fake.post(general, olivia, "!play harbour sea shanties")
        await fake.post(general, olivia, f"<@{bob}> <@{mona}>")
        await h.settle()

        reply = await catchup(fake, "alice", general)
        assert reply.ephemeral
        [embed] = reply.embeds
        text = everything(embed)
        named = fields(embed)
        ferry_topic = next(v for k, v in named.items() if "ferry" in k.lower() or "timetable" in k.lower())
        library_topic = next(v for k, v in named.items() if "library" in k.lower() or "budget" in k.lower())
        assert link(fake, general, ferry[0]) in ferry_topic                    # where the topic started
        assert all(f"<@{m}>" in ferry_topic for m in (bob, mona, olivia))
        assert link(fake, general, library[0]) in library_topic and f"<@{alice}>" not in library_topic
        # Before my last message, commands and mention-only lines are not what was discussed.
        assert "lighthouse" not in text and link(fake, general, old) not in text
        assert "shanties" not in text and "!play" not in text
        links_field = named["Links shared"]
        tldr = (await h.services.db.fetchone("SELECT tldr FROM summaries"))["tldr"]
        assert article_server.url(PAGE) in links_field and link(fake, general, shared) in links_field
        assert tldr[:40].replace("*", "") in links_field.replace("\\", "")
        assert "What does the council budget cut?" in named["Questions asked of Precis"]
        assert "built-in digest" in embed["footer"]["text"]


async def test_a_hidden_channel_or_private_thread_reveals_nothing(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, mod_log = fake.channel("general"), fake.channel("mod-log")
    mona, bob = fake.user("mona"), fake.user("bob")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake.guild_id, None, cooldown_seconds=0)
        secret = await fake.post(mod_log, mona, "Moderators agree: the ferry spammer gets banned on Friday")
        await fake.post(mod_log, mona, "Ferry spammer ban on Friday, confirmed by the whole moderator team")
        private = await fake.threads.create(fake.world.channel(general), "mona's private notes", owner_id=mona,
                                            type=12)
        hidden = await fake.post(private.id, mona, "Private thread: the harbour festival budget is secretly doubled")
        await fake.post(general, bob, "The harbour festival needs more volunteers this year")
        await fake.post(general, mona, "Harbour festival volunteers can sign up at the library desk")
        await h.settle()

        refused = [await catchup(fake, "alice", general, channel=mod_log),
                   await catchup(fake, "alice", general, since=link(fake, mod_log, secret)),
                   await catchup(fake, "alice", general, channel=private.id),
                   await catchup(fake, "alice", general, since=link(fake, private.id, hidden))]
        for reply in refused:
            assert reply.ephemeral and reply.content == "I can only catch you up on channels and threads you can read."
            assert reply.embeds == []
        mine = everything((await catchup(fake, "alice", general, since="1h")).embeds[0])
        assert "festival" in mine.lower() and "secretly" not in mine and str(private.id) not in mine
        assert "spammer" not in mine and str(mod_log) not in mine
        # Those who may read them get them: a moderator in #mod-log, the thread's owner in #general.
        mods = everything((await catchup(fake, "mona", general, channel=mod_log, since="1h")).embeds[0])
        assert "spammer" in mods.lower()
        owner = everything((await catchup(fake, "mona", general, since="1h")).embeds[0])
        assert "secretly" in owner and link(fake, private.id, hidden) in owner


async def test_opted_out_members_words_never_appear(launch_bot: Any, fake_discord: FakeDiscord,
                                                    article_server: ArticleServer) -> None:
    fake = fake_discord
    general = fake.channel("general")
    bob, mona = fake.user("bob"), fake.user("mona")
    async with launch_bot() as h:
        before = await fake.post(general, bob, "Bob thinks the ferry timetable change is a secret council plot")
        await (await fake.slash(bob, general, "privacy optout")).reply()
        after = await fake.post(general, bob, f"Bob again on the ferry timetable plot {article_server.url(PAGE)}")
        asked = await fake.slash(bob, general, "ask", {"question": "Is the ferry timetable part of the budget?",
                                                       "url": article_server.url(PAGE)})
        await asked.reply()
        await fake.post(general, mona, "The ferry timetable change starts Monday, says the harbour office")
        await fake.post(general, mona, "Ferry timetable: Monday's first boat now leaves at seven")
        await h.settle()
        reply = await catchup(fake, "alice", general, since="1h")
        text = everything(reply.embeds[0])
        assert "Monday" in text and f"<@{mona}>" in text
        assert "plot" not in text and "Is the ferry timetable" not in text and f"<@{bob}>" not in text
        assert article_server.url(PAGE) not in text
        assert str(before["id"]) not in text and str(after["id"]) not in text


async def test_threads_and_forum_posts_are_topics_and_can_be_caught_up_alone(
        launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    forum = fake.add_forum(fake.guild_id, "help-desk", tags=["question"])
    general = fake.channel("general")
    bob, mona, olivia = fake.user("bob"), fake.user("mona"), fake.user("olivia")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake.guild_id, None, cooldown_seconds=0)
        thread = int((await fake.create_thread(general, "Lighthouse tours", owner_id=bob))["id"])
        in_thread = [await fake.post(thread, bob, "Lighthouse tours start again in May with a new guide"),
                     await fake.post(thread, mona, "The lighthouse guide also runs the museum tours")]
        await fake.post(general, olivia, "Market day moved to Saturday because of the storm warning")
        await fake.post(general, mona, "Saturday market day: the storm warning was lifted for the harbour")
        post = await fake.forum_post(forum, bob, "Ferry pass refund?", "How do I get a refund for my ferry pass?")
        await fake.post(int(post["id"]), mona, "Ferry pass refunds go through the harbour office counter")
        await h.settle()

        whole = (await catchup(fake, "alice", general, since="1h")).embeds[0]
        tours = next(v for k, v in fields(whole).items() if k.startswith("Lighthouse tours"))
        assert link(fake, thread, in_thread[0]) in tours and "museum" in everything(whole)
        assert any("market" in k.lower() or "storm" in k.lower() or "saturday" in k.lower() for k in fields(whole))

        alone = everything((await catchup(fake, "alice", thread, since="1h")).embeds[0])   # run in the thread
        assert "Lighthouse" in alone and "market" not in alone.lower()

        forum_view = (await catchup(fake, "alice", general, channel=forum, since="1h")).embeds[0]
        refund = next(v for k, v in fields(forum_view).items() if k.startswith("Ferry pass refund?"))
        assert link(fake, int(post["id"]), post["message"]) in refund and "Lighthouse" not in everything(forum_view)
        one_post = everything((await catchup(fake, "alice", general, channel=int(post["id"]), since="1h")).embeds[0])
        assert "harbour office counter" in one_post
        in_post = everything((await catchup(fake, "alice", int(post["id"]), since="1h")).embeds[0])   # run there
        assert "#Ferry pass refund?" in in_post and "harbour office counter" in in_post and "Lighthouse" not in in_post


async def test_windows_the_log_off_and_nothing_logged_are_said_plainly(launch_bot: Any,
                                                                      fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, news = fake.channel("general"), fake.channel("news")
    bob, mona = fake.user("bob"), fake.user("mona")
    async with launch_bot() as h:
        await h.services.guild_settings.update(fake.guild_id, None, cooldown_seconds=0)
        first = await fake.post(general, bob, "The bakery competition judges arrive on Sunday morning")
        await fake.post(general, mona, "Bakery competition: sourdough entries close on Saturday")
        mark = await fake.post(general, bob, "Switching topics now")
        await fake.post(general, mona, "Tram line repairs close the bridge on Thursday night")
        await fake.post(general, bob, "Bridge closure for tram repairs means buses replace the tram")
        await h.settle()

        after = everything((await catchup(fake, "alice", news, since=link(fake, general, mark))).embeds[0])
        assert "#general" in after and "tram" in after.lower() and "bakery" not in after.lower()
        recent = everything((await catchup(fake, "alice", general, since="1h")).embeds[0])
        assert "bakery" in recent.lower() and link(fake, general, first) in recent
        nothing = await catchup(fake, "alice", news)
        assert nothing.content == "Nothing was logged in #news in the last 24h (you haven't posted here)."
        bad = await catchup(fake, "alice", general, since="lately")
        assert bad.ephemeral and "neither a period like 6h or 2d nor a message link" in bad.content

        await h.services.guild_settings.update(fake.guild_id, None, log_excluded_channels=[general])
        assert (await catchup(fake, "alice", general)).content.startswith("This channel is left out of the")
        await h.services.guild_settings.update(fake.guild_id, None, log_enabled=False)
        assert (await catchup(fake, "alice", general)).content.startswith("The conversation log is off")


async def test_catchup_has_a_cooldown_per_member(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with launch_bot() as h:
        await fake.post(general, fake.user("bob"), "The ferry timetable changes on Monday morning")
        await h.settle()
        assert (await catchup(fake, "alice", general)).embeds
        again = await catchup(fake, "alice", general)
        assert again.ephemeral and again.content.startswith("You can catch up again in ")
        assert (await catchup(fake, "bob", general, since="1h")).embeds    # another member is not slowed


SUBJECTS = {
    "ferry": "ferry timetable harbour boat crossing pier captain departure",
    "library": "library budget council vote opening hours books reading",
    "storm": "storm warning coast wind rain flood gusts shelter",
    "bakery": "bakery contest sourdough bread flour oven judges crust",
    "tram": "tram repairs bridge closure rails buses detour night",
}


async def test_the_llm_words_topics_in_parts_within_its_context_and_the_budget_applies(
        launch_bot: Any, fake_discord: FakeDiscord, fake_openai: Any) -> None:
    fake = fake_discord
    general = fake.channel("general")
    people = [fake.user(n) for n in ("bob", "mona", "olivia")]
    async with launch_bot(openai_base_url=fake_openai.base_url, openai_api_key="k", llm_context_tokens=2000) as h:
        await h.services.guild_settings.update(fake.guild_id, None, cooldown_seconds=0)
        for subject, vocabulary in SUBJECTS.items():
            words = vocabulary.split()
            for i in range(4):   # long messages: five topics cannot share one request of 2,000 tokens
                text = " ".join(words[(i + k) % len(words)] for k in range(80))
                await fake.post(general, people[i % 3], f"About the {subject}: {text}")
        await h.settle()

        embed = (await catchup(fake, "alice", general, since="1h")).embeds[0]
        assert embed["footer"]["text"].endswith("AI digest (gpt-4o-mini)")
        titles = [name for name in fields(embed) if name.startswith("Talk of About the")]
        assert len(titles) == 5
        calls = [c for c in fake_openai.calls("/v1/chat/completions")
                 if prompts.TASK_CATCHUP in c.text("system")]
        assert len(calls) >= 2                                  # in parts...
        for call in calls:                                      # ...each within the context
            assert prompts.estimate_prompt_tokens(call.messages) + call.json["max_tokens"] <= 2000
        spent = await h.services.db.fetchone("SELECT sum(calls) FROM llm_usage WHERE feature = 'catchup'")
        assert spent[0] == len(calls)

        await h.services.guild_settings.update(fake.guild_id, None, daily_tokens=0)
        spent_out = (await catchup(fake, "alice", general, since="1h")).embeds[0]
        assert spent_out["footer"]["text"].endswith("built-in digest") and "AI budget" in spent_out["description"]
        assert len([c for c in fake_openai.calls("/v1/chat/completions")
                    if prompts.TASK_CATCHUP in c.text("system")]) == len(calls)


async def precis_catchup(database: Path | str, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """`precis catchup` on the bot's store (a SQLite file or a PostgreSQL URL)."""
    where = {"DATABASE_URL": database} if isinstance(database, str) else {"DATABASE_PATH": str(database)}
    env = {**os.environ, **where, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    env.pop("DISCORD_TOKEN", None)
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "catchup", *args, cwd=tmp_path,
                                                   env=env, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_precis_catchup_prints_the_same_digest_as_json_or_markdown(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer, tmp_path: Path) -> None:
    fake = fake_discord
    general = fake.channel("general")
    bob, mona, olivia = fake.user("bob"), fake.user("mona"), fake.user("olivia")
    async with launch_bot() as h:
        ferry = [await fake.post(general, bob, "The ferry timetable changes on Monday and the early boat is cancelled"),
                 await fake.post(general, mona, "Ferry timetable: the harbour office confirmed the Monday change")]
        shared = await fake.post(general, olivia, f"the budget story {article_server.url(PAGE)}")
        await fake.wait_for_message(channel_id=general, author_id=fake.bot_id)
        thread = int((await fake.create_thread(general, "Lighthouse tours", owner_id=bob))["id"])
        await fake.post(thread, bob, "Lighthouse tours start again in May with a new guide")
        await h.settle()
        database = h.settings.database

        code, out, err = await precis_catchup(database, tmp_path, "--guild", str(fake.guild_id),
                                              "--channel", str(general), "--since", "6h", "--json")
        assert code == 0, err
        data = json.loads(out)
        assert list(data) == ["channel", "since", "until", "topics", "links", "provider"]
        assert data["channel"] == str(general) and data["provider"] == "extractive"
        assert data["since"].endswith("Z") and data["until"] > data["since"]
        assert all(list(t) == ["title", "summary", "members", "messages"] for t in data["topics"])
        ferry_topic = next(t for t in data["topics"] if "ferry" in t["title"].lower())
        assert ferry_topic["members"] == [str(bob), str(mona)]      # most active first, then first to speak
        assert link(fake, general, ferry[0]) in ferry_topic["messages"]
        assert any(t["title"] == "Lighthouse tours" for t in data["topics"])      # its threads too
        [shared_link] = data["links"]
        assert shared_link["url"] == article_server.url(PAGE) and shared_link["message"] == link(fake, general, shared)
        assert shared_link["shared_by"] == str(olivia) and shared_link["tldr"]

        code, out, err = await precis_catchup(database, tmp_path, "--guild", str(fake.guild_id),
                                              "--channel", str(thread))
        assert code == 0, err
        assert out.startswith(f"# Catch-up: channel {thread}\n") and "Lighthouse" in out and "ferry" not in out

        code, _, err = await precis_catchup(database, tmp_path, "--guild", str(fake.guild_id),
                                            "--channel", str(general), "--since", "lately")
        assert code == 1 and "--since" in err and len(err.strip().splitlines()) == 1
        await h.services.guild_settings.update(fake.guild_id, None, log_enabled=False)
    code, _, err = await precis_catchup(database, tmp_path, "--guild", str(fake.guild_id), "--channel", str(general))
    assert code == 1 and err.strip() == "precis: The conversation log is off on this server, so I have nothing to " \
                                        "catch you up on."
