"""How sure the built-in answerer is that its best candidate is right, as a probability.

Two pieces of evidence: the candidate's score (bot/extractive/scoring.py) and its lead over the best
candidate that would give a different answer; a question three sentences answer equally well is a guess.
They are mapped to a probability by a logistic curve fitted on the development questions, and the answerer
declines below THRESHOLD, chosen so that held-out articles got wrong answers for under 4% of their questions
(bench/calibration.py refits both, with cross-validation by article, and bench/ask.py reports it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.extractive.scoring import Candidate

# bias, score, lead over the runner-up: from `python -m bench.calibration`
WEIGHTS = (-1.69, 2.47, 1.77)
THRESHOLD = 0.69


@dataclass(frozen=True, slots=True)
class Evidence:
    best: Candidate
    score: float
    lead: float            # over the best candidate with a different answer

    @property
    def features(self) -> tuple[float, float]:
        return self.score, self.lead


def answer_key(c: Candidate) -> str:
    """What a member would read as the answer: the fact, or the sentence when there is none."""
    return c.fact.text.casefold() if c.fact is not None else f"#{c.sentence.index}"


def evidence(scored: Sequence[Candidate]) -> Evidence | None:
    ranked = sorted(scored, key=lambda c: (-c.score, c.sentence.index))
    if not ranked:
        return None
    best = ranked[0]
    other = next((c.score for c in ranked[1:] if answer_key(c) != answer_key(best)), 0.0)
    return Evidence(best, best.score, best.score - other)


def probability(features: Sequence[float], weights: Sequence[float] = WEIGHTS) -> float:
    z = weights[0] + sum(w * f for w, f in zip(weights[1:], features, strict=True))
    return 1.0 / (1.0 + math.exp(-z))
