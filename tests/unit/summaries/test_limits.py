"""Token buckets for automatic summaries and per-host fetches, on a clock the test moves."""

from __future__ import annotations

from bot.summaries.limits import AutoSummaryLimits, HostLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def take(limits: AutoSummaryLimits, user: int = 1, channel: int = 10, *, member: int = 2, per_channel: int = 3,
         minutes: int = 10) -> str:
    limited = limits.take(guild_id=7, channel_id=channel, user_id=user, member_limit=member,
                          channel_limit=per_channel, window_minutes=minutes)
    if limited is None:
        return "ok"
    return f"{limited.scope}{'!' if limited.notify else ''}"


def test_a_member_gets_a_burst_then_one_every_window_over_limit_and_one_notice_per_window() -> None:
    clock = Clock()
    limits = AutoSummaryLimits(monotonic=clock)
    assert [take(limits) for _ in range(4)] == ["ok", "ok", "member!", "member"]
    clock.now += 299                     # 10 min / 2 = one summary every 300 s
    assert take(limits) == "member"
    clock.now += 1
    assert [take(limits), take(limits)] == ["ok", "member"]
    clock.now += 600                     # a new window: two more, and a new notice when they are used
    assert [take(limits) for _ in range(3)] == ["ok", "ok", "member!"]


def test_the_channel_limit_counts_every_member_and_a_refusal_takes_nothing() -> None:
    limits = AutoSummaryLimits(monotonic=Clock())
    assert [take(limits, user=u) for u in (1, 1, 1, 2, 3)] == ["ok", "ok", "member!", "ok", "channel!"]
    assert take(limits, user=4) == "channel"              # said once: quiet now
    # Member 3 was refused by the channel: that cost them nothing, and another channel has its own bucket.
    assert [take(limits, user=3, channel=11) for _ in range(3)] == ["ok", "ok", "member!"]


def test_zero_means_no_limit_and_a_new_limit_applies_at_once() -> None:
    limits = AutoSummaryLimits(monotonic=Clock())
    assert all(take(limits, member=0, per_channel=0) == "ok" for _ in range(100))
    assert take(limits, user=5, member=1) == "ok"
    assert take(limits, user=5, member=1) == "member!"
    assert [take(limits, user=5, member=3) for _ in range(3)] == ["ok", "ok", "member"]   # raised: 2 more


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
