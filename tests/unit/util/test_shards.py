"""Which guilds a process owns: Discord's (guild_id >> 22) % shard_count rule."""

from __future__ import annotations

import pytest

from bot.util.shards import ALL, Shards, shard_of


def test_a_process_owns_the_guilds_of_its_shards() -> None:
    guilds = [(n << 22) | 77 for n in range(12)]
    assert [shard_of(g, 4) for g in guilds] == [0, 1, 2, 3] * 3
    mine = Shards.parse(4, "1,3")
    assert [g for g in guilds if mine.owns(g)] == [g for g in guilds if shard_of(g, 4) in (1, 3)]
    assert all(ALL.owns(g) for g in guilds) and Shards.parse(4, None).everything
    assert str(mine) == "shards 1,3 of 4"


@pytest.mark.parametrize(("count", "ids"), [(2, "2"), (2, "0,0"), (0, None), (2, "one"), (3, "-1")])
def test_impossible_shard_sets_are_refused(count: int, ids: str | None) -> None:
    with pytest.raises(ValueError):
        Shards.parse(count, ids)
