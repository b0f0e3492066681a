"""Limits on automatic summaries: per member and per channel (set with /config summaries, shown by /config
show), with one polite line when a limit is reached and silence after it; and per host, so query-string
variants of one page cannot multiply fetches."""

from __future__ import annotations

from typing import Any

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.article_server import ArticleServer
from tests.helpers.stores import launch_bot_on_both_stores  # noqa: F401  (each test on both stores)

PAGES = ["ledger-council-budget", "metro-bike-counters", "valley-orchard-coop", "courier-ferry-returns",
         "coastline-bakery-award", "gazette-meteorite-museum", "tribune-fire-tanker-tables"]


def from_bot(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m["author"]["id"] == str(fake.bot_id)]


def kinds(messages: list[dict[str, Any]]) -> list[str]:
    return ["summary" if m["embeds"] else m["content"] for m in messages]


async def test_member_and_channel_limits_say_so_once_then_stay_quiet(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    fake = fake_discord
    general = fake.channel("general")
    url = {name: article_server.url(f"pages/{name}.html") for name in PAGES}
    async with launch_bot() as h:
        handle = await fake.slash(fake.user("mona"), general, "config summaries",
                                  {"per_member": 2, "per_channel": 3, "period_minutes": 60})
        assert (await handle.reply()).content.startswith("Updated")
        show = await (await fake.slash(fake.user("mona"), general, "config show", {})).reply()
        summaries = {f["name"]: f["value"] for f in show.embeds[0]["fields"]}["Summaries"]
        assert "at most **2** per member and **3** per channel every **60 min**" in summaries

        alice = fake.user("alice")
        await fake.post(general, alice, " ".join(url[n] for n in PAGES[:3]))   # three links, two allowed
        await h.settle()
        member_line = ("That's a lot of links in a short time: I'll summarise more for you in about 30 min "
                       "(`/summarize` still works).")
        assert kinds(from_bot(fake, general)) == ["summary", "summary", member_line]
        await fake.post(general, alice, url[PAGES[3]])                          # limited again: silence
        await h.settle()
        assert len(from_bot(fake, general)) == 3

        await fake.post(general, fake.user("bob"), url[PAGES[4]])              # the channel's third
        await h.settle()
        await fake.post(general, fake.user("mona"), url[PAGES[5]])             # the channel is full
        await h.settle()
        await fake.post(general, fake.user("olivia"), url[PAGES[6]])           # ...and quiet about it
        await h.settle()
        channel_line = ("Lots of links here lately: I'm pausing automatic summaries in this channel for about "
                        "20 min (`/summarize` still works).")
        assert kinds(from_bot(fake, general)) == ["summary", "summary", member_line, "summary", channel_line]
        assert [article_server.hits(f"/pages/{n}.html") for n in PAGES] == [1, 1, 0, 0, 1, 0, 0]

        news = fake.channel("news")                                             # other channels are not held up
        await fake.post(news, fake.user("bob"), url[PAGES[6]])
        reply = await fake.wait_for_message(channel_id=news, author_id=fake.bot_id)
        assert reply["embeds"]


async def test_query_string_variants_of_one_page_are_fetched_within_the_host_limit(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    fake = fake_discord
    general = fake.channel("general")
    page = "/pages/ledger-council-budget.html"
    variant = [article_server.url(f"{page}?page={i}") for i in range(6)]
    async with launch_bot(fetch_per_host_per_minute=2) as h:
        await h.services.guild_settings.update(fake.guild_id, None, summary_member_limit=0, summary_channel_limit=0)
        await fake.post(general, fake.user("alice"), " ".join(variant[:3]))
        await h.settle()
        host_line = "I've read many pages from 127.0.0.1 in the last minute; try this one again in about 1 min."
        assert kinds(from_bot(fake, general)) == ["summary", "summary", host_line]
        await fake.post(general, fake.user("bob"), " ".join(variant[3:6]))    # one line for the whole message
        await h.settle()
        await fake.post(general, fake.user("mona"), variant[1])                # cached: costs no fetch
        await h.settle()
        assert kinds(from_bot(fake, general)) == ["summary", "summary", host_line, host_line, "summary"]
    assert article_server.hits(page) == 2
