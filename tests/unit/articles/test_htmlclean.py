"""The boilerplate pre-cleaning and paragraph post-filter around trafilatura."""

from __future__ import annotations

from lxml import html as lxml_html  # type: ignore[import-untyped]

from bot.articles.htmlclean import filter_paragraphs, find_byline, normalise, prepare, words

BODY = "".join(
    f"<p>Paragraph {i} of the story about the harbour wall, which the council debated for a long time.</p>"
    for i in range(10)
)


def texts(html: str) -> str:
    return " ".join(prepare(lxml_html.fromstring(html)).itertext())


def test_furniture_is_removed_and_the_story_kept() -> None:
    page = (
        "<html><body><div class='share-bar'>Share on X</div>"
        f"<article><h1>Headline</h1><p class='standfirst'>The deck</p>{BODY}"
        "<figure><img src='a.jpg'><figcaption>A caption</figcaption></figure>"
        "<div class='related-links'>Other story</div><div class='ad-slot'>Advertisement</div></article>"
        "<div id='cookie-banner'>We use cookies</div><div class='newsletter-signup'>Sign up</div>"
        "<div style='display: none'>hidden words</div></body></html>"
    )
    kept = texts(page)
    assert "Paragraph 9 of the story" in kept
    for gone in (
        "Share on X",
        "Headline",
        "The deck",
        "A caption",
        "Other story",
        "Advertisement",
        "We use cookies",
        "Sign up",
        "hidden words",
    ):
        assert gone not in kept, gone


def test_a_wrapper_holding_the_story_is_never_removed_whatever_its_class() -> None:
    page = f"<html><body><div class='entry-content share-enabled comments-open'>{BODY}</div></body></html>"
    assert "Paragraph 0 of the story" in texts(page)


def test_layout_tables_and_double_breaks_become_paragraphs() -> None:
    lines = "<br><br>".join(f"Line {i} of a long story about the mill pond and its ducks." for i in range(8))
    page = f"<html><body><table><tr><td>menu</td><td><font>{lines}</font></td></tr></table></body></html>"
    root = prepare(lxml_html.fromstring(page))
    assert not root.xpath("//table")
    paragraphs = [" ".join(p.itertext()) for p in root.iter("p")]
    assert paragraphs[0] == "Line 0 of a long story about the mill pond and its ducks."
    assert len(paragraphs) == 8


def test_data_tables_stay_tables() -> None:
    page = (
        f"<html><body>{BODY}<table><tr><td>Year</td><td>Boats</td></tr><tr><td>2024</td><td>41</td></tr>"
        "</table></body></html>"
    )
    assert prepare(lxml_html.fromstring(page)).xpath("//table")


def test_post_filter_drops_leftovers() -> None:
    paragraphs = [
        "Harbour wall to be rebuilt",  # the title again
        "By Jane Doe, Staff Writer",  # byline
        "Published March 3, 2025",  # date line
        "The council voted on Monday to rebuild the harbour wall before the winter storms arrive.",
        "READ MORE: Storm damage bill tops £1m",  # lead-in to another story
        "Advertisement",
        "The work will cost £2 million and take eight months, the harbour master said.",
        "take eight months, the harbour master said",  # a pull quote repeating the body
        "Sign up for our weekly newsletter and get local news in your inbox.",
        "© 2025 The Harbour Gazette. All rights reserved.",
    ]
    assert filter_paragraphs(paragraphs, title="Harbour wall to be rebuilt") == [paragraphs[3], paragraphs[6]]


def test_post_filter_keeps_short_real_paragraphs() -> None:
    paragraphs = [
        "By Tuesday, the river had risen four feet.",  # not a byline
        "Related to this, the council has asked for a second survey.",  # not a lead-in
        "He said no.",
        "Asked whether he would stand again, he said no. The meeting ended soon after that.",
        "Residents can sign up for the sandbag scheme at the library.",
    ]
    assert filter_paragraphs(paragraphs, title="River rises") == paragraphs


def test_find_byline() -> None:
    assert find_byline(["By Wendell Stroud, Tribune Staff Writer", "Text"]) == "Wendell Stroud"
    assert find_byline(["Por Lucía Etxeberria | Almendral"]) == "Lucía Etxeberria"
    assert find_byline(["By the end of the week, the road was open."]) is None


def test_normalise_unwraps_a_layout_table_but_keeps_a_data_table() -> None:
    story = "".join(f"<p>Line {i} of the story about the mill pond and its returning ducks.</p>" for i in range(12))
    layout = f"<html><body><table><tr><td>menu</td><td>{story}</td></tr></table></body></html>"
    assert not normalise(lxml_html.fromstring(layout)).xpath("//table")
    # Cells holding paragraphs do not make a table a layout when it is a small part of the page.
    data = (
        f"<html><body>{story}<table><tr><td><p>Flour</p></td><td><p>500 g</p></td></tr>"
        "<tr><td><p>Butter</p></td><td><p>250 g</p></td></tr></table></body></html>"
    )
    assert normalise(lxml_html.fromstring(data)).xpath("//table")


def test_normalise_leaves_the_original_alone() -> None:
    tree = lxml_html.fromstring("<html><body><table><tr><td><p>x</p></td></tr></table></body></html>")
    normalise(tree)
    assert tree.xpath("//table")


def test_words_counts_chinese_and_japanese_by_characters() -> None:
    assert words("the harbour wall") == 3
    assert words("港口管理局星期五宣布") == 1 + 10 // 2
    assert words("한국어 문장입니다") == 2  # Korean is written with spaces


def test_repeated_and_quoted_paragraphs_on_a_long_page() -> None:
    body = [f"Paragraph {i} says that boat {i} was counted at the north pier on a cold morning." for i in range(400)]
    quote = "boat 7 was counted at the north pier"
    kept = filter_paragraphs([*body, quote, body[3]], title=None)
    assert kept == body
