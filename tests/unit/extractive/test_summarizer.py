"""Properties of the built-in extractive summaries (bot/extractive/summarizer.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.articles.model import Article
from bot.extractive.points import balanced
from bot.extractive.summarizer import (
    STYLE_SPECS,
    TRANSLATION_NOTE,
    ExtractiveSummarizer,
    is_boilerplate,
    near_duplicate,
)
from bot.extractive.text import normalize_for_match, split_sentences, words
from bot.llm.base import STYLES, Style, Summary
from tests.helpers.paths import FIXTURES

ARTICLES = sorted((FIXTURES / "articles").glob("*.txt"))


def load(path: Path, title: str | None = None) -> Article:
    text = path.read_text(encoding="utf-8")
    return Article(url=f"https://news.example/{path.stem}", text=text, language="en", title=title)


def from_article(piece: str, text: str) -> bool:
    """The piece is a verbatim slice of the article, but for a full stop added where a clause was cut."""
    return piece in text or piece.removesuffix(".").rstrip() in text


def faithful(piece: str, text: str) -> bool:
    """Every word of the piece, in order, within one stretch of the article (bullets drop lead-ins and
    parentheticals, nothing else)."""
    want, have = words(piece), words(text)
    for start in (i for i, w in enumerate(have) if w == want[0]):
        pos = start
        for w in want[1:]:
            try:
                pos = have.index(w, pos + 1)
            except ValueError:
                break
        else:
            if pos - start <= 2 * len(want) + 20:
                return True
    return False


def sentences_of(summary: Summary) -> list[str]:
    return [s.text for s in split_sentences(summary.tldr)] + summary.key_points


@pytest.fixture(params=ARTICLES, ids=[p.stem for p in ARTICLES])
def article(request: pytest.FixtureRequest) -> Article:
    return load(request.param)


@pytest.mark.parametrize("style", STYLES)
async def test_shape_of_every_fixture_summary(article: Article, style: Style) -> None:
    spec = STYLE_SPECS[style]
    summary = await ExtractiveSummarizer().summarize(article, style=style)
    assert summary.provider == "extractive" and summary.model is None
    assert summary.language == "en" and summary.note is None
    assert summary.title == article.text.splitlines()[0]
    assert summary.tldr and len(summary.tldr) <= spec.tldr_chars
    assert summary.tldr[-1] in ".!?\"”’)"
    want = {"brief": 3, "detailed": 6, "bullets": 6}[style]
    assert want - 2 <= len(summary.key_points) <= want
    for point in summary.key_points:
        assert len(point) <= spec.point_chars and not point.endswith(("…", "..."))
        assert balanced(point), point
        if style == "bullets":
            assert not point.endswith(".") or point.split()[-1].count(".") > 1, point   # "a.m." may end one
            assert len(point.split()) <= 28, point
        else:
            assert point[-1] in ".!?\"”’)", point


async def test_styles_differ_visibly(article: Article) -> None:
    brief, detailed, bullets = [await ExtractiveSummarizer().summarize(article, style=s) for s in STYLES]
    assert len(brief.key_points) < len(detailed.key_points)
    assert len(detailed.tldr) > len(brief.tldr) or len(split_sentences(detailed.tldr)) > 1

    def mean(points: list[str]) -> float:
        return sum(len(p) for p in points) / len(points)
    assert mean(bullets.key_points) < mean(detailed.key_points)
    assert (brief.tldr, brief.key_points) != (bullets.tldr, bullets.key_points)


@pytest.mark.parametrize("style", STYLES)
async def test_everything_comes_from_the_article_in_order_without_boilerplate(article: Article,
                                                                             style: Style) -> None:
    summary = await ExtractiveSummarizer().summarize(article, style=style)
    pieces = [s.text for s in split_sentences(summary.tldr)] + summary.key_points
    for piece in pieces:
        assert (faithful if style == "bullets" else from_article)(piece, article.text), piece
        assert not is_boilerplate(piece)
        low = piece.casefold()
        assert not low.startswith(("photo", "image", "read more", "share")), piece
    if style != "bullets":
        positions = [article.text.index(p.removesuffix(".")) for p in summary.key_points]
        assert positions == sorted(positions)
    assert summary.title not in pieces


@pytest.mark.parametrize("style", STYLES)
async def test_no_near_duplicates_and_the_tldr_is_never_a_point(article: Article, style: Style) -> None:
    summary = await ExtractiveSummarizer().summarize(article, style=style)
    pieces = [summary.tldr, *summary.key_points]
    assert len({normalize_for_match(p) for p in pieces}) == len(pieces)
    for i, a in enumerate(pieces):
        for b in pieces[i + 1:]:
            assert not near_duplicate(a, b), (a, b)


async def test_deterministic(article: Article) -> None:
    first = await ExtractiveSummarizer().summarize(article, style="detailed")
    for _ in range(3):
        again = await ExtractiveSummarizer().summarize(article, style="detailed")
        assert (again.tldr, again.key_points) == (first.tldr, first.key_points)


async def test_lead_facts_make_the_tldr() -> None:
    summary = await ExtractiveSummarizer().summarize(load(ARTICLES[0]))
    assert "$48.6 million" in summary.tldr  # city_budget: the lead sentence carries the key fact


async def test_title_prefers_metadata() -> None:
    summary = await ExtractiveSummarizer().summarize(load(ARTICLES[0], title="From metadata"))
    assert summary.title == "From metadata"


async def test_boilerplate_is_never_chosen() -> None:
    # Boilerplate dressed as sentences (closing punctuation, five words or more) about the same topic.
    body = (
        "Photo: Jane Roe/City Herald, taken at the harbor on Monday.\n\n"
        "The harbor commission voted on Monday to dredge the north channel for $2 million.\n\n"
        "Read more: why the harbor channel keeps silting up and what dredging costs.\n\n"
        "Share this story about the harbor dredging with your friends.\n\n"
        "Leave a reply about the harbor dredging vote below.\n\n"
        "12 comments on the harbor dredging vote so far.\n\n"
        "Commissioners said the harbor dredging work would start in May and take four months.\n\n"
        "Fishing crews have complained for years that the harbor channel is too shallow.\n\n"
        "The dredged sand will rebuild the beach at Gull Point near the harbor, officials said."
    )
    summary = await ExtractiveSummarizer().summarize(Article(url="u", text=body, title="Harbor"),
                                                     style="detailed")
    chosen = " ".join(sentences_of(summary)).casefold()
    for junk in ("photo", "read more", "share this", "leave a reply", "comments"):
        assert junk not in chosen
    assert len(sentences_of(summary)) == 4  # exactly the four real sentences, nothing invented


@pytest.mark.parametrize("line", [
    "Photo: Jane Roe/City Herald", "Photos by Jane Roe.", "Image credit: Ashford Institute",
    "Read more: How the budget grew.", "See also: Our earlier coverage.", "Share this article",
    "Leave a reply", "Leave a comment.", "12 comments", "One comment", "Comments (4)", "Advertisement",
    "By Jane Roe, Staff Writer", "Copyright 2025 City Herald. All rights reserved.",
    "A child plays in the fountain. (Photo by Jane Roe)",
])
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "The photo exhibition opens on Friday at the library.",
    "Readers shared their stories with the council.",
    "By noon, the council had voted to approve the plan.",
])
def test_real_sentences_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


async def test_near_duplicates_are_dropped() -> None:
    lead = "The harbor commission voted on Monday to dredge the north channel for $2 million."
    body = "\n\n".join([
        lead,
        "The harbor commission on Monday voted to dredge the north channel for $2 million.",
        "Commissioners said the work would start in May and take about four months to finish.",
        lead.replace("Monday", "Monday night"),
        "Fishing crews have complained for years that the channel is too shallow at low tide.",
        "The dredged sand will be used to rebuild the beach at Gull Point, officials said.",
        "The commission will review the contract bids at its meeting in April.",
    ])
    summary = await ExtractiveSummarizer().summarize(Article(url="u", text=body), style="detailed")
    pieces = sentences_of(summary)
    assert sum("dredge the north channel" in p for p in pieces) == 1
    assert len(pieces) == 5


async def test_short_article_gives_fewer_points_and_never_invents() -> None:
    body = "Short Headline\n\nThe library will close early on Friday for staff training."
    summary = await ExtractiveSummarizer().summarize(Article(url="u", text=body), style="detailed")
    assert summary.title == "Short Headline"
    assert summary.tldr == "The library will close early on Friday for staff training."
    assert summary.key_points == []

    two = body + "\n\nIt will reopen on Saturday morning at the usual time of nine."
    summary = await ExtractiveSummarizer().summarize(Article(url="u", text=two), style="brief")
    assert len(split_sentences(summary.tldr)) == 1 and len(summary.key_points) == 1
    assert all(from_article(p, two) for p in sentences_of(summary))


async def test_empty_article_says_so() -> None:
    summary = await ExtractiveSummarizer().summarize(Article(url="u", text="", title="Nothing"))
    assert summary.tldr == "" and summary.key_points == [] and summary.note
    assert summary.title == "Nothing"


async def test_long_sentences_end_at_a_clause_boundary_or_are_not_used() -> None:
    endless = "The council " + " ".join(f"considered item {i} of the agenda" for i in range(80)) + "."
    clause = ("The mayor thanked the staff for the report on parking, which " +
              " ".join(f"covered street {i} and its meters" for i in range(40)) + ".")
    body = "\n\n".join([endless, clause, "Residents asked questions about the new parking rules downtown.",
                        "The next meeting will be held in the library on Thursday evening.",
                        "The budget committee will publish its figures next month on the city website."])
    for style in STYLES:
        summary = await ExtractiveSummarizer().summarize(Article(url="u", text=body), style=style)
        pieces = [summary.tldr, *summary.key_points]
        assert not any("item 79" in p or p.endswith("…") for p in pieces)
        assert all(len(p) <= STYLE_SPECS[style].point_chars for p in summary.key_points)
    summary = await ExtractiveSummarizer().summarize(Article(url="u", text=body), style="detailed")
    assert "The mayor thanked the staff for the report on parking." in [summary.tldr, *summary.key_points] \
        or "The mayor thanked the staff for the report on parking." in summary.tldr


async def test_translation_is_not_attempted() -> None:
    article = load(ARTICLES[0])
    summary = await ExtractiveSummarizer().summarize(article, language="fr")
    assert summary.note == TRANSLATION_NOTE and summary.language == "en"
    same = await ExtractiveSummarizer().summarize(article, language="EN")
    assert same.note is None
