"""Integrity of the casual-question evaluation set (tests/fixtures/casual, see its README).

The checks live in one function returning a list of problems, so the same code is run on the real fixture
(must find none) and on deliberately broken copies of it (must find the damage), which shows they can fail.
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

FIXTURE = FIXTURES / "casual"
KINDS = {"number", "money", "date", "time", "duration", "person", "organisation", "place", "yesno", "reason",
         "description"}
FIELDS = {"id", "article", "question", "answerable", "kind", "answers", "evidence"}
HALVES = ("questions_tune.json", "questions_holdout.json")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _load(root: Path, name: str) -> list[dict[str, Any]]:
    data = json.loads((root / name).read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{name} must hold a list"
    return data


def _question_problems(q: dict[str, Any], articles: dict[str, str]) -> list[str]:
    qid = q.get("id", "?")
    if set(q) != FIELDS:
        return [f"{qid}: fields {sorted(q)} != {sorted(FIELDS)}"]
    out: list[str] = []
    if q["article"] not in articles:
        return [f"{qid}: article file {q['article']} missing"]
    if not re.fullmatch(re.escape(Path(q["article"]).stem) + r"-\d+", q["id"]):
        out.append(f"{qid}: id does not follow <article-stem>-<n>")
    if q["kind"] not in KINDS:
        out.append(f"{qid}: unknown kind {q['kind']!r}")
    if not q["question"].strip():
        out.append(f"{qid}: empty question")
    if not isinstance(q["answerable"], bool):
        out.append(f"{qid}: answerable must be a boolean")
    elif not q["answerable"]:
        if q["answers"] != [] or q["evidence"] != "":
            out.append(f"{qid}: unanswerable question carries answers or evidence")
        return out
    evidence = _norm(q["evidence"])
    if not evidence:
        out.append(f"{qid}: answerable question without evidence")
    elif evidence not in _norm(articles[q["article"]]):
        out.append(f"{qid}: evidence not verbatim in {q['article']}")
    if not 1 <= len(q["answers"]) <= 4:
        out.append(f"{qid}: needs 1-4 answers, has {len(q['answers'])}")
    for answer in q["answers"]:
        if not _norm(answer) or _norm(answer).lower() not in evidence.lower():
            out.append(f"{qid}: answer {answer!r} not inside its evidence")
    return out


def fixture_problems(root: Path) -> list[str]:
    """Every way the fixture at `root` breaks the rules in its README; empty when it is sound."""
    articles = {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "articles").glob("*.txt"))}
    union = _load(root, "questions.json")
    problems: list[str] = []
    for name, count in Counter(q.get("id") for q in union).items():
        if count > 1:
            problems.append(f"id {name} used {count} times")
    for q in union:
        problems.extend(_question_problems(q, articles))
    unused = set(articles) - {q.get("article") for q in union}
    problems.extend(f"article {name} has no questions" for name in sorted(unused))

    halves = {name: _load(root, name) for name in HALVES}
    by_article = {name: {q.get("article") for q in qs} for name, qs in halves.items()}
    tune, holdout = (by_article[name] for name in HALVES)
    if tune & holdout:
        problems.append(f"articles in both halves: {sorted(tune & holdout)}")
    key = lambda q: json.dumps(q, sort_keys=True)  # noqa: E731 - whole-object identity
    if sorted(map(key, halves[HALVES[0]] + halves[HALVES[1]])) != sorted(map(key, union)):
        problems.append("the two halves together differ from questions.json")
    for name, qs in halves.items():
        unanswerable = sum(1 for q in qs if q.get("answerable") is False)
        if not qs or unanswerable * 3 < len(qs):
            problems.append(f"{name}: unanswerable share {unanswerable}/{len(qs)} is under a third")
        missing = KINDS - {q.get("kind") for q in qs if q.get("answerable") is True}
        if missing:
            problems.append(f"{name}: no answerable question of kind {sorted(missing)}")
    return problems


def test_fixture_is_sound() -> None:
    assert fixture_problems(FIXTURE) == []


def test_fixture_size_and_shape() -> None:
    union = _load(FIXTURE, "questions.json")
    unanswerable = sum(1 for q in union if not q["answerable"])
    assert len(union) >= 220
    assert unanswerable / len(union) >= 0.36
    for name in HALVES:
        assert len({q["article"] for q in _load(FIXTURE, name)}) == 8, name
    for path in sorted((FIXTURE / "articles").glob("*.txt")):
        headline, blank, *_ = path.read_text(encoding="utf-8").split("\n", 2)
        assert headline.strip() and blank == "", f"{path.name}: headline, then a blank line"
        words = len(path.read_text(encoding="utf-8").split())
        assert 350 <= words <= 750, f"{path.name}: {words} words"


def _edit(root: Path, name: str, change: Any) -> None:
    path = root / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _first_answerable(qs: list[dict[str, Any]]) -> dict[str, Any]:
    return next(q for q in qs if q["answerable"])


def _first_unanswerable(qs: list[dict[str, Any]]) -> dict[str, Any]:
    return next(q for q in qs if not q["answerable"])


BREAKAGES: dict[str, tuple[str, Any, str]] = {
    "duplicate id": ("questions.json", lambda qs: qs.append(dict(qs[0])), "used 2 times"),
    "evidence not in article": (
        "questions.json", lambda qs: _first_answerable(qs).update(evidence="a sentence nobody wrote"),
        "evidence not verbatim"),
    "answer outside evidence": (
        "questions.json", lambda qs: _first_answerable(qs)["answers"].append("zebra"), "not inside its evidence"),
    "unanswerable with answers": (
        "questions.json", lambda qs: _first_unanswerable(qs).update(answers=["x"]), "carries answers"),
    "missing article": ("questions.json", lambda qs: qs[0].update(article="nowhere.txt"), "missing"),
    "half drops a question": ("questions_tune.json", lambda qs: qs.pop(), "differ from questions.json"),
    "half without unanswerable": (
        "questions_tune.json", lambda qs: qs.__setitem__(slice(None), [q for q in qs if q["answerable"]]),
        "under a third"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_checks_catch_a_broken_copy(tmp_path: Path, breakage: str) -> None:
    root = tmp_path / "casual"
    shutil.copytree(FIXTURE, root)
    name, change, expected = BREAKAGES[breakage]
    _edit(root, name, change)
    assert any(expected in problem for problem in fixture_problems(root))


def test_checks_catch_an_article_in_both_halves(tmp_path: Path) -> None:
    root = tmp_path / "casual"
    shutil.copytree(FIXTURE, root)
    moved_id = _load(root, "questions_holdout.json")[0]["id"]
    tune_article = _load(root, "questions_tune.json")[0]["article"]

    def move(qs: list[dict[str, Any]]) -> None:
        next(q for q in qs if q["id"] == moved_id).update(article=tune_article)

    # The same edit in the union and the holdout half, so only the overlap is wrong.
    _edit(root, "questions.json", move)
    _edit(root, "questions_holdout.json", move)
    assert any("both halves" in p for p in fixture_problems(root))
