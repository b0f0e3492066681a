"""Catch-ups rendered for Discord (always within its limits), for the terminal and as JSON."""

from __future__ import annotations

from bot.catchup.model import BotQuestion, Catchup, CatchupTopic, SharedLink
from bot.catchup.render import embed_parts, empty_text, render_json, render_markdown
from bot.catchup.window import Window
from bot.store.location import Location

URL = "https://discord.com/channels/1/10/"


def big() -> Catchup:
    window = Window(1, Location(10), 1_790_000_000_000, 1_790_003_600_000, "period", "1h")
    topics = [CatchupTopic(title="Ferry *timetable* " * 30, summary="alice: “" + "word " * 600 + "”",
                           members=list(range(100, 120)), messages=[f"{URL}{900 + i}" for i in range(3)],
                           count=40) for _ in range(5)]
    links = [SharedLink(url=f"https://news.example/{i}", shared_by=100, message=f"{URL}{i}",
                        title="A long title " * 20, tldr="A long TL;DR " * 40, summary=f"{URL}{i + 1}")
             for i in range(10)]
    questions = [BotQuestion(100 + i, "How long is it? " * 30, "Very long. " * 50, True) for i in range(10)]
    return Catchup(window, logged=300, readable=250, topics=topics, other_messages=50, links=links,
                   questions=questions, names={100: "alice"})


def test_embed_parts_stay_within_discord_limits_and_keep_jump_links_whole() -> None:
    parts = embed_parts(big(), "#general")
    total = len(parts.title) + len(parts.description) + len(parts.footer)
    total += sum(len(n) + len(v) for n, v in parts.fields)
    assert total <= 6000 and len(parts.fields) <= 25 and len(parts.title) <= 256
    assert all(len(name) <= 256 and 0 < len(value) <= 1024 for name, value in parts.fields)
    topic = parts.fields[0][1]
    assert topic.endswith(f"[3]({URL}902)") and "<@100>" in topic and "+15" in topic
    assert "\\*timetable\\*" in parts.fields[0][0]          # members' words are escaped
    assert parts.footer == "50 more messages in no topic above · built-in digest"


def test_empty_and_json_and_markdown() -> None:
    window = Window(1, Location(10, 20), 0, 3_600_000, "last_message")
    assert empty_text(Catchup(window), "#x") == "Nothing was logged in #x since your last message."
    only_noise = Catchup(window, logged=4)
    assert "4 messages" in (empty_text(only_noise, "#x") or "")
    catchup = big()
    data = render_json(catchup)
    assert list(data) == ["channel", "since", "until", "topics", "links", "provider"]
    assert data["channel"] == "10" and data["since"] == "2026-09-21T14:13:20Z"
    assert data["topics"][0]["members"][0] == "100" and data["links"][0]["shared_by"] == "100"
    text = render_markdown(catchup, "channel 10")
    assert text.startswith("# Catch-up: channel 10\n") and "Members: alice, 101" in text
    assert "## Links shared" in text and "## Questions asked of the bot" in text
    assert render_json(Catchup(window))["channel"] == "20"     # a thread's catch-up names the thread
