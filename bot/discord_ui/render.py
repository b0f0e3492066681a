"""Discord embeds for summaries and answers, always within Discord's limits."""

from __future__ import annotations

from urllib.parse import urlsplit

import discord

from bot.articles.model import Article
from bot.llm.base import Answer, Summary
from bot.util.text import clip

TITLE, DESCRIPTION, FIELD, FOOTER, AUTHOR, TOTAL = 256, 4096, 1024, 2048, 256, 6000
COLOUR = discord.Colour.from_rgb(46, 125, 166)


def provider_label(provider: str, model: str | None) -> str:
    return f"AI summary ({model})" if provider == "llm" and model else "built-in extractive summary"


def _byline(article: Article) -> str:
    parts = [article.site or urlsplit(article.url).hostname or ""]
    if article.author:
        parts.append(article.author)
    if article.date:
        parts.append(article.date)
    parts.append(f"{article.reading_minutes} min read")
    return " · ".join(p for p in parts if p)


def _footer(*notes: str | None) -> str:
    return clip(" · ".join(n for n in notes if n), FOOTER)


def summary_embed(article: Article, summary: Summary, *, notice: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=clip(summary.title or article.title or article.url, TITLE),
                          url=article.final_url or article.url, colour=COLOUR)
    embed.set_author(name=clip(_byline(article), AUTHOR))
    points = "\n".join(f"• {clip(p, 400)}" for p in summary.key_points)
    body = f"**TL;DR** {summary.tldr.strip()}"
    embed.description = clip(f"{body}\n\n{points}" if points else body, 3000)
    embed.set_footer(text=_footer(provider_label(summary.provider, summary.model), summary.note, notice))
    return embed


def summary_text(article: Article, summary: Summary, *, notice: str | None = None) -> str:
    """Plain-text form for channels where the bot may not embed links."""
    lines = [f"**{clip(summary.title or article.title or article.url, TITLE)}** <{article.url}>",
             _byline(article), "", f"**TL;DR** {summary.tldr.strip()}"]
    lines += [f"• {clip(p, 400)}" for p in summary.key_points]
    lines.append(f"-# {_footer(provider_label(summary.provider, summary.model), summary.note, notice)}")
    return clip("\n".join(lines), 2000)


def answer_embed(article: Article, question: str, answer: Answer, *, notice: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=clip(question, TITLE), colour=COLOUR)
    said = " ".join(" ".join(q.text.split()) for q in answer.quotes[:2])
    quotes = [clip(" ".join(q.text.split()), 700) for q in answer.quotes[:2]]
    # A built-in answer is "the fact — the sentence": show the fact, then the sentence once, as a quote.
    text = " ".join(answer.text.split())
    if said and text.endswith(said):
        text = text[:-len(said)].rstrip(" —")
    parts = [clip(text, 1500)] if text else []
    parts += [f"> {quote}" for quote in quotes]
    parts.append(f"Source: [{clip(article.title or article.url, 200)}]({article.final_url or article.url})")
    embed.description = clip("\n\n".join(parts), 3500)
    who = f"AI answer ({answer.model})" if answer.provider == "llm" and answer.model else "built-in answer"
    # No confidence figure: neither provider's is calibrated (bench/ask.py prints how often each band is right).
    embed.set_footer(text=_footer(who, answer.note, notice))
    return embed
