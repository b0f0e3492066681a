"""Which gateway shards a process runs, and so which guilds are its own.

Discord puts a guild on shard `(guild_id >> 22) % shard_count`. Several processes (or machines) each run
some of the shards against one PostgreSQL store; per-guild background work (flagging, digests, backfill,
retention) runs only in the process that owns the guild's shard.
"""

from __future__ import annotations

from dataclasses import dataclass


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class Shards:
    ids: tuple[int, ...]
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("the shard count must be at least 1")
        if not self.ids or any(not 0 <= i < self.count for i in self.ids) or len(set(self.ids)) != len(self.ids):
            raise ValueError(f"shard ids must be distinct numbers from 0 to {self.count - 1}")

    @classmethod
    def parse(cls, count: int, ids: str | None) -> Shards:
        """From `--shard-count N` and `--shard-ids 0,1` (all N shards when ids are not given)."""
        if ids is None or not ids.strip():
            return cls(tuple(range(count)), count)
        try:
            parsed = tuple(int(part) for part in ids.split(",") if part.strip())
        except ValueError:
            raise ValueError(f"shard ids must be comma-separated numbers, not {ids!r}") from None
        return cls(parsed, count)

    @property
    def everything(self) -> bool:
        return len(self.ids) == self.count

    def owns(self, guild_id: int) -> bool:
        return self.everything or shard_of(guild_id, self.count) in self.ids

    def __str__(self) -> str:
        return f"shards {','.join(map(str, self.ids))} of {self.count}"


ALL = Shards((0,), 1)
