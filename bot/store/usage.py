"""LLM token usage rows and their sums."""

from __future__ import annotations

from dataclasses import dataclass

from bot.llm.base import TokenUsage
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class UsageRow:
    key: str            # the feature, the member id or the day, depending on the grouping
    prompt_tokens: int
    completion_tokens: int
    calls: int

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


async def record(db: Database, *, guild_id: int | None, user_id: int | None, feature: str, model: str | None,
                 usage: TokenUsage, at: int) -> None:
    await db.execute(
        "INSERT INTO llm_usage (guild_id, user_id, feature, model, prompt_tokens, completion_tokens, calls, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, feature, model, usage.prompt_tokens, usage.completion_tokens, usage.calls, at))


async def tokens_since(db: Database, guild_id: int, since: int) -> int:
    row = await db.fetchone("SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM llm_usage "
                            "WHERE guild_id = ? AND created_at >= ?", (guild_id, since))
    return int(row[0]) if row else 0


_GROUPS = {
    "feature": "feature",
    "member": "CAST(user_id AS TEXT)",
    "day": "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')",
}


async def breakdown(db: Database, guild_id: int, since: int, by: str) -> list[UsageRow]:
    group = _GROUPS[by]
    rows = await db.fetchall(
        f"SELECT {group} AS k, sum(prompt_tokens) AS p, sum(completion_tokens) AS c, sum(calls) AS n "
        f"FROM llm_usage WHERE guild_id = ? AND created_at >= ? GROUP BY k ORDER BY (p + c) DESC, k",
        (guild_id, since), read=True)
    return [UsageRow(str(r["k"]), int(r["p"]), int(r["c"]), int(r["n"])) for r in rows]
