"""Forum channels and their posts (and threads) everywhere: a post whose starter message has a link is
summarised in the post; /config summaries and logging take forums; /logs search and export take forums,
threads and posts; /modreport takes a forum."""

from __future__ import annotations

import json
from typing import Any

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.article_server import ArticleServer
from tests.helpers.log import log_rows

PAGE = "pages/ledger-council-budget.html"


async def command_reply(fake: FakeDiscord, user: str, channel: int, command: str, options: dict[str, Any]) -> Any:
    return await (await fake.slash(fake.user(user), channel, command, options)).reply()


async def test_a_forum_post_with_a_link_is_summarised_in_the_post_and_config_takes_forums(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    fake = fake_discord
    forum = fake.add_forum(fake.guild_id, "articles", tags=["news"])
    general = fake.channel("general")
    async with launch_bot() as h:
        only = await command_reply(fake, "olivia", general, "config summaries", {"only_in": forum})
        assert only.content == f"Updated summaries only in: every channel → <#{forum}>"
        assert (await h.services.guild_settings.get(fake.guild_id)).summary_channels == [forum]
        await fake.post(general, fake.user("alice"), f"not here {article_server.url(PAGE)}")
        post = await fake.forum_post(forum, fake.user("bob"), "Library vote", f"Read this {article_server.url(PAGE)}",
                                     tags=["news"])
        reply = await fake.wait_for_message(channel_id=int(post["id"]), author_id=fake.bot_id)
        assert reply["message_reference"]["message_id"] == post["message"]["id"]
        assert reply["embeds"][0]["url"] == article_server.url(PAGE)
        await h.settle()
        assert [m for m in fake.messages(general) if m["author"]["id"] == str(fake.bot_id)] == []
        stored = await h.services.db.fetchone("SELECT channel_id, thread_id FROM summary_posts")
        assert (stored["channel_id"], stored["thread_id"]) == (forum, int(post["id"]))
        # A reply to that summary in the post is a question about the article, as anywhere else.
        await fake.post(int(post["id"]), fake.user("mona"), "How much will the expansion cost?",
                        reply_to=int(reply["id"]))
        answer = await fake.wait_for_message(channel_id=int(post["id"]), author_id=fake.bot_id, since=reply)
        assert "$3.8 million" in answer["embeds"][0]["description"]


async def test_logs_and_reports_take_forums_threads_and_posts(launch_bot: Any, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    forum = fake.add_forum(fake.guild_id, "help-desk")
    general = fake.channel("general")
    bob, mona = fake.user("bob"), fake.user("mona")
    async with launch_bot() as h:
        first = await fake.forum_post(forum, bob, "Ferry pass refund", "How do I get a ferry refund?")
        second = await fake.forum_post(forum, mona, "Lost ferry ticket", "I lost my ferry ticket on the pier")
        await fake.post(int(first["id"]), mona, "Ferry refunds are handled at the harbour office")
        thread = int((await fake.create_thread(general, "ferry chat", owner_id=bob))["id"])
        await fake.post(thread, bob, "the ferry was late again")
        await fake.post(general, bob, "ferry timetable posted in general")
        await h.settle()

        in_forum = (await command_reply(fake, "mona", general, "logs search",
                                        {"query": "ferry", "channel": forum})).embeds[0]["description"]
        assert str(first["id"]) in in_forum and str(second["id"]) in in_forum and "timetable" not in in_forum
        in_post = (await command_reply(fake, "mona", general, "logs search",
                                       {"query": "ferry", "channel": int(first["id"])})).embeds[0]["description"]
        assert "harbour office" in in_post and "lost my ferry ticket" not in in_post
        in_thread = (await command_reply(fake, "mona", general, "logs search",
                                         {"query": "ferry", "channel": thread})).embeds[0]["description"]
        assert "late again" in in_thread and "timetable" not in in_thread

        exported = await command_reply(fake, "mona", general, "logs export", {"channel": int(first["id"])})
        [(name, data)] = exported.files.items()
        rows = [json.loads(line) for line in data.decode("utf-8").splitlines()]
        assert name == "log-Ferry-pass-refund.jsonl"
        assert {r["content"] for r in rows} == {"How do I get a ferry refund?",
                                                "Ferry refunds are handled at the harbour office"}
        assert all(r["channel_id"] == str(forum) and r["thread_id"] == first["id"] for r in rows)

        report = await command_reply(fake, "mona", general, "modreport", {"period": "24h", "channel": forum})
        assert {f["name"]: f["value"] for f in report.embeds[0]["fields"]}["Messages"] == "3"

        excluded = await command_reply(fake, "olivia", general, "config logging", {"exclude": forum})
        assert excluded.content == f"Updated channels not logged: none → <#{forum}>"
        unlogged = await fake.forum_post(forum, bob, "Not logged", "this post is not logged")
        await h.settle()
        assert await log_rows(h, "thread_id = ?", int(unlogged["id"])) == []
