"""Reading a PDF is bounded whatever the file: pages, decoded page content, extracted characters and time."""

from __future__ import annotations

import pytest

from bot.app.errors import NotAnArticle
from bot.articles.pdf import MAX_PAGES, MAX_TEXT_CHARS, MSG_TOO_COMPLEX, extract_pdf
from tests.fakes.article_server import make_pdf
from tests.fakes.hostile_pages import shared_stream_pdf

URL = "https://a.example/report.pdf"


def test_pages_sharing_one_huge_stream_are_read_in_part() -> None:
    article = extract_pdf(shared_stream_pdf(), url=URL)
    # The first page alone holds millions of characters: the text stops at the bound, not 150 pages later.
    assert article.text.startswith("Lorem ipsum") and len(article.text) <= MAX_TEXT_CHARS


def test_a_page_with_more_content_than_the_bound_is_not_started() -> None:
    with pytest.raises(NotAnArticle) as refused:
        extract_pdf(shared_stream_pdf(pages=2, content_bytes=9_000_000), url=URL)
    assert refused.value.message == MSG_TOO_COMPLEX


def test_no_page_is_started_once_the_time_budget_is_spent() -> None:
    lines = [f"Line {i} of a long report about the harbour, its ferries and the new quay." for i in range(400)]
    assert "Line 399" in extract_pdf(make_pdf(lines), url=URL).text
    with pytest.raises(NotAnArticle) as refused:
        extract_pdf(make_pdf(lines), url=URL, time_budget=0.0)
    assert refused.value.message == MSG_TOO_COMPLEX


def test_only_the_first_pages_are_read() -> None:
    lines = [f"Page {p} says the ferry timetable changes in the winter season, line {i}."
             for p in range(1, MAX_PAGES + 11) for i in range(2)]
    text = extract_pdf(make_pdf(lines, lines_per_page=2), url=URL).text
    assert f"Page {MAX_PAGES} says" in text and f"Page {MAX_PAGES + 1} says" not in text
