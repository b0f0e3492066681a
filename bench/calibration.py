"""Fit the built-in answerer's confidence (bot/extractive/confidence.py) and check it on held-out articles.

The development questions are tests/fixtures/casual (both halves, 16 articles) and the older team sets
tests/fixtures/questions*.json. Never tests/fixtures/casual2 or casual3: those are measured, not learnt from.

Cross-validation by article: the 16 casual articles fall into 4 folds; for each fold the logistic curve is
fitted on every other development question, the threshold is the lowest confidence at which the other casual
articles got wrong answers for at most CAP of their questions, and the fold's own questions are then
answered at that threshold. `python -m bench.calibration` prints the fit on all the questions (the
constants to keep in confidence.py) and the folds.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.askset import Case, load_articles, load_cases, right
from bot.articles.model import Article
from bot.articles.reader import read_file
from bot.extractive.answerer import ExtractiveAnswerer
from bot.extractive.confidence import THRESHOLD, WEIGHTS, probability

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CAP = 0.03           # wrong answers, as a share of all questions, tolerated on the training articles
FOLDS = 4


@dataclass(frozen=True, slots=True)
class Observed:
    source: str                      # "casual" or a team set's file name
    article: str
    answerable: bool
    features: tuple[float, ...] | None   # None: not a single candidate sentence
    right: bool                      # the answer the answerer would give is right


def team_cases(file: str) -> tuple[list[tuple[Case, tuple[tuple[str, str], ...]]], dict[str, Article]]:
    """An older question set (tests/fixtures/questions*.json) as casual-style cases with their history."""
    raw = json.loads((FIXTURES / file).read_text(encoding="utf-8"))
    articles: dict[str, Article] = {}
    out = []
    for i, r in enumerate(raw):
        name = r["article"]
        if name not in articles:
            if "path" in r:
                articles[name] = read_file(ROOT / r["path"])
            else:
                text = (FIXTURES / "articles" / f"{name}.txt").read_text(encoding="utf-8")
                articles[name] = Article(url=f"https://news.example/{name}", text=text,
                                         title=text.splitlines()[0], language="en")
        case = Case(f"{file}-{i}", name, r["question"], r["answerable"], "", tuple(r["expected"]))
        out.append((case, tuple((q, a) for q, a in r.get("history", []))))
    return out, articles


def observe() -> list[Observed]:
    """Every development question: the evidence for the answerer's best candidate, and whether it is right."""
    answerer = ExtractiveAnswerer(threshold=0.0)
    out = []
    casual = load_cases("tune") + load_cases("holdout")
    sets: list[tuple[str, list[tuple[Case, tuple[tuple[str, str], ...]]], dict[str, Article]]] = [
        ("casual", [(c, ()) for c in casual], load_articles(casual))]
    for file in ("questions.json", "questions_holdout.json"):
        sets.append((file, *team_cases(file)))
    for source, cases, articles in sets:
        for case, history in cases:
            found, answer = answerer.examine(articles[case.article], case.question, history=history)
            out.append(Observed(source, case.article, case.answerable, found.features if found else None,
                                case.answerable and answer.answerable and right(case, answer)))
    return out


