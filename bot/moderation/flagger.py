"""Flagging logged messages for moderators with the local rules, off the hot path; a flag never edits or
deletes anything.

Two ways in, one set of flags (a flag is unique per message, category and provider, so whichever path
stores it first wins and moderators hear of it once):
- live: the log service hands every message it queues to `observe`; `check_live` (a background job woken
  by new rows) checks them against the stateless rules at once: the guild's words and /regexes/, mass
  mentions, invite links. Word rules fire within a moment of the message. The rules are matched in the
  worker pool's threads, one trip per batch (an admin's regex is matched by RE2, in linear time).
- in order: `run_once` reads committed messages after a persistent cursor (id order, i.e. time order for
  Discord snowflakes), `settle_ms` behind the clock so a message committed a little after a newer one is
  not passed over, and runs every rule including flooding (which needs the messages in order). The
  cursor moves in the same transaction as the flags of the messages it passes, so a restart neither skips
  nor repeats. This pass never waits on anything remote: the moderation endpoint has its own pass and
  cursor (bot/moderation/endpoint_scan.py).

A process running some of the gateway shards (`shards`) scans only its shards' guilds, with a cursor per
shard ("flagger:0/4", see `ShardCursors`): no two processes scan one guild, and a shard keeps its place
when it moves to another process. Unsharded, one cursor ("flagger") covers every guild.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.logbook.rows import MessageRow
from bot.moderation.rules import FLOOD_REPEAT_MS, FloodWindow, check_batch
from bot.settings.guild import GuildSettings
from bot.store import moderation as store
from bot.store.db import Database
from bot.store.moderation import Flag, ScanRow
from bot.util.shards import Shards
from bot.util.timeutil import ms_to_snowflake, now_ms
from bot.util.workers import Workers

log = logging.getLogger(__name__)

CURSOR_NAME = "flagger"
SETTLE_MS = 10_000              # how far the in-order scan stays behind the clock
FIRST_RUN_LOOKBACK_MS = 3_600_000   # with no cursor yet, start an hour back (not the whole history)
LIVE_CAPACITY = 10_000          # rows waiting for the live check; older ones are left to the in-order scan
RULES_PROVIDER, OPENAI_PROVIDER = "rules", "openai"

SettingsFor = Callable[[int], Awaitable[GuildSettings]]
FlagListener = Callable[[list[Flag]], Awaitable[None]]


@dataclass(slots=True)
class FlaggerStats:
    processed: int = 0           # messages the in-order scan passed
    live_checked: int = 0        # messages checked by the live path
    flags: int = 0
    endpoint_calls: int = 0
    rate_limited: int = 0
    errors: int = 0


async def notify(on_flags: FlagListener | None, new: list[Flag]) -> None:
    """Tell the listener (the moderators' channel) about new flags; its failure never loses a flag."""
    if not new or on_flags is None:
        return
    try:
        await on_flags(new)
    except Exception:
        log.exception("flag listener failed for %d new flags", len(new))


async def start_cursor(db: Database, names: Sequence[str], lookback_ms: int, clock_ms: Callable[[], int]) -> int:
    """The first stored cursor among `names`, else `lookback_ms` before now."""
    for name in names:
        stored = await store.get_cursor(db, name)
        if stored is not None:
            return stored
    return ms_to_snowflake(clock_ms() - lookback_ms)


class ShardCursors:
    """A scan's cursor name(s) and message filter for the shards a process runs."""

    def __init__(self, name: str, shards: Shards | None) -> None:
        self.name = name
        self.shards = None if shards is None or shards.everything else shards
        self.names = [name] if self.shards is None else [f"{name}:{i}/{self.shards.count}" for i in self.shards.ids]

    @property
    def scope(self) -> tuple[tuple[int, ...], int] | None:
        """For `store.messages_after(shards=...)`."""
        return None if self.shards is None else (self.shards.ids, self.shards.count)

    async def start(self, db: Database, lookback_ms: int, clock_ms: Callable[[], int],
                    fallbacks: Sequence[str] = ()) -> int:
        """Where the scan resumes: the cursor furthest behind among this process's shards (each falling back
        to the unsharded cursor, then `fallbacks`, then `lookback_ms` before now). A message checked twice is
        flagged once: flags are unique per message, category and provider."""
        chain = [self.name, *fallbacks]
        return min([await start_cursor(db, [name, *(c for c in chain if c != name)], lookback_ms, clock_ms)
                    for name in self.names])

    def at(self, message_id: int) -> list[tuple[str, int]]:
        """Every cursor of this process at `message_id` (for `store.save_flags(cursor=...)`)."""
        return [(name, message_id) for name in self.names]


def scan_row(row: MessageRow) -> ScanRow:
    return ScanRow(row.id, row.guild_id, row.location, row.author_id,
                   None if row.opted_out else row.content, row.created_at)


class Flagger:
    def __init__(self, db: Database, settings_for: SettingsFor, *, on_flags: FlagListener | None = None,
                 cursor_name: str = CURSOR_NAME, settle_ms: int = SETTLE_MS,
                 first_run_lookback_ms: int = FIRST_RUN_LOOKBACK_MS, clock_ms: Callable[[], int] = now_ms,
                 live_capacity: int = LIVE_CAPACITY, shards: Shards | None = None,
                 workers: Workers | None = None) -> None:
        self.db = db
        self.workers = workers      # the guild's rules (admins' regexes) are matched there
        self.settings_for = settings_for
        self.on_flags = on_flags
        self.cursor_name = cursor_name
        self.cursors = ShardCursors(cursor_name, shards)
        self.settle_ms = settle_ms
        self.first_run_lookback_ms = first_run_lookback_ms
        self._clock_ms = clock_ms
        self._cursor: int | None = None
        self._live: deque[ScanRow] = deque(maxlen=live_capacity)
        self._live_ready = asyncio.Event()
        self.window = FloodWindow()
        self.stats = FlaggerStats()

    # -- live ----------------------------------------------------------------------------------

    def observe(self, op: object) -> None:
        """A log-service observer: remember queued messages for the live check (never blocks)."""
        if isinstance(op, MessageRow) and op.content and not op.opted_out:
            self._live.append(scan_row(op))
            self._live_ready.set()

    async def check_live(self) -> int:
        """Check the messages observed so far with the stateless rules; returns how many were checked."""
        rows = list(self._live)
        self._live.clear()
        self._live_ready.clear()
        if not rows:
            return 0
        flags = await self._rule_flags(rows, flood=False)
        new = await store.save_flags(self.db, flags) if flags else []
        self.stats.live_checked += len(rows)
        self.stats.flags += len(new)
        await notify(self.on_flags, new)
        return len(rows)

    async def run_live(self, interval: float = 5.0) -> float:
        """One run of the live job: wait (up to `interval`) until messages arrive, then check them."""
        if not self._live:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._live_ready.wait(), interval)
        await self.check_live()
        return 0.0

    # -- in order ------------------------------------------------------------------------------

    async def _load_cursor(self) -> int:
        stored = await self.cursors.start(self.db, self.first_run_lookback_ms, self._clock_ms)
        # Seed the flood windows with the minute before the cursor, so a restart does not forget a flood.
        seed_from = max(0, stored - (FLOOD_REPEAT_MS << 22))
        for row in await store.messages_after(self.db, seed_from, stored, 10_000, shards=self.cursors.scope):
            self.window.observe(row)
        return stored

    async def run_once(self, limit: int = 500) -> int:
        """Check up to `limit` messages after the cursor; returns how many the cursor moved past."""
        if self._cursor is None:
            self._cursor = await self._load_cursor()
        up_to = ms_to_snowflake(self._clock_ms() - self.settle_ms) - 1
        rows = await store.messages_after(self.db, self._cursor, up_to, limit, shards=self.cursors.scope)
        if not rows:
            return 0
        try:
            flags = await self._rule_flags(rows, flood=True)
            new = await store.save_flags(self.db, flags, cursor=self.cursors.at(rows[-1].id))
        except BaseException:
            # The flood windows saw messages whose flags were not stored: start afresh from the cursor.
            self._cursor, self.window = None, FloodWindow()
            raise
        self._cursor = rows[-1].id
        self.stats.processed += len(rows)
        self.stats.flags += len(new)
        await notify(self.on_flags, new)
        return len(rows)

    async def run(self, interval: float = 5.0, *, limit: int = 500) -> float:
        """One run for the bot's background jobs; returns the seconds until the next: none while there is a
        backlog, else `interval`."""
        done = await self.run_once(limit)
        return 0.0 if done >= limit else interval

    async def _rule_flags(self, rows: Sequence[ScanRow], *, flood: bool) -> list[Flag]:
        at = self._clock_ms()
        rules: dict[int, tuple[str, ...]] = {}
        for r in rows:
            if r.content is not None and r.guild_id not in rules:
                rules[r.guild_id] = tuple((await self.settings_for(r.guild_id)).mod_rules)
        checked = [r for r in rows if r.content is not None]
        items = [(r.content or "", rules[r.guild_id]) for r in checked]
        # RE2 matches in linear time, so no deadline is needed: the pool's threads keep it off the loop
        # without a trip to another process for every batch of live messages.
        found = await (self.workers.run_thread(check_batch, items) if self.workers is not None
                       else asyncio.to_thread(check_batch, items))
        flags: list[Flag] = []
        for r, hits in zip(checked, found, strict=True):
            if flood and (burst := self.window.observe(r)):
                hits.append(("flood", burst))
            flags.extend(Flag(r.guild_id, r.location, r.id, r.author_id, category, 1.0, RULES_PROVIDER, detail,
                              r.created_at, at) for category, detail in hits)
        return flags
