"""LLM token usage rows and their sums."""

from __future__ import annotations

from dataclasses import dataclass

from bot.llm.base import TokenUsage
from bot.store.db import Database, Statement


@dataclass(frozen=True, slots=True)
class UsageRow:
    key: str            # the feature, the member id or the day, depending on the grouping
    prompt_tokens: int
    completion_tokens: int
    calls: int

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


DAY_MS = 86_400_000


async def record(db: Database, *, guild_id: int | None, user_id: int | None, feature: str, model: str | None,
                 usage: TokenUsage, at: int) -> None:
    """Store the call and add its tokens to the guild's day, in one transaction (an atomic increment:
    processes recording at once all count)."""
    statements: list[Statement] = [(
        "INSERT INTO llm_usage (guild_id, user_id, feature, model, prompt_tokens, completion_tokens, calls, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, feature, model, usage.prompt_tokens, usage.completion_tokens, usage.calls, at), False)]
    if guild_id is not None:
        statements.append((
            "INSERT INTO token_days (guild_id, day, tokens) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, day) DO UPDATE SET tokens = token_days.tokens + excluded.tokens",
            (guild_id, at // DAY_MS * DAY_MS, usage.total), False))
    await db.transaction(statements)


async def tokens_on_day(db: Database, guild_id: int, day_start: int) -> int:
    """Tokens the guild spent on the UTC day starting at `day_start` (unix ms of 00:00)."""
    row = await db.fetchone("SELECT tokens FROM token_days WHERE guild_id = ? AND day = ?", (guild_id, day_start),
                            read=True)
    return int(row[0]) if row else 0


def _group(db: Database, by: str) -> str:
    return {"feature": "feature", "member": "CAST(user_id AS TEXT)",
            "day": db.dialect.utc_day("created_at")}[by]


async def breakdown(db: Database, guild_id: int, since: int, by: str) -> list[UsageRow]:
    group = _group(db, by)
    rows = await db.fetchall(
        f"SELECT {group} AS k, sum(prompt_tokens) AS p, sum(completion_tokens) AS c, sum(calls) AS n "
        f"FROM llm_usage WHERE guild_id = ? AND created_at >= ? GROUP BY k "
        f"ORDER BY sum(prompt_tokens) + sum(completion_tokens) DESC, k",
        (guild_id, since), read=True)
    return [UsageRow(str(r["k"]), int(r["p"]), int(r["c"]), int(r["n"])) for r in rows]
