"""Token buckets for per-host fetches, on a clock the test moves (the member and channel limits live in
the store: tests/integration/summaries/test_auto_limits.py)."""

from __future__ import annotations

from bot.summaries.limits import HostLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_hosts_have_their_own_buckets_and_refill_per_minute() -> None:
    clock = Clock()
    hosts = HostLimits(2, monotonic=clock)
    assert [hosts.take("a.example") is None for _ in range(3)] == [True, True, False]
    assert hosts.take("B.example") is None and hosts.take("b.example") is None and hosts.take("b.example")
    limited = hosts.take("a.example")
    assert limited is not None and limited.scope == "host" and limited.minutes == 1
    clock.now += 30
    assert hosts.take("a.example") is None
    assert HostLimits(0).take("a.example") is None
