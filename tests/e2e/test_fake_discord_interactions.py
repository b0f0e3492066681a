"""The fake Discord driven through the real discord.py 2.7 client: slash commands, deferrals, modals,
context menus, components and the transcript."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground.fake_discord import (
    FakeDiscord,
    FakeDiscordError,
    TranscriptEvent,
    Upload,
)
from tests.fakes.minibot import synced_bot


# ----- interactions
async def test_slash_commands_direct_and_ephemeral(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    await synced_bot(run_discord_client, fake_discord)
    synced = {c["name"] for c in fake_discord.commands.synced(None)}
    assert synced == {
        "ping",
        "secret",
        "slow",
        "feedback",
        "vote",
        "card",
        "perms",
        "admin",
        "Report to moderators",
        "Say hi",
    }
    general, alice = fake_discord.channel("general"), fake_discord.user("alice")
    pong = await fake_discord.slash(alice, general, "ping")
    answer = await pong.reply()
    assert (await pong.response()).type == 4 and answer.content == "pong" and not answer.ephemeral
    assert answer.message["interaction_metadata"]["user"]["id"] == str(alice)
    assert fake_discord.messages(general)[-1]["id"] == answer.message["id"]
    secret = await fake_discord.slash(alice, general, "secret", {"word": "hush"})
    whisper = await secret.reply()
    assert whisper.content == "psst hush" and whisper.ephemeral and whisper.flags & 64
    assert all(m["content"] != "psst hush" for m in fake_discord.messages(general))
    mona = fake_discord.user("mona")
    whois = await fake_discord.slash(mona, general, "admin whois", {"member": "bob", "where": "news"})
    assert (await whois.reply()).content == "Bob in news"
    with pytest.raises(FakeDiscordError, match="MANAGE_MESSAGES"):  # default_permissions hide it from alice
        await fake_discord.slash(alice, general, "admin whois", {"member": "bob"})
    for user, expected in ((alice, "manage_messages=False"), (mona, "manage_messages=True")):
        shown = await (await fake_discord.slash(user, general, "perms")).reply()
        assert shown.content == f"{expected} bot_embed_links=True"
    card = await (await fake_discord.slash(alice, general, "card")).reply()
    assert card.kind == "callback" and card.files == {"card.txt": b"CARD"}
    assert fake_discord.files_of(card.id) == {"card.txt": b"CARD"}
    with pytest.raises(FakeDiscordError, match="unknown option"):
        await fake_discord.slash(alice, general, "secret", {"word": "x", "volume": 3})
    with pytest.raises(FakeDiscordError, match="no command 'nope'"):
        await fake_discord.slash(alice, general, "nope")


async def test_deferred_then_followups(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    await synced_bot(run_discord_client, fake_discord)
    general = fake_discord.channel("general")
    handle = await fake_discord.slash(fake_discord.user("bob"), general, "slow", {"times": 2})
    assert (await handle.response()).type == 5
    first = await handle.reply()
    assert first.kind == "followup" and first.content == "done done"
    both = await handle.wait_for_messages(2)
    assert both[1].files == {"report.txt": b"report body"}
    assert both[0].id != both[1].id
    stored = [m for m in fake_discord.messages(general) if m.get("interaction_metadata")]
    assert [m["content"] for m in stored] == ["done done", "the report"]
    assert stored[0]["edited_timestamp"] is None and not stored[0]["flags"] & 128


async def test_modal_round_trip(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    await synced_bot(run_discord_client, fake_discord)
    handle = await fake_discord.slash(fake_discord.user("alice"), fake_discord.channel("general"), "feedback")
    modal = await handle.response()
    assert modal.type == 9 and modal.data["title"] == "Feedback"
    with pytest.raises(FakeDiscordError, match="required"):
        await handle.submit_modal({"topic": "Tea"})
    submitted = await handle.submit_modal({"topic": "Tea", "details": "More of it."})
    thanks = await submitted.reply()
    assert thanks.content == "thanks: Tea / More of it." and thanks.ephemeral


async def test_message_context_menu_report(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    await synced_bot(run_discord_client, fake_discord)
    general, bob = fake_discord.channel("general"), fake_discord.user("bob")
    rude = await fake_discord.post(general, bob, "something rude")
    handle = await fake_discord.message_command(
        fake_discord.user("alice"), general, "Report to moderators", int(rude["id"])
    )
    ack = await handle.reply()
    assert ack.content == "Reported." and ack.ephemeral
    report = await fake_discord.wait_for_message(channel_id=fake_discord.channel("mod-log"))
    assert report["content"] == "Report by alice: something rude"
    greeting = await fake_discord.user_command(fake_discord.user("alice"), general, "Say hi", bob)
    assert (await greeting.reply()).content == "hi Bob"


async def test_button_click_updates_the_message(fake_discord: FakeDiscord, run_discord_client: Any) -> None:
    await synced_bot(run_discord_client, fake_discord)
    alice = fake_discord.user("alice")
    asked = await (await fake_discord.slash(alice, fake_discord.channel("general"), "vote")).reply()
    clicked = await fake_discord.click(alice, asked.id, "vote-yes")
    update = await clicked.reply()
    assert (await clicked.response()).type == 7 and update.kind == "update"
    after = fake_discord.message(asked.id)
    assert after["content"] == "Voted yes" and after["components"] == []


async def test_transcript_listener_sees_both_sides(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    await synced_bot(run_discord_client, fake_discord)
    events: list[TranscriptEvent] = []
    fake_discord.add_listener(events.append)
    alice, general = fake_discord.user("alice"), fake_discord.channel("general")
    await fake_discord.post(general, alice, "echo hello", attachments=[Upload("a.png", b"\x89PNG")])
    await fake_discord.wait_for_message(author_id=fake_discord.bot_id)
    await (await fake_discord.slash(alice, general, "secret", {"word": "psst"})).reply()
    assert [(e.kind, e.channel, e.author, e.content, e.ephemeral) for e in events] == [
        ("message", "general", "Alice", "echo hello", False),
        ("message", "general", "Precis", "hello", False),
        ("interaction", "general", "Alice", "/secret word: psst", False),
        ("interaction_reply", "general", "Precis", "psst psst", True),
    ]
    assert events[0].attachments == ["a.png"] and events[1].reply_to == events[0].message_id
