"""Cost control: per-guild daily token budgets, per-member cooldowns, and usage accounting.

Spending is counted in memory per guild and UTC day (seeded once from the database), so checking the
budget on the hot path costs no query; every LLM call is also stored for /usage and reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.llm.base import TokenUsage
from bot.settings.guild import GuildSettingsService
from bot.store import usage as store
from bot.store.db import Database
from bot.store.usage import UsageRow
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
                 clock: Callable[[], int] = now_ms, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._settings = guild_settings
        self._clock = clock
        self._monotonic = monotonic
        self._spent: dict[int, tuple[int, int]] = {}        # guild -> (day start, tokens)
        self._noted: dict[int, int] = {}                     # guild -> day the "budget spent" note was shown
        self._cooldowns: dict[tuple[int, int, str], float] = {}

    async def _spent_today(self, guild_id: int) -> int:
        today = day_start_ms(self._clock())
        day, tokens = self._spent.get(guild_id, (-1, 0))
        if day != today:
            tokens = await store.tokens_since(self._db, guild_id, today)
            self._spent[guild_id] = (today, tokens)
        return tokens

    async def allows_llm(self, guild_id: int | None) -> bool:
        """False when the guild's daily token budget is 0 or spent. Calls outside a guild (CLI) are allowed."""
        if guild_id is None:
            return True
        limit = (await self._settings.get(guild_id)).daily_tokens
        return limit > 0 and await self._spent_today(guild_id) < limit

    def note_once(self, guild_id: int | None) -> str | None:
        """The 'budget spent' note, once per guild per UTC day."""
        if guild_id is None:
            return None
        today = day_start_ms(self._clock())
        if self._noted.get(guild_id) == today:
            return None
        self._noted[guild_id] = today
        return BUDGET_SPENT_NOTE

    async def record(self, *, guild_id: int | None, user_id: int | None, feature: str, model: str | None,
                     usage: TokenUsage) -> None:
        if usage.calls == 0 and usage.total == 0:
            return
        at = self._clock()
        if guild_id is not None:
            await self._spent_today(guild_id)   # seed before inserting, so this call is counted once
        await store.record(self._db, guild_id=guild_id, user_id=user_id, feature=feature, model=model,
                           usage=usage, at=at)
        if guild_id is not None:
            day, tokens = self._spent[guild_id]
            if day == day_start_ms(at):
                self._spent[guild_id] = (day, tokens + usage.total)

    def cooldown(self, guild_id: int, user_id: int, feature: str, seconds: int) -> float | None:
        """Seconds left before the member may use `feature` again, or None (and the clock starts now)."""
        if seconds <= 0:
            return None
        key = (guild_id, user_id, feature)
        now = self._monotonic()
        ready_at = self._cooldowns.get(key, 0.0)
        if now < ready_at:
            return ready_at - now
        self._cooldowns[key] = now + seconds
        if len(self._cooldowns) > 10_000:   # forget expired entries now and then
            self._cooldowns = {k: v for k, v in self._cooldowns.items() if v > now}
        return None

    async def summary(self, guild_id: int, since: int) -> UsageSummary:
        by_feature = await store.breakdown(self._db, guild_id, since, "feature")
        total = UsageRow("total", sum(r.prompt_tokens for r in by_feature),
                         sum(r.completion_tokens for r in by_feature), sum(r.calls for r in by_feature))
        return UsageSummary(
            since=since, budget=(await self._settings.get(guild_id)).daily_tokens,
            spent_today=await self._spent_today(guild_id), total=total, by_feature=by_feature,
            by_member=await store.breakdown(self._db, guild_id, since, "member"),
            by_day=await store.breakdown(self._db, guild_id, since, "day"))
