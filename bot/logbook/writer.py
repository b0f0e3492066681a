"""The message-log writer: handlers enqueue, one task commits batches.

- Batches close by count (`max_batch`) or by time (`max_delay` after the first row), and commit with
  executemany in one transaction.
- A full queue makes `put` wait (backpressure); nothing is dropped.
- Transient database errors (locked, busy, disk full, I/O, a lost server connection) are retried with
  backoff while the rows wait in memory; a batch that fails for any other reason is split until the bad
  row is isolated, and that row's ids (never its content) go to `log_dead_letters` instead of vanishing.
- `flush()` waits until everything enqueued before it is committed; `stop()` flushes and ends within a
  deadline: rows the database has not taken by then (disk full, locked, a server that does not answer) go
  to the spill file, and the next start commits them before anything else (bot/logbook/spill.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.logbook.spill import read_spill, write_spill
from bot.store import logbook
from bot.store.db import Database
from bot.store.logbook import LogOp, op_ids
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
    spilled: int = 0
    replayed: int = 0
    largest_batch: int = 0
    last_error: str | None = field(default=None)


class LogWriter:
    def __init__(self, db: Database, *, max_batch: int = 2_000, max_delay: float = 0.2,
                 max_queue: int = 50_000, max_backoff: float = 30.0, spill_path: Path | None = None,
                 stop_timeout: float = 10.0) -> None:
        self._db = db
        self._spill_path = spill_path
        self._stop_timeout = stop_timeout
        self._inflight: list[LogOp] = []    # taken from the queue, not committed yet
        self._replay: list[LogOp] = []      # read from the spill file at start, committed first
        self._replayed: asyncio.Future[None] | None = None
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
        """Start the writer task. What the last stop spilled is read here, synchronously, so it is
        committed before any row enqueued after this call (the file is small, and this runs at start-up)."""
        if self._task is None or self._task.done():
            self._replay = read_spill(self._spill_path) if self._spill_path is not None else []
            self._replayed = asyncio.get_running_loop().create_future()
            self._task = asyncio.create_task(self._run(), name="log-writer")

    async def replay_spill(self, timeout: float | None = None) -> int:
        """Wait (up to `timeout`, default the stop deadline) until the spilled rows are committed and the
        file is gone; returns how many rows the last stop had spilled."""
        if self._task is None or not self._replay:
            return 0
        count, replayed = len(self._replay), self._replayed
        assert replayed is not None
        try:
            await asyncio.wait_for(asyncio.shield(replayed), self._stop_timeout if timeout is None else timeout)
        except TimeoutError:
            log.warning("the database has not taken the %d spilled log rows yet; they wait in memory", count)
        return count

    async def _replay_first(self) -> None:
        ops = self._replay
        for first in range(0, len(ops), self._max_batch):
            self._inflight = ops[first:]   # a stop meanwhile spills everything not committed yet
            await self._commit(ops[first:first + self._max_batch])
        self._inflight = []
        if self._spill_path is not None:
            await asyncio.to_thread(self._spill_path.unlink, missing_ok=True)
        self.stats.replayed += len(ops)
        log.info("replayed %d log rows spilled at the last shutdown", len(ops))
        if self._replayed is not None:
            self._replayed.set_result(None)

    async def stop(self, timeout: float | None = None) -> None:
        """Flush for at most `timeout` seconds, then stop the writer task; rows still not committed go
        to the spill file (or, with none, are reported lost). Never waits longer than the deadline for
        the database."""
        if self._task is None:
            return
        task, self._task = self._task, None
        deadline = self._stop_timeout if timeout is None else timeout
        if not task.done():
            try:
                await asyncio.wait_for(self._flush_task(task), deadline)
            except TimeoutError:
                log.warning("the log database took no rows for %.0f s; stopping the writer anyway", deadline)
            task.cancel()
            # A statement blocked on a lock ends within the busy timeout; we do not wait for it.
            await asyncio.wait({task}, timeout=1.0)
        pending = self._inflight + [op for op in self._drain() if not isinstance(op, _Barrier)]
        self._inflight = []
        if pending:
            await self._spill(pending)

    async def _flush_task(self, task: asyncio.Task[None]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Barrier(done))
        await asyncio.wait({done, task}, return_when=asyncio.FIRST_COMPLETED)

    def _drain(self) -> list[LogOp | _Barrier]:
        items: list[LogOp | _Barrier] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return items
            if isinstance(item, _Barrier) and not item.done.done():
                item.done.cancel()   # flush() callers stop waiting: nothing more will be committed
            items.append(item)

    async def _spill(self, ops: list[LogOp]) -> None:
        if self._spill_path is None:
            log.error("%d log rows were not committed before the stop and there is no spill file: lost",
                      len(ops))
            return
        try:
            await asyncio.to_thread(write_spill, self._spill_path, ops)
        except OSError as exc:
            log.error("%d log rows could not be committed nor spilled to %s (%s): lost", len(ops),
                      self._spill_path, exc)
            return
        self.stats.spilled += len(ops)
        log.warning("%d log rows the database did not take were spilled to %s; the next start replays them",
                    len(ops), self._spill_path)

    # -- consumer side -------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        if self._replay:
            await self._replay_first()
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
                self._inflight = batch
                try:
                    await self._commit(batch)
                except Exception:   # the writer must outlive any batch: flush() and stop() wait on it
                    log.exception("log writer failed on a batch of %d rows; carrying on", len(batch))
                self._inflight = []
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
                log.error("log row could not be stored (%s); its ids are kept in log_dead_letters: %s",
                          exc, op_ids(batch[0]))
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
            log.error("not even the dead letter could be stored (%s); lost: %s", exc, op_ids(op))
