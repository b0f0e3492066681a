"""The cap on article text handed to summarisers and answerers."""

from __future__ import annotations

from bot.articles.model import MAX_TEXT_CHARS, Article, first_part


def test_short_articles_are_untouched() -> None:
    article = Article(url="u", text="One paragraph.\n\nAnother one.")
    assert first_part(article) == (article, False)


def test_long_articles_are_cut_at_a_paragraph_end() -> None:
    paragraph = "The ferry left at nine. It came back at noon. " * 20
    article = Article(url="u", text="\n\n".join([paragraph.strip()] * 400), title="T")
    cut, was_cut = first_part(article)
    assert was_cut and len(cut.text) <= MAX_TEXT_CHARS and cut.text.endswith("noon.")
    assert article.text.startswith(cut.text) and cut.title == "T" and cut.url == "u"


def test_text_without_paragraphs_is_cut_at_a_sentence_or_a_space() -> None:
    cut, _ = first_part(Article(url="u", text="A b. " * 100_000), limit=1_000)
    assert cut.text.endswith("A b.") and len(cut.text) <= 1_000
    cut, _ = first_part(Article(url="u", text="word " * 100_000), limit=1_000)
    assert cut.text.endswith("word") and len(cut.text) <= 1_000
    cut, _ = first_part(Article(url="u", text="x" * 5_000), limit=1_000)
    assert cut.text == "x" * 1_000
