"""What every benchmark reports: a value, the same-run baseline it is compared with, and their ratio.

The machine is shared and noisy, so absolute numbers mean little; each figure carries a baseline
measured in the same run, and the ratio is what to watch.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    bench: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        if data["note"] is None:
            del data["note"]
        return data


def figure(bench: str, value: float, unit: str, baseline: float | None = None, *,
           note: str | None = None) -> Figure:
    ratio = round(value / baseline, 3) if baseline else None
    return Figure(bench, round(value, 3), unit, None if baseline is None else round(baseline, 3), ratio, note)


def median_ms(fn: Callable[[], object], repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


async def median_ms_async(fn: Callable[[], Awaitable[object]], repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)
