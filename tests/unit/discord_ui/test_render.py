"""Embeds stay within Discord's limits, cut at word boundaries with a visible marker."""

from __future__ import annotations

from bot.articles.model import Article
from bot.discord_ui.render import answer_embed, summary_embed, summary_text
from bot.llm.base import Answer, Quote, Summary

LONG = " ".join(f"word{i}" for i in range(3_000))


def test_summary_embed_respects_every_limit() -> None:
    article = Article(url="https://news.example/a", text=LONG, title=LONG, site=LONG, author=LONG)
    summary = Summary(title=LONG, tldr=LONG, key_points=[LONG] * 5, provider="llm", model="m", note=LONG)
    embed = summary_embed(article, summary, notice=LONG)
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.author.name or "") <= 256 and len(embed.footer.text or "") <= 2048
    assert len(embed) <= 6000
    assert (embed.title or "").endswith("…")
    assert len(summary_text(article, summary)) <= 2000


def test_answer_embed_shows_an_extractive_answer_once_as_its_quote() -> None:
    text = "The ferry runs every forty minutes."
    article = Article(url="https://news.example/b", text=f"Intro. {text}", title="Ferries")
    answer = Answer(text=text, quotes=[Quote(text, 7, 7 + len(text))], answerable=True, confidence=0.8,
                    provider="extractive")
    description = answer_embed(article, "How often?", answer).description or ""
    assert description.count(text) == 1 and description.startswith(f"> {text}")
    llm = Answer(text="Every forty minutes.", quotes=answer.quotes, answerable=True, confidence=0.9,
                 provider="llm", model="m")
    description = answer_embed(article, "How often?", llm).description or ""
    assert description.startswith("Every forty minutes.") and f"> {text}" in description
    fact = Answer(text=f"every forty minutes — {text}", quotes=answer.quotes, answerable=True, confidence=0.8,
                  provider="extractive")
    embed = answer_embed(article, "How often?", fact)
    description = embed.description or ""
    assert description.startswith(f"every forty minutes\n\n> {text}") and description.count(text) == 1
    # Confidence is not shown: no provider's figure is calibrated.
    assert "%" not in (embed.footer.text or "") and "confidence" not in (embed.footer.text or "")
    huge = Answer(text=LONG, quotes=[Quote(LONG, 0, len(LONG))] * 2, answerable=True, confidence=1.0,
                  provider="llm", model="m")
    assert len(answer_embed(article, LONG, huge)) <= 6000
