"""Discord embeds for summaries and answers, always within Discord's limits.

Every text taken from an article or a model is escaped for Discord markdown where Discord renders it
(titles, descriptions, message content), so a page cannot make a bold headline or a masked phishing link
in the bot's name; the author line and footers are plain text in Discord and are not escaped.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import discord

from bot.articles.model import Article
from bot.llm.base import Answer, Summary
from bot.llm.sanitize import strip_links
from bot.util.text import clip, escape, link_label

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


def shown(text: str, limit: int) -> str:
    """Article or model text as Discord shows it: escaped, then cut to `limit` (escapes count)."""
    return clip(escape(text), limit)


def source_link(title: str, url: str) -> str:
    """A masked link to the article whose text cannot end the link early or carry a link of its own:
    a title like `Real](https://evil.example) [` must not take the link over."""
    text = link_label(strip_links(title.replace("[", " ").replace("]", " ")), 200) or "the article"
    return f"[{text}](<{url}>)"


def _footer(*notes: str | None) -> str:
    return clip(" · ".join(n for n in notes if n), FOOTER)


def summary_embed(article: Article, summary: Summary, *, notice: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=shown(summary.title or article.title or article.url, TITLE),
                          url=article.final_url or article.url, colour=COLOUR)
    embed.set_author(name=clip(_byline(article), AUTHOR))
    points = "\n".join(f"• {shown(p, 400)}" for p in summary.key_points)
    body = f"**TL;DR** {shown(summary.tldr, 1500)}"
    embed.description = clip(f"{body}\n\n{points}" if points else body, 3000)
    embed.set_footer(text=_footer(provider_label(summary.provider, summary.model), summary.note, notice))
    return embed


def summary_text(article: Article, summary: Summary, *, notice: str | None = None) -> str:
    """Plain-text form for channels where the bot may not embed links."""
    lines = [f"**{shown(summary.title or article.title or article.url, TITLE)}** <{article.url}>",
             shown(_byline(article), AUTHOR), "", f"**TL;DR** {shown(summary.tldr, 1500)}"]
    lines += [f"• {shown(p, 400)}" for p in summary.key_points]
    lines.append(f"-# {escape(_footer(provider_label(summary.provider, summary.model), summary.note, notice))}")
    return clip("\n".join(lines), 2000)


def answer_embed(article: Article, question: str, answer: Answer, *, notice: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=shown(question, TITLE), colour=COLOUR)
    said = " ".join(" ".join(q.text.split()) for q in answer.quotes[:2])
    quotes = [" ".join(q.text.split()) for q in answer.quotes[:2]]
    # A built-in answer is "the fact — the sentence": show the fact, then the sentence once, as a quote.
    text = " ".join(answer.text.split())
    if said and text.endswith(said):
        text = text[:-len(said)].rstrip(" —")
    parts = [shown(text, 1500)] if text else []
    parts += [f"> {shown(quote, 700)}" for quote in quotes]
    parts.append(f"Source: {source_link(article.title or article.url, article.final_url or article.url)}")
    embed.description = clip("\n\n".join(parts), 3500)
    who = f"AI answer ({answer.model})" if answer.provider == "llm" and answer.model else "built-in answer"
    # No confidence figure: neither provider's is calibrated (bench/ask.py prints how often each band is right).
    embed.set_footer(text=_footer(who, answer.note, notice))
    return embed
