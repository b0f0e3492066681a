"""Single-flight: concurrent callers asking for the same key share one piece of work, in one process
(`SingleFlight`) and across processes sharing a store (`SharedFlight`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from bot.store import leases
from bot.store.db import Database
from bot.util.timeutil import now_ms

T = TypeVar("T")


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task[T]] = {}

    async def run(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(work())
            self._running[key] = task
            task.add_done_callback(lambda _: self._running.pop(key, None))
        # shield: one impatient caller being cancelled must not cancel the work the others wait for
        return await asyncio.shield(task)

    def __len__(self) -> int:
        return len(self._running)


Ready = Callable[[], Awaitable[T | None]]


class SharedFlight(Generic[T]):
    """Single-flight across processes sharing one store: one process does the work, the others wait for
    its result to appear in the store.

    Within a process, callers of one key share one task (`SingleFlight`). That task loops: the result
    already stored (`ready`) is returned; else whoever takes the key's lease (bot/store/leases.py) does
    the work, stores the result and lets go; the others poll `ready`, backing off, until the result is
    there or the lease is free again (the worker failed, or died and its lease expired)."""

    def __init__(self, db: Database, *, prefix: str, lease_ms: int = 300_000, clock: Callable[[], int] = now_ms,
                 first_poll: float = 0.05, max_poll: float = 1.0) -> None:
        self._db = db
        self._prefix = prefix
        self._lease_ms = lease_ms
        self._clock = clock
        self._first_poll, self._max_poll = first_poll, max_poll
        self._holder = leases.new_holder()
        self._local: SingleFlight[T] = SingleFlight()

    async def run(self, key: str, ready: Ready[T], work: Callable[[], Awaitable[T]]) -> T:
        return await self._local.run(key, lambda: self._run(key, ready, work))

    async def _run(self, key: str, ready: Ready[T], work: Callable[[], Awaitable[T]]) -> T:
        name = f"{self._prefix}:{key}"
        poll = self._first_poll
        while True:
            found = await ready()
            if found is not None:
                return found
            if await leases.take(self._db, name, now=self._clock(), ttl_ms=self._lease_ms, holder=self._holder):
                try:
                    # The last holder may have stored its result between our look and our take.
                    found = await ready()
                    return found if found is not None else await work()
                finally:
                    await asyncio.shield(leases.release(self._db, name, self._holder))
            await asyncio.sleep(poll)
            poll = min(poll * 1.5, self._max_poll)

    def __len__(self) -> int:
        return len(self._local)
