"""Calibration of the built-in answerer's confidence (bench/calibration.py): the fit, the threshold, the folds."""

from __future__ import annotations

import random

from bench.calibration import Observed, Tally, folds, pick_threshold, tally
from bench.calibration import fit as fit_logistic
from bot.extractive.confidence import probability


def synthetic(n: int = 400, seed: int = 7) -> list[Observed]:
    """Questions whose chance of a right answer rises with the first feature and not with the second."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        score, noise = rng.random(), rng.random()
        right = rng.random() < score
        out.append(Observed("casual", f"a{i % 16}", right or rng.random() < 0.5, (score, noise), right))
    return out


def test_the_fit_finds_what_predicts_a_right_answer() -> None:
    bias, on_score, on_noise = fit_logistic(synthetic())
    assert on_score > 2.0 and abs(on_noise) < 1.0
    assert probability((0.9, 0.5), (bias, on_score, on_noise)) > 0.7 > 0.3 > probability((0.1, 0.5),
                                                                                       (bias, on_score, on_noise))


def test_the_threshold_keeps_wrong_answers_under_the_cap() -> None:
    data = synthetic()
    weights = fit_logistic(data)
    for cap in (0.02, 0.05, 0.1):
        t = tally(data, weights, pick_threshold(data, weights, cap))
        assert t.wrong <= cap * len(data)
    loose, strict = pick_threshold(data, weights, 0.1), pick_threshold(data, weights, 0.02)
    assert loose < strict
    assert tally(data, weights, loose).right >= tally(data, weights, strict).right


def test_tallies_add_up_and_read_as_shares() -> None:
    t = Tally(3, 4, 1, 2, 2) + Tally(1, 4, 2, 2, 1)
    assert t.as_tuple() == (4, 8, 3, 4, 3) and t.shares() == (0.5, 0.75, 0.25)


def test_folds_split_the_casual_articles_and_leave_other_sets_out() -> None:
    data = [*synthetic(), Observed("questions.json", "storm", True, (0.5, 0.5), True)]
    parts = folds(data)
    names = [a for part in parts for a in part]
    assert len(parts) == 4 and len(names) == len(set(names)) == 16 and "storm" not in names
