"""Sentence splitting grows linearly with the text: a page of a million tiny sentences must not cost minutes.

CPU time (time.process_time), best of several runs, so other load on the machine does not make it flaky; the
bound (15x the time for 10x the text) leaves room for noise while a quadratic splitter (100x) cannot pass. The
garbage collector is paused while timing: a full collection walks the whole test process, whose size has
nothing to do with the text.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from bot.extractive.text import split_sentences


def best_cpu_seconds(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            fn()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def test_ten_times_the_text_costs_at_most_fifteen_times_the_time() -> None:
    small, large = "A b. " * 20_000, "A b. " * 200_000
    assert len(split_sentences(large)) == 200_000
    ratio = best_cpu_seconds(lambda: split_sentences(large)) / best_cpu_seconds(lambda: split_sentences(small))
    assert ratio <= 15, f"10x the text took {ratio:.1f}x the time"


def test_long_runs_of_whitespace_and_ellipses_grow_linearly_too() -> None:
    unit = "Wait...    then " + " " * 40 + "More.\n"
    small, large = unit * 5_000, unit * 50_000
    ratio = best_cpu_seconds(lambda: split_sentences(large)) / best_cpu_seconds(lambda: split_sentences(small))
    assert ratio <= 15, f"10x the text took {ratio:.1f}x the time"
