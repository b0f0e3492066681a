"""Integrity of the third casual-question set (tests/fixtures/casual3, a holdout only; see its README).

The per-question and per-set rules are casual2's, imported from its test so the sets cannot drift apart. This file
adds what casual3's README promises beyond them: exactly 16 articles of 350-700 words with a headline and a blank
line, exactly 14 questions per article, and no article name or run of eight words shared with the articles of
casual/ or casual2/. Every check is a function returning a list of problems, run on the real fixture (must find
none) and on deliberately broken copies (must find the damage), which shows each check can fail.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.paths import FIXTURES
from tests.integration.extractive.test_casual2_fixture import BREAKAGES as CASUAL2_BREAKAGES
from tests.integration.extractive.test_casual2_fixture import _edit, _ngrams, fixture_problems
from tests.integration.extractive.test_casual_question_fixture import _load

FIXTURE = FIXTURES / "casual3"
OTHER_SETS = (FIXTURES / "casual", FIXTURES / "casual2")
ARTICLES = 16
PER_ARTICLE = 14
WORDS = (350, 700)


def _articles(root: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "articles").glob("*.txt"))}


def shape_problems(root: Path) -> list[str]:
    """The set's size and the articles' layout, as its README states them; empty when sound."""
    articles = _articles(root)
    problems: list[str] = []
    if len(articles) != ARTICLES:
        problems.append(f"{len(articles)} articles, not {ARTICLES}")
    low, high = WORDS
    for name, text in articles.items():
        headline, blank, *_ = [*text.split("\n", 2), "", ""]
        if not headline.strip() or blank != "":
            problems.append(f"{name}: not a headline followed by a blank line")
        words = len(text.split())
        if not low <= words <= high:
            problems.append(f"{name}: {words} words, outside {low}-{high}")
    per_article = Counter(q.get("article") for q in _load(root, "questions.json"))
    for name in articles:
        if per_article[name] != PER_ARTICLE:
            problems.append(f"article {name} has {per_article[name]} questions, not {PER_ARTICLE}")
    return problems


def independence_problems(root: Path, others: tuple[Path, ...] = OTHER_SETS) -> list[str]:
    """Article names or 8-word runs that the set at `root` shares with the other sets' articles."""
    ours = _articles(root)
    problems: list[str] = []
    for other in others:
        theirs = _articles(other)
        assert theirs, f"no articles found under {other}"
        problems.extend(f"{name}: also an article of {other.name}/" for name in sorted(set(ours) & set(theirs)))
        runs = set().union(*map(_ngrams, theirs.values()))
        for name, text in ours.items():
            shared = sorted(_ngrams(text) & runs)
            if shared:
                problems.append(f"{name}: shares {len(shared)} 8-word runs with {other.name}/, e.g. "
                                f"{' '.join(shared[0])!r}")
    return problems


def test_fixture_is_sound() -> None:
    assert fixture_problems(FIXTURE) == []


def test_fixture_size_and_shape() -> None:
    assert shape_problems(FIXTURE) == []


def test_independent_of_the_other_sets() -> None:
    # A holdout must not reuse the other sets' articles, not even a long run of words. (Short casual questions
    # may coincide; they are not a leak, so question texts are not compared, as in casual2's test.)
    assert independence_problems(FIXTURE) == []


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "casual3"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.mark.parametrize("breakage", sorted(CASUAL2_BREAKAGES))
def test_casual2_checks_catch_a_broken_copy(tmp_path: Path, breakage: str) -> None:
    root = _copy(tmp_path)
    change, expected = CASUAL2_BREAKAGES[breakage]
    _edit(root, change)
    assert any(expected in problem for problem in fixture_problems(root))


def test_checks_catch_a_kind_without_answerable_questions(tmp_path: Path) -> None:
    root = _copy(tmp_path)

    def relabel(qs: list[dict[str, Any]]) -> None:
        for q in qs:
            if q["answerable"] and q["kind"] == "place":
                q["kind"] = "description"

    _edit(root, relabel)
    assert any("no answerable question of kind ['place']" in p for p in fixture_problems(root))


def _article(root: Path) -> Path:
    return sorted((root / "articles").glob("*.txt"))[0]


def _shorten(root: Path) -> None:
    path = _article(root)
    path.write_text(" ".join(path.read_text(encoding="utf-8").split()[:120]), encoding="utf-8")


def _lengthen(root: Path) -> None:
    path = _article(root)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + text.split("\n\n", 1)[1], encoding="utf-8")


def _no_blank_line(root: Path) -> None:
    path = _article(root)
    path.write_text(path.read_text(encoding="utf-8").replace("\n\n", "\n", 1), encoding="utf-8")


def _remove_article(root: Path) -> None:
    _article(root).unlink()


def _extra_question(root: Path) -> None:
    def add(qs: list[dict[str, Any]]) -> None:
        extra = dict(qs[0])
        extra["id"] = f"{Path(extra['article']).stem}-99"
        qs.append(extra)

    _edit(root, add)


SHAPE_BREAKAGES: dict[str, tuple[Any, str]] = {
    "article too short": (_shorten, "words, outside"),
    "article too long": (_lengthen, "words, outside"),
    "no blank line after the headline": (_no_blank_line, "not a headline followed by a blank line"),
    "an article missing": (_remove_article, "articles, not 16"),
    "fifteen questions for one article": (_extra_question, "questions, not 14"),
}


@pytest.mark.parametrize("breakage", sorted(SHAPE_BREAKAGES))
def test_shape_checks_catch_a_broken_copy(tmp_path: Path, breakage: str) -> None:
    root = _copy(tmp_path)
    change, expected = SHAPE_BREAKAGES[breakage]
    change(root)
    assert any(expected in problem for problem in shape_problems(root))


@pytest.mark.parametrize("other", OTHER_SETS, ids=lambda p: p.name)
def test_independence_check_catches_a_copied_passage(tmp_path: Path, other: Path) -> None:
    root = _copy(tmp_path)
    # Forty words of another set's article pasted into ours: never read here, only copied and detected.
    donor = sorted((other / "articles").glob("*.txt"))[0].read_text(encoding="utf-8").split("\n\n", 1)[1]
    path = _article(root)
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + " ".join(donor.split()[:40]) + "\n",
                    encoding="utf-8")
    assert any(f"8-word runs with {other.name}/" in p for p in independence_problems(root))


@pytest.mark.parametrize("other", OTHER_SETS, ids=lambda p: p.name)
def test_independence_check_catches_a_reused_article_name(tmp_path: Path, other: Path) -> None:
    root = _copy(tmp_path)
    name = sorted((other / "articles").glob("*.txt"))[0].name
    shutil.copy(_article(root), root / "articles" / name)
    assert any(f"{name}: also an article of {other.name}/" in p for p in independence_problems(root))

