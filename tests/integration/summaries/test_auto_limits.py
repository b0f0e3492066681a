"""Limits on automatic summaries per member and per channel, kept in the store on both backends, on a
clock the test moves: a burst, then one per window / limit, one notice per window; and shared by every
process on the store (a second handle counts against the same buckets)."""

from __future__ import annotations

from bot.store import ratelimits
from bot.store.db import Database
from bot.summaries.limits import AutoSummaryLimits

START_MS = 1_790_000_000_000


class Clock:
    def __init__(self) -> None:
        self.now = START_MS

    def __call__(self) -> int:
        return self.now


async def take(limits: AutoSummaryLimits, user: int = 1, channel: int = 10, *, member: int = 2,
               per_channel: int = 3, minutes: int = 10) -> str:
    limited = await limits.take(guild_id=7, channel_id=channel, user_id=user, member_limit=member,
                                channel_limit=per_channel, window_minutes=minutes)
    if limited is None:
        return "ok"
    return f"{limited.scope}{'!' if limited.notify else ''}"


async def test_a_member_gets_a_burst_then_one_every_window_over_limit_and_one_notice_per_window(
        db: Database) -> None:
    clock = Clock()
    limits = AutoSummaryLimits(db, clock=clock)
    assert [await take(limits) for _ in range(4)] == ["ok", "ok", "member!", "member"]
    clock.now += 299_000                 # 10 min / 2 = one summary every 300 s
    assert await take(limits) == "member"
    clock.now += 1_000
    assert [await take(limits), await take(limits)] == ["ok", "member"]
    clock.now += 600_000                 # a new window: two more, and a new notice when they are used
    assert [await take(limits) for _ in range(3)] == ["ok", "ok", "member!"]


async def test_the_channel_limit_counts_every_member_and_a_refusal_takes_nothing(db: Database) -> None:
    limits = AutoSummaryLimits(db, clock=Clock())
    assert [await take(limits, user=u) for u in (1, 1, 1, 2, 3)] == ["ok", "ok", "member!", "ok", "channel!"]
    assert await take(limits, user=4) == "channel"              # said once: quiet now
    # Member 3 was refused by the channel: that cost them nothing, and another channel has its own bucket.
    assert [await take(limits, user=3, channel=11) for _ in range(3)] == ["ok", "ok", "member!"]


async def test_zero_means_no_limit_and_a_new_limit_applies_at_once(db: Database) -> None:
    limits = AutoSummaryLimits(db, clock=Clock())
    assert [await take(limits, member=0, per_channel=0) for _ in range(100)] == ["ok"] * 100
    assert await take(limits, user=5, member=1) == "ok"
    assert await take(limits, user=5, member=1) == "member!"
    assert [await take(limits, user=5, member=3) for _ in range(3)] == ["ok", "ok", "member"]   # raised: 2 more


async def test_processes_sharing_the_store_share_the_limits(db: Database) -> None:
    """Two processes (two handles on one store, each with its own limiter) count against one bucket: the
    member's burst of two is spent across both, and the notice is given once, by whichever refuses first."""
    clock = Clock()
    async with db.clone() as other:
        here, there = AutoSummaryLimits(db, clock=clock), AutoSummaryLimits(other, clock=clock)
        assert [await take(here), await take(there), await take(there), await take(here)] == [
            "ok", "ok", "member!", "member"]
        assert [await take(there, user=2), await take(here, user=3)] == ["ok", "channel!"]


async def test_full_and_quiet_buckets_are_forgotten(db: Database) -> None:
    clock = Clock()
    limits = AutoSummaryLimits(db, clock=clock)
    assert [await take(limits, user=u) for u in (1, 2)] == ["ok", "ok"]
    assert await take(limits, user=1, member=1) == "member!"   # user 1: quiet until a window from now
    assert await ratelimits.prune(db, before=clock.now) == 0
    clock.now += 400_000                 # user 2 (one per 300 s) and the channel (one per 200 s) are full again
    assert await ratelimits.prune(db, before=clock.now + 1) == 2
    clock.now += 200_000                 # user 1's notice was a window (600 s) ago
    assert await ratelimits.prune(db, before=clock.now + 1) == 1
    assert [await take(limits, user=1, member=1), await take(limits, user=1, member=1)] == ["ok", "member!"]
