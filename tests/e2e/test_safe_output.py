"""Hostile pages and a hostile model through the real bot: what reaches Discord carries no masked link but
the article's own, no markdown the page or the model wrote, and no link the model offered."""

from __future__ import annotations

import json
from typing import Any

from bot.playground.fake_discord import FakeDiscord
from tests.fakes.article_server import ArticleServer
from tests.fakes.fake_openai import FakeOpenAI, Reply
from tests.helpers.markdown import masked_links

HIJACK_TITLE = "Harbour refunds open](https://evil.example/x) ["
REFUND = "Refunds for cancelled ferry crossings open on Monday at the harbour office on Quay Street."
PARAGRAPHS = [
    REFUND,
    "Travellers can [claim your refund](https://evil.example/refund) said a notice pasted on the ticket "
    "machines, which the harbour authority says it did not write and has since removed.",
    "The authority cancelled forty crossings in November after a storm damaged the pier at Westhaven, and "
    "it says every ticket holder will be repaid in full within three weeks of asking.",
    "**Urgent** notices about refunds should be ignored, the authority warned, adding that it never asks "
    "for card numbers by message and that staff at the office can answer questions in person.",
    "The pier at Westhaven reopens in March once the new pontoon has been tested by the engineers who "
    "designed it, and the winter timetable stays in force until then.",
]


def hostile_page() -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head><title>{HIJACK_TITLE}</title></head><body><article><h1>{HIJACK_TITLE}</h1>"
            f"{body}</article></body></html>")


def shown_text(message: dict[str, Any]) -> list[str]:
    texts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        texts += [embed.get("title") or "", embed.get("description") or ""]
        texts += [f["value"] for f in embed.get("fields", [])]
    return texts


async def test_hostile_page_summary_and_answer_link_only_to_the_article(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer) -> None:
    general = fake_discord.channel("general")
    url = article_server.add("news/refunds.html", hostile_page())
    async with launch_bot():
        await fake_discord.post(general, fake_discord.user("alice"), url)
        summary = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        assert "Refunds for cancelled ferry crossings" in summary["embeds"][0]["description"]
        for text in shown_text(summary):
            assert masked_links(text) == [], text
            assert "**Urgent**" not in text
        assert summary["embeds"][0]["url"] == url

        handle = await fake_discord.slash(fake_discord.user("bob"), general, "ask",
                                          {"question": "How do I claim my refund for the ferry?", "url": url})
        answer = (await handle.reply()).embeds[0]
        assert [target for _, target in masked_links(answer["description"])] == [url], answer["description"]
        assert masked_links(answer["title"]) == []


async def test_links_and_markdown_from_the_model_never_reach_discord(
        launch_bot: Any, fake_discord: FakeDiscord, article_server: ArticleServer, fake_openai: FakeOpenAI) -> None:
    general = fake_discord.channel("general")
    url = article_server.add("news/refunds.html", hostile_page())
    fake_openai.script(Reply({
        "title": HIJACK_TITLE,
        "tldr": "Ferry refunds open Monday: [claim your refund](https://evil.example/refund) now.",
        "key_points": ["Visit https://evil.example/pay to be repaid.", "**Act now** at <https://evil.example/a>",
                       "The pier reopens in March (details: www.evil.example/pier)."],
    }))
    async with launch_bot(openai_base_url=fake_openai.base_url, openai_api_key="test-key", llm_model="fake-model"):
        await fake_discord.post(general, fake_discord.user("alice"), url)
        summary = await fake_discord.wait_for_message(channel_id=general, author_id=fake_discord.bot_id)
        embed = summary["embeds"][0]
        assert "AI summary (fake-model)" in embed["footer"]["text"]
        assert "Ferry refunds open Monday: claim your refund now." in embed["description"]
        for text in shown_text(summary):
            assert "evil.example" not in text and masked_links(text) == [], text
            assert "**Act now**" not in text

        fake_openai.script(Reply(json.dumps({
            "answerable": True, "citations": [1], "quotes": [REFUND],
            "answer": "Refunds open on Monday at the harbour office; see [the form](https://evil.example/f) "
                      "or https://evil.example/g.",
        })))
        handle = await fake_discord.slash(fake_discord.user("bob"), general, "ask",
                                          {"question": "When do refunds open?", "url": url})
        answer = (await handle.reply()).embeds[0]
        assert "Refunds open on Monday at the harbour office; see the form or" in answer["description"]
        assert "evil.example/f" not in answer["description"] and "evil.example/g" not in answer["description"]
        assert [target for _, target in masked_links(answer["description"])] == [url]
