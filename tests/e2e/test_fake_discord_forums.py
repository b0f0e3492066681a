"""Forum channels on the Discord stand-in, through the real discord.py client: posts by members and by the
bot, replies in posts, tags, permissions inherited from the forum, and channel options of slash commands."""

from __future__ import annotations

import io
from typing import Any

import discord
import pytest

from bot.playground.fake_discord import FakeDiscord, FakeDiscordError, Overwrite, Perm
from tests.fakes.minibot import MiniBot


class ForumBot(MiniBot):
    """MiniBot plus two commands with channel options: one taking forums and threads, one text channels."""

    def __init__(self) -> None:
        super().__init__()

        @self.tree.command(name="where", description="Name a forum or a post")
        async def where(interaction: discord.Interaction, place: discord.ForumChannel | discord.Thread) -> None:
            kind = "forum" if isinstance(place, discord.ForumChannel) else f"post in {place.parent}"
            await interaction.response.send_message(f"{kind}: {place.name}")

        @self.tree.command(name="textonly", description="Name a text channel")
        async def textonly(interaction: discord.Interaction, place: discord.TextChannel) -> None:
            await interaction.response.send_message(place.name)


async def test_member_post_reaches_the_bot_and_the_bot_answers_in_it(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    forum_id = fake_discord.add_forum(fake_discord.guild_id, "help", tags=["question", "solved"], topic="Ask")
    bot = await run_discord_client(MiniBot())
    forum = bot.get_channel(forum_id)
    assert isinstance(forum, discord.ForumChannel) and forum in forum.guild.channels
    assert forum.guild.forums == [forum] and forum.topic == "Ask"
    assert [t.name for t in forum.available_tags] == ["question", "solved"]
    alice = fake_discord.user("alice")
    post = await fake_discord.forum_post(forum_id, alice, "How do I start?", "echo welcome", tags=["question"])
    thread_id = int(post["id"])
    assert post["type"] == 11 and post["parent_id"] == str(forum_id) and post["message"]["id"] == post["id"]
    assert fake_discord.thread("How do I start?") == thread_id
    created_at = await bot.inbox.first(lambda i: i[0] == "thread_create" and i[1].id == thread_id)
    starter_at = await bot.inbox.first(lambda i: i[0] == "message" and i[1].id == thread_id)
    assert bot.inbox.items.index(created_at) < bot.inbox.items.index(starter_at)  # THREAD_CREATE first
    thread, starter = created_at[1], starter_at[1]
    assert thread.parent == forum and thread.owner_id == alice and [t.name for t in thread.applied_tags] == ["question"]
    assert starter.channel == thread and starter.content == "echo welcome" and starter.author.id == alice
    reply = await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    assert reply["channel_id"] == str(thread_id) and reply["content"] == "welcome"
    assert reply["message_reference"]["message_id"] == str(thread_id)
    assert (await thread.fetch_message(thread_id)).content == "echo welcome"
    assert [m["id"] for m in fake_discord.messages(thread_id)] == [str(thread_id), reply["id"]]
    assert fake_discord.world.channels[forum_id].last_message_id == thread_id
    with pytest.raises(FakeDiscordError, match="is a forum"):
        await fake_discord.post(forum_id, alice, "forums hold posts, not messages")


async def test_bot_creates_a_post_with_tags_and_files(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    forum_id = fake_discord.add_forum(fake_discord.guild_id, "digests", tags=["weekly", "old"], require_tag=True)
    bot = await run_discord_client(MiniBot())
    forum = bot.get_channel(forum_id)
    assert isinstance(forum, discord.ForumChannel)
    weekly = forum.available_tags[0]
    made = await forum.create_thread(
        name="Week 12", content="This week in short", applied_tags=[weekly],
        file=discord.File(io.BytesIO(b"all of it"), "week.txt"),
    )
    assert made.thread.id == made.message.id and made.thread.parent_id == forum_id
    assert made.message.content == "This week in short" and made.thread.applied_tags == [weekly]
    assert fake_discord.files_of(made.message.id) == {"week.txt": b"all of it"}
    assert [m["content"] for m in fake_discord.messages(made.thread.id)] == ["This week in short"]
    created = await fake_discord.wait_for_event("thread")
    assert created.content == "Week 12" and created.channel_id == forum_id
    old = forum.available_tags[1]
    retagged = await made.thread.edit(applied_tags=[old])
    assert retagged.applied_tags == [old] and fake_discord.world.channels[made.thread.id].applied_tags == [old.id]
    with pytest.raises(discord.HTTPException) as no_tag:  # the forum requires a tag
        await forum.create_thread(name="Untagged", content="x")
    assert no_tag.value.status == 400 and no_tag.value.code == 40067
    with pytest.raises(discord.HTTPException) as no_message:
        await bot.http.request(
            discord.http.Route("POST", "/channels/{channel_id}/threads", channel_id=forum_id),
            json={"name": "no starter", "applied_tags": [str(weekly.id)]},
        )
    assert no_message.value.code == 50035 and "message" in no_message.value.text
    with pytest.raises(discord.HTTPException) as direct:
        await bot.http.request(
            discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=forum_id), json={"content": "x"}
        )
    assert direct.value.status == 400 and direct.value.code == 50008
    with pytest.raises(FakeDiscordError, match="40067"):
        await fake_discord.forum_post(forum_id, fake_discord.user("bob"), "Mine", "no tag either")


async def test_private_forum_posts_are_hidden_like_the_forum(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    gid = fake_discord.guild_id
    staff = fake_discord.add_forum(
        gid, "staff-notes",
        overwrites=[
            Overwrite(gid, 0, deny=int(Perm.VIEW_CHANNEL)),
            Overwrite(fake_discord.role("Moderator"), 0, allow=int(Perm.VIEW_CHANNEL)),
            Overwrite(fake_discord.role("Precis"), 0, allow=int(Perm.VIEW_CHANNEL)),
        ],
    )
    bot = await run_discord_client(MiniBot())
    alice, mona = fake_discord.user("alice"), fake_discord.user("mona")
    with pytest.raises(FakeDiscordError, match="VIEW_CHANNEL"):
        await fake_discord.forum_post(staff, alice, "Let me in", "hello")
    post = await fake_discord.forum_post(staff, mona, "Rota", "echo noted")
    thread_id = int(post["id"])
    assert (await fake_discord.wait_for_message(author_id=fake_discord.bot_id))["channel_id"] == str(thread_id)
    assert fake_discord.world.permissions(alice, thread_id) == 0
    thread = bot.get_channel(thread_id)
    assert isinstance(thread, discord.Thread)
    alice_member, mona_member = thread.guild.get_member(alice), thread.guild.get_member(mona)
    assert alice_member is not None and mona_member is not None
    assert not thread.permissions_for(alice_member).view_channel
    assert thread.permissions_for(mona_member).send_messages_in_threads
    with pytest.raises(FakeDiscordError, match="VIEW_CHANNEL"):
        await fake_discord.post(thread_id, alice, "can I write here?")


async def test_channel_options_take_forums_and_posts_when_allowed(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    forum_id = fake_discord.add_forum(fake_discord.guild_id, "ideas")
    bot = await run_discord_client(ForumBot())
    await bot.tree.sync()
    where = next(c for c in fake_discord.commands.synced(None) if c["name"] == "where")
    assert set(where["options"][0]["channel_types"]) == {10, 11, 12, 15, 16}
    alice, general = fake_discord.user("alice"), fake_discord.channel("general")
    post = await fake_discord.forum_post(forum_id, alice, "Dark mode", "please")
    on_forum = await fake_discord.slash(alice, general, "where", {"place": "ideas"})
    assert (await on_forum.reply()).content == "forum: ideas"
    on_post = await fake_discord.slash(alice, int(post["id"]), "where", {"place": int(post["id"])})
    assert (await on_post.reply()).content == "post in ideas: Dark mode"
    resolved = on_post.data["resolved"]["channels"][post["id"]]
    assert resolved["parent_id"] == str(forum_id) and "thread_metadata" in resolved and resolved["permissions"]
    with pytest.raises(FakeDiscordError, match="channel type 0"):
        await fake_discord.slash(alice, general, "where", {"place": "general"})
    with pytest.raises(FakeDiscordError, match="channel type 15"):
        await fake_discord.slash(alice, general, "textonly", {"place": "ideas"})