def fit(data: Sequence[Observed], *, l2: float = 0.01, rounds: int = 25) -> tuple[float, ...]:
    """Logistic regression by Newton's method (a handful of features, a few hundred questions), with a
    little L2 on the feature weights to keep them finite when the classes separate."""
    rows = [((1.0, *o.features), 1.0 if o.right else 0.0) for o in data if o.features is not None]
    n = len(rows[0][0])
    w = [0.0] * n
    for _ in range(rounds):
        grad = [l2 * len(rows) * w[i] if i else 0.0 for i in range(n)]
        hess = [[l2 * len(rows) if i == j and i else 0.0 for j in range(n)] for i in range(n)]
        for x, y in rows:
            p = 1.0 / (1.0 + math.exp(-sum(a * b for a, b in zip(w, x, strict=True))))
            for i in range(n):
                grad[i] += (p - y) * x[i]
                for j in range(n):
                    hess[i][j] += p * (1.0 - p) * x[i] * x[j]
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
    return tuple(round(x, 2) for x in w)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a·x = b, by Gaussian elimination with partial pivoting (a is small and well conditioned)."""
    n = len(b)
    m = [[*row, v] for row, v in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[col][col]:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


@dataclass(frozen=True, slots=True)
class Tally:
    right: int = 0
    answerable: int = 0
    declined: int = 0
    unanswerable: int = 0
    wrong: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return self.right, self.answerable, self.declined, self.unanswerable, self.wrong

    def shares(self) -> tuple[float, float, float]:
        total = self.answerable + self.unanswerable
        return (round(self.right / max(1, self.answerable), 3), round(self.declined / max(1, self.unanswerable), 3),
                round(self.wrong / max(1, total), 3))

    def __str__(self) -> str:
        r, d, w = self.shares()
        return (f"{r:.3f} right ({self.right}/{self.answerable}), {d:.3f} declined "
                f"({self.declined}/{self.unanswerable}), {w:.3f} wrong ({self.wrong})")


def tally(data: Iterable[Observed], weights: Sequence[float], threshold: float) -> Tally:
    t = Tally()
    for o in data:
        given = o.features is not None and probability(o.features, weights) >= threshold
        t += Tally(int(given and o.right), int(o.answerable), int(not o.answerable and not given),
                   int(not o.answerable), int(given and not o.right))
    return t


def pick_threshold(data: Sequence[Observed], weights: Sequence[float], cap: float = CAP) -> float:
    """The lowest confidence at which at most `cap` of the questions get a wrong answer."""
    levels = sorted({round(probability(o.features, weights), 4) for o in data if o.features is not None})
    for level in [*levels, 1.01]:
        t = tally(data, weights, level)
        if t.wrong <= cap * (t.answerable + t.unanswerable):
            return level
    return 1.01


def folds(data: Sequence[Observed]) -> list[list[str]]:
    names = sorted({o.article for o in data if o.source == "casual"})
    return [names[i::FOLDS] for i in range(FOLDS)]


def cross_validate(data: Sequence[Observed], cap: float = CAP) -> list[tuple[list[str], float, Tally]]:
    """Per fold of casual articles: the threshold chosen without them and what their questions got."""
    out = []
    for held in folds(data):
        train = [o for o in data if not (o.source == "casual" and o.article in held)]
        weights = fit(train)
        threshold = pick_threshold([o for o in train if o.source == "casual"], weights, cap)
        out.append((held, threshold, tally([o for o in data if o.source == "casual" and o.article in held],
                                           weights, threshold)))
    return out


def held_out(data: Sequence[Observed]) -> list[tuple[float, Observed]]:
    """Each casual question's confidence from the curve fitted without its fold."""
    out = []
    for held in folds(data):
        weights = fit([o for o in data if not (o.source == "casual" and o.article in held)])
        out += [(probability(o.features, weights), o) for o in data
                if o.source == "casual" and o.article in held and o.features is not None]
    return out


def reliability(pairs: Sequence[tuple[float, Observed]], edges: Sequence[float] = (0.3, 0.5, 0.7, 0.9)) -> list[str]:
    """Per band of confidence: how many questions, the mean confidence, and how many were answered right."""
    bands = [0.0, *edges, 1.0001]
    rows = []
    for lo, hi in itertools.pairwise(bands):
        inside = [(p, o) for p, o in pairs if lo <= p < hi]
        if inside:
            mean = sum(p for p, _ in inside) / len(inside)
            rows.append(f"{lo:.1f}-{min(hi, 1.0):.1f}: {len(inside)} questions, said {mean:.2f}, "
                        f"right {sum(o.right for _, o in inside) / len(inside):.2f}")
    return rows


def main() -> None:
    data = observe()
    weights = fit(data)
    casual = [o for o in data if o.source == "casual"]
    print(f"weights {weights} (shipped {WEIGHTS}); threshold {pick_threshold(casual, weights):.2f} "
          f"(shipped {THRESHOLD})")
    total = Tally()
    for held, threshold, t in cross_validate(data):
        total += t
        print(f"fold {', '.join(a.removesuffix('.txt') for a in held)}: threshold {threshold:.3f}: {t}")
    print(f"pooled: {total}")
    print("held-out reliability:", "; ".join(reliability(held_out(data))))


if __name__ == "__main__":
    main()
