"""Integrity of the second casual-question set (tests/fixtures/casual2, a holdout only; see its README).

The per-question rules are the ones casual/ follows, taken from its integrity test so the two sets cannot drift
apart. As there, every check is one function returning a list of problems, run on the real fixture (must find
none) and on deliberately broken copies (must find the damage), which shows the checks can fail.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.paths import FIXTURES
from tests.integration.extractive.test_casual_question_fixture import KINDS, _load, _question_problems

FIXTURE = FIXTURES / "casual2"
ARTICLES = 16
PER_ARTICLE = 14
UNANSWERABLE_SHARE = (0.35, 0.45)  # "about 40%" in the README


def _ngrams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def fixture_problems(root: Path) -> list[str]:
    """Every way the fixture at `root` breaks the rules in its README; empty when it is sound."""
    articles = {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "articles").glob("*.txt"))}
    questions = _load(root, "questions.json")
    problems: list[str] = []
    for name, count in Counter(q.get("id") for q in questions).items():
        if count > 1:
            problems.append(f"id {name} used {count} times")
    for q in questions:
        problems.extend(_question_problems(q, articles))

    per_article = Counter(q.get("article") for q in questions)
    for name in sorted(articles):
        if per_article[name] < PER_ARTICLE:
            problems.append(f"article {name} has {per_article[name]} questions, under {PER_ARTICLE}")
        kinds = {q.get("answerable") for q in questions if q.get("article") == name}
        if kinds != {True, False}:
            problems.append(f"article {name} lacks answerable or unanswerable questions")

    unanswerable = sum(1 for q in questions if q.get("answerable") is False)
    low, high = UNANSWERABLE_SHARE
    if not questions or not low <= unanswerable / len(questions) <= high:
        problems.append(f"unanswerable share {unanswerable}/{len(questions)} outside {low}-{high}")
    missing = KINDS - {q.get("kind") for q in questions if q.get("answerable") is True}
    if missing:
        problems.append(f"no answerable question of kind {sorted(missing)}")
    return problems


def test_fixture_is_sound() -> None:
    assert fixture_problems(FIXTURE) == []


def test_fixture_size_and_shape() -> None:
    questions = _load(FIXTURE, "questions.json")
    paths = sorted((FIXTURE / "articles").glob("*.txt"))
    assert len(paths) == ARTICLES
    assert len(questions) >= ARTICLES * PER_ARTICLE
    for path in paths:
        text = path.read_text(encoding="utf-8")
        headline, blank, *_ = text.split("\n", 2)
        assert headline.strip() and blank == "", f"{path.name}: headline, then a blank line"
        words = len(text.split())
        assert 300 <= words <= 800, f"{path.name}: {words} words"


def test_independent_of_the_first_set() -> None:
    # A holdout must not reuse the first set's articles, not even a long run of words. (Short casual questions
    # such as "what was the vote" may coincide; they are not a leak, so question texts are not compared.)
    first = FIXTURES / "casual"
    first_articles = {p.name: p.read_text(encoding="utf-8") for p in (first / "articles").glob("*.txt")}
    ours = {p.name: p.read_text(encoding="utf-8") for p in (FIXTURE / "articles").glob("*.txt")}
    assert not set(first_articles) & set(ours)
    theirs = set().union(*map(_ngrams, first_articles.values()))
    shared = {name: len(_ngrams(text) & theirs) for name, text in ours.items()}
    assert all(count == 0 for count in shared.values()), shared


def _edit(root: Path, change: Any) -> None:
    path = root / "questions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _first(qs: list[dict[str, Any]], answerable: bool) -> dict[str, Any]:
    return next(q for q in qs if q["answerable"] is answerable)


def _drop_article(qs: list[dict[str, Any]]) -> None:
    gone = qs[0]["article"]
    qs[:] = [q for q in qs if q["article"] != gone]


def _answer_all(qs: list[dict[str, Any]]) -> None:
    qs[:] = [q for q in qs if q["answerable"]]


BREAKAGES: dict[str, tuple[Any, str]] = {
    "duplicate id": (lambda qs: qs.append(dict(qs[0])), "used 2 times"),
    "evidence not in article": (
        lambda qs: _first(qs, True).update(evidence="a sentence nobody wrote"), "evidence not verbatim"),
    "answer outside evidence": (lambda qs: _first(qs, True)["answers"].append("zebra"), "not inside its evidence"),
    "unanswerable with answers": (lambda qs: _first(qs, False).update(answers=["x"]), "carries answers"),
    "missing article": (lambda qs: qs[0].update(article="nowhere.txt"), "missing"),
    "article without questions": (_drop_article, "under 14"),
    "no unanswerable questions": (_answer_all, "unanswerable share"),
    "wrong id": (lambda qs: qs[0].update(id="someone-else-1"), "does not follow"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_checks_catch_a_broken_copy(tmp_path: Path, breakage: str) -> None:
    root = tmp_path / "casual2"
    shutil.copytree(FIXTURE, root)
    change, expected = BREAKAGES[breakage]
    _edit(root, change)
    assert any(expected in problem for problem in fixture_problems(root))
