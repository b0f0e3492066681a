"""Hostile article and model text through the real renderer: no masked link but the article's own, no
markdown taken over, and the "Source" link always points at the article."""

from __future__ import annotations

import pytest

from bot.articles.model import Article
from bot.catchup.model import Catchup, SharedLink
from bot.catchup.render import embed_parts
from bot.catchup.window import Window
from bot.discord_ui.render import answer_embed, summary_embed, summary_text
from bot.llm.base import Answer, Quote, Summary
from bot.store.location import Location
from tests.helpers.markdown import masked_links

URL = "https://news.example/harbour"
PHISH = "[claim your refund](https://evil.example/refund)"
HIJACK = "Real headline](https://evil.example/x) ["
HOSTILE_TEXTS = [
    PHISH,
    f"Officials said {PHISH} and then [more](https://evil.example/2) [again](https://evil.example/3).",
    "\\[escaped once](https://evil.example/e) then [not](https://evil.example/n)",
    "**Breaking** __now__ ~~gone~~ ||spoiler|| `code` # Heading",
    "> quoted line -# subtext",
]


def article(title: str = "Harbour plan", text: str = "The harbour opens in May.") -> Article:
    return Article(url=URL, text=text, title=title, site="news.example", author="*Ann* [x](https://evil.example)")


def summary(title: str, text: str) -> Summary:
    return Summary(title=title, tldr=text, key_points=[text, f"Point two: {text}"], provider="extractive")


def rendered_summary(title: str, text: str) -> list[str]:
    embed = summary_embed(article(title), summary(title, text))
    return [embed.title or "", embed.description or "", summary_text(article(title), summary(title, text))]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_article_text_in_a_summary_makes_no_link_and_no_formatting(text: str) -> None:
    for shown in rendered_summary("Harbour plan", text):
        assert masked_links(shown) == [], shown
        assert "**Breaking**" not in shown and "||spoiler||" not in shown and "`code`" not in shown


@pytest.mark.parametrize("title", [HIJACK, PHISH, "**Bold** title [x](https://evil.example/t)"])
def test_a_hostile_title_neither_links_nor_formats(title: str) -> None:
    title_line, description, text = rendered_summary(title, "The harbour opens in May.")
    assert masked_links(title_line) == [] and masked_links(description) == []
    assert masked_links(text) == []
    assert text.startswith("**") and "**Bold**" not in text      # only our own bold survives
    assert f"<{URL}>" in text


@pytest.mark.parametrize("title", [HIJACK, PHISH, "Plain title", URL, "]]]((("])
def test_the_source_link_always_points_at_the_article(title: str) -> None:
    text = "The harbour opens in May after years of delay."
    answer = Answer(text=text, quotes=[Quote(text, 0, len(text))], answerable=True, confidence=0.8,
                    provider="extractive")
    description = answer_embed(article(title, text), "When?", answer).description or ""
    links = masked_links(description)
    assert [target for _, target in links] == [URL], description
    assert "evil.example" not in links[0][0]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_quotes_and_model_answers_are_escaped(text: str) -> None:
    quote = Quote(text, 0, len(text))
    llm = Answer(text=text, quotes=[quote], answerable=True, confidence=0.9, provider="llm", model="m")
    embed = answer_embed(article(text=text), f"What about {PHISH}?", llm)
    links = masked_links(embed.description or "")
    assert [target for _, target in links] == [URL]
    assert masked_links(embed.title or "") == []
    assert "**Breaking**" not in (embed.description or "")


def test_escaping_keeps_the_words_readable() -> None:
    embed = summary_embed(article(), summary("Harbour *plan*", "Costs rose to $5_000 (a 10% rise)."))
    assert embed.title == "Harbour \\*plan\\*"
    assert "Costs rose to $5\\_000 (a 10% rise)." in (embed.description or "")


def test_a_catchups_shared_link_keeps_its_target_whatever_the_page_title() -> None:
    window = Window(1, Location(10), 1_790_000_000_000, 1_790_003_600_000, "period", "1h")
    link = SharedLink(url=URL, shared_by=100, message="https://discord.com/channels/1/10/5", title=HIJACK,
                      tldr=f"Refunds: {PHISH}")
    parts = embed_parts(Catchup(window, logged=1, readable=1, links=[link]), "#general")
    shown = "\n".join([parts.description, *(value for _, value in parts.fields)])
    assert [target for _, target in masked_links(shown)] == [URL, "https://discord.com/channels/1/10/5"], shown
