"""The message-log writer: handlers enqueue, one task commits batches.

- Batches close by count (`max_batch`) or by time (`max_delay` after the first row), and commit with
  executemany in one transaction.
- A full queue makes `put` wait (backpressure); nothing is dropped.
- Transient database errors (locked, busy, disk full, I/O, a lost server connection) are retried with
  backoff while the rows wait in memory; a batch that fails for any other reason is split until the bad row is isolated,
  and that row goes to `log_dead_letters` instead of vanishing.
- `flush()` waits until everything enqueued before it is committed; `stop()` flushes and ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.store import logbook
from bot.store.db import Database
from bot.store.logbook import LogOp
from bot.util.timeutil import now_ms

log = logging.getLogger(__name__)

@dataclass(slots=True)
class _Barrier:
    done: asyncio.Future[None]


@dataclass(slots=True)
class WriterStats:
    committed: int = 0
    batches: int = 0
    retries: int = 0
    dead_letters: int = 0
    largest_batch: int = 0
    last_error: str | None = field(default=None)


class LogWriter:
    def __init__(self, db: Database, *, max_batch: int = 2_000, max_delay: float = 0.2,
                 max_queue: int = 50_000, max_backoff: float = 30.0) -> None:
        self._db = db
        self._queue: asyncio.Queue[LogOp | _Barrier] = asyncio.Queue(max_queue)
        self._max_batch = max_batch
        self._max_delay = max_delay
        self._max_backoff = max_backoff
        self._task: asyncio.Task[None] | None = None
        self.stats = WriterStats()

    # -- producer side -------------------------------------------------------------------------

    async def put(self, op: LogOp) -> None:
        await self._queue.put(op)

    def put_nowait(self, op: LogOp) -> bool:
        """Enqueue without waiting; False when the queue is full (the caller must then `await put`)."""
        try:
            self._queue.put_nowait(op)
        except asyncio.QueueFull:
            return False
        return True

    async def flush(self) -> None:
        """Return once everything enqueued before this call is committed."""
        if self._task is None or self._task.done():
            raise RuntimeError("the log writer is not running")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Barrier(done))
        await done

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="log-writer")

    async def stop(self) -> None:
        """Flush everything, then stop the writer task."""
        if self._task is None:
            return
        if not self._task.done():
            await self.flush()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    # -- consumer side -------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            first = await self._queue.get()
            batch: list[LogOp] = []
            barriers: list[_Barrier] = []
            (barriers if isinstance(first, _Barrier) else batch).append(first)  # type: ignore[arg-type]
            deadline = loop.time() + self._max_delay
            while len(batch) < self._max_batch and not barriers:
                try:
                    item = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        item = await asyncio.wait_for(self._queue.get(), remaining)
                    except TimeoutError:
                        break
                (barriers if isinstance(item, _Barrier) else batch).append(item)  # type: ignore[arg-type]
            if batch:
                try:
                    await self._commit(batch)
                except Exception:   # the writer must outlive any batch: flush() and stop() wait on it
                    log.exception("log writer failed on a batch of %d rows; carrying on", len(batch))
            for barrier in barriers:
                if not barrier.done.done():
                    barrier.done.set_result(None)

    async def _retrying(self, action: Callable[[], Awaitable[None]], pending: int) -> None:
        """Run `action`, retrying transient database errors with backoff; other errors propagate."""
        delay = 0.05
        while True:
            try:
                await action()
                return
            except Exception as exc:
                if not self._db.is_transient(exc):
                    raise
                self.stats.retries += 1
                self.stats.last_error = str(exc)
                log.warning("log database unavailable (%s); %d rows wait in memory, retrying in %.1f s",
                            exc, pending + self._queue.qsize(), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_backoff)

    async def _commit(self, batch: list[LogOp]) -> None:
        try:
            await self._retrying(lambda: self._write(batch), len(batch))
        except Exception as exc:
            log.error("log batch of %d failed (%s); isolating the bad rows", len(batch), exc)
            await self._isolate(batch)

    async def _write(self, batch: Sequence[LogOp]) -> None:
        await logbook.apply(self._db, batch)
        self.stats.committed += len(batch)
        self.stats.batches += 1
        self.stats.largest_batch = max(self.stats.largest_batch, len(batch))

    async def _isolate(self, batch: Sequence[LogOp]) -> None:
        if len(batch) == 1:
            try:
                await self._retrying(lambda: self._write(batch), 1)
            except Exception as exc:
                log.error("log row could not be stored; kept in log_dead_letters: %r", batch[0])
                self.stats.dead_letters += 1
                await self._dead_letter(batch[0], str(exc))
            return
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            try:
                await self._write(half)
            except Exception:
                await self._isolate(half)

    async def _dead_letter(self, op: LogOp, error: str) -> None:
        try:
            await self._retrying(lambda: logbook.store_dead_letter(self._db, op, error, now_ms()), 1)
        except Exception as exc:
            log.error("not even the dead letter could be stored (%s); the row survives only in this "
                      "log line: %r", exc, op)
