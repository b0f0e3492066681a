"""Cost control: per-guild daily token budgets, per-member cooldowns, and usage accounting.

All of it lives in the database, so every bot process (shard) and every restart sees the same state:
tokens are added to the guild's day in the same transaction as the usage row (an atomic increment) and
the budget check is one primary-key read; cooldowns and the once-a-day "budget spent" note are leases
(bot/store/leases.py) that exactly one process can take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.llm.base import TokenUsage
from bot.settings.guild import GuildSettingsService
from bot.store import leases
from bot.store import usage as store
from bot.store.db import Database
from bot.store.usage import DAY_MS, UsageRow
from bot.util.timeutil import now_ms

BUDGET_SPENT_NOTE = "Today's AI budget for this server is spent, so I used the built-in summariser and answerer."


def day_start_ms(at_ms: int) -> int:
    day = datetime.fromtimestamp(at_ms / 1000, tz=UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return int(day.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class UsageSummary:
    since: int
    budget: int
    spent_today: int
    total: UsageRow
    by_feature: list[UsageRow]
    by_member: list[UsageRow]
    by_day: list[UsageRow]


class Budget:
    def __init__(self, db: Database, guild_settings: GuildSettingsService, *,
                 clock: Callable[[], int] = now_ms) -> None:
        self._db = db
        self._settings = guild_settings
        self._clock = clock

    async def _spent_today(self, guild_id: int) -> int:
        return await store.tokens_on_day(self._db, guild_id, day_start_ms(self._clock()))

    async def allows_llm(self, guild_id: int | None) -> bool:
        """False when the guild's daily token budget is 0 or spent. Calls outside a guild (CLI) are allowed."""
        if guild_id is None:
            return True
        limit = (await self._settings.get(guild_id)).daily_tokens
        return limit > 0 and await self._spent_today(guild_id) < limit

    async def note_once(self, guild_id: int | None) -> str | None:
        """The 'budget spent' note, once per guild per UTC day (across processes and restarts)."""
        if guild_id is None:
            return None
        now = self._clock()
        day = day_start_ms(now)
        taken = await leases.take(self._db, f"budget-note:{guild_id}:{day}", now=now, ttl_ms=day + 2 * DAY_MS - now)
        return BUDGET_SPENT_NOTE if taken else None

    async def record(self, *, guild_id: int | None, user_id: int | None, feature: str, model: str | None,
                     usage: TokenUsage) -> None:
        if usage.calls == 0 and usage.total == 0:
            return
        await store.record(self._db, guild_id=guild_id, user_id=user_id, feature=feature, model=model,
                           usage=usage, at=self._clock())

    async def cooldown(self, guild_id: int, user_id: int, feature: str, seconds: int) -> float | None:
        """Seconds left before the member may use `feature` again, or None (and the clock starts now)."""
        if seconds <= 0:
            return None
        name = f"cooldown:{feature}:{guild_id}:{user_id}"
        now = self._clock()
        if await leases.take(self._db, name, now=now, ttl_ms=seconds * 1000):
            return None
        ends = await leases.expires_at(self._db, name)
        return max(0.001, ((ends or now) - now) / 1000)

    async def summary(self, guild_id: int, since: int) -> UsageSummary:
        by_feature = await store.breakdown(self._db, guild_id, since, "feature")
        total = UsageRow("total", sum(r.prompt_tokens for r in by_feature),
                         sum(r.completion_tokens for r in by_feature), sum(r.calls for r in by_feature))
        return UsageSummary(
            since=since, budget=(await self._settings.get(guild_id)).daily_tokens,
            spent_today=await self._spent_today(guild_id), total=total, by_feature=by_feature,
            by_member=await store.breakdown(self._db, guild_id, since, "member"),
            by_day=await store.breakdown(self._db, guild_id, since, "day"))
