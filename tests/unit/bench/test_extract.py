"""The extraction benchmark's scoring (the corpus README's method) and its dev/test split."""

from __future__ import annotations

from bench.extract import author_matches, date_matches, score, split_of, title_matches

CASE: dict[str, object] = {
    "page": "pages/0a1b2c3d4e5f6789.html.gz",
    "with": ["the ferry  returns", "on Monday"],
    "without": ["Subscribe now", "Cookie settings"],
}


def test_score_counts_snippets_in_whitespace_normalised_text() -> None:
    text = "After the storm\n\nthe ferry returns\non Monday. Subscribe now!"
    assert score(text, CASE) == (2, 0, 1, 1)


def test_a_refused_page_misses_every_wanted_snippet() -> None:
    assert score(None, CASE) == (0, 2, 0, 2)
    assert score("", CASE) == (0, 2, 0, 2)


def test_title_matching() -> None:
    want = "Ferry returns after storm"
    assert title_matches("Ferry returns after storm", want)
    assert title_matches("ferry returns after storm!", want)  # case and punctuation
    assert title_matches("Ferry returns after storm | Harbour News", want)  # the site name added
    assert title_matches("Ferry returns after storm", "Ferry returns after storm: the new timetable")  # no subtitle
    assert not title_matches("Harbour News", "Harbour News: ferry returns after a storm that lasted a week")
    assert not title_matches(None, want) and not title_matches("Weather", want)


def test_author_matching_is_containment() -> None:
    assert author_matches("Jane Doe; John Roe", "Jane Doe")
    assert author_matches("Heiko", "Heiko B.")
    assert not author_matches("Jane Doerr", "Jane Doe")
    assert not author_matches(None, "Jane Doe")


def test_date_matching_is_the_same_day() -> None:
    assert date_matches("2024-05-01", "2024-05-01")
    assert date_matches("2024-05-01T10:00:00", "2024-05-01")
    assert not date_matches("2024-05-02", "2024-05-01") and not date_matches(None, "2024-05-01")


def test_split_is_stable_and_uses_both_halves() -> None:
    pages = [{"page": f"pages/{i:016x}.html.gz"} for i in range(200)]
    splits = [split_of(p) for p in pages]
    assert splits == [split_of(p) for p in pages]
    assert 70 <= splits.count("dev") <= 130
