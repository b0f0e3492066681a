"""The worker pool: CPU-bound and untrusted work runs here, never on the event loop, each task with a deadline.

Why processes, not threads: pure-Python work in a thread still holds the GIL for the loop's turn, and C code
(a regex match, an lxml parse) holds it for the whole call; only another process leaves the loop free, and
only a process can be stopped when a task overruns (pebble terminates the worker and starts a new one). The
pool is the bot's own, apart from the default executor that DNS resolution uses.

Workers fork from a forkserver that has already imported the parsing stack, so a replacement for a stopped
worker starts in milliseconds and shares no threads or locks with the bot. Tasks are plain functions of text
or bytes that return dataclasses (they cross the process boundary by pickling). Log records a task emits are
replayed in the bot's process, so one logging configuration covers the workers too.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_DEADLINE = 30.0       # seconds a task may run when its caller names no tighter bound
_GRACE = 0.5                  # the caller stops waiting this long after the deadline even if the kill lags
# Imported once in the forkserver, so workers start with them loaded. bot.__main__ too: a worker re-runs the
# `precis` script's imports before its first task (multiprocessing prepares __main__ in every child).
PRELOAD = ("bot.util.workers", "bot.articles.parse", "bot.extractive.pooled", "bot.llm.openai_provider",
           "bot.moderation.rules", "bot.reports.digest", "bot.__main__")


def default_processes() -> int:
    """Two at least (one slow page must leave a worker for everyone else), at most four."""
    return min(4, max(2, os.cpu_count() or 2))


class WorkFailed(Exception):
    """The task did not finish: its worker died (a crash, out of memory) or was stopped."""


class WorkTimeout(WorkFailed):
    """The task overran its deadline; its worker was stopped."""


class WorkersClosed(WorkFailed):
    """The pool was closed (the bot is stopping) before the task finished."""


@dataclass(slots=True)
class _Outcome:
    """What a task sends back: its value or its exception, and the log records it emitted."""
    value: Any = None
    error: BaseException | None = None
    records: list[logging.LogRecord] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # As QueueHandler does: the message is formatted here, so arguments and tracebacks need not pickle.
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _init_worker(level: int) -> None:
    logging.getLogger().setLevel(level)


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> _Outcome:
    """Runs in the worker."""
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    try:
        return _Outcome(value=fn(*args, **kwargs), records=collect.records)
    except Exception as exc:
        return _Outcome(error=exc, records=collect.records)
    finally:
        root.removeHandler(collect)


def _replay(records: Sequence[logging.LogRecord]) -> None:
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


class Workers:
    """`await workers.run(fn, *args, timeout=s)` runs `fn` in a worker process; `run_thread` runs C code that
    releases the GIL (zlib) in the pool's own threads. Close with `await workers.close()`."""

    def __init__(self, processes: int | None = None, *, preload: Sequence[str] = PRELOAD) -> None:
        self.processes = processes or default_processes()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(preload))
        self._pool: ProcessPool | None = None
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="precis-cpu")
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._starting = asyncio.Lock()
        self._closed = False
        self.running = 0          # tasks submitted and not finished (tests wait on it)
        self.timeouts = 0

    async def _get_pool(self) -> ProcessPool:
        """The pool, started on first use in one of our threads: starting the forkserver imports the parsing
        stack and forks the workers, a second or so that must not be spent on the event loop."""
        if self._pool is None:
            async with self._starting:
                if self._pool is None:
                    if self._closed:
                        raise WorkersClosed("the worker pool is closed")
                    loop = asyncio.get_running_loop()
                    pool = await loop.run_in_executor(self._threads, self._start_pool)
                    if self._closed:              # closed while the workers were starting
                        pool.stop()
                        await loop.run_in_executor(None, pool.join, 10)
                        raise WorkersClosed("the worker pool is closed")
                    self._pool = pool
        if self._closed:
            raise WorkersClosed("the worker pool is closed")
        return self._pool

    def _start_pool(self) -> ProcessPool:
        pool = ProcessPool(max_workers=self.processes, initializer=_init_worker,
                           initargs=(logging.getLogger().getEffectiveLevel(),), context=self._context)
        if not pool.active:     # reading `active` starts the workers, here rather than in the first schedule()
            raise WorkFailed("the worker pool did not start")
        return pool

    async def run(self, fn: Callable[..., T], /, *args: Any, timeout: float = DEFAULT_DEADLINE,
                  **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker; raises WorkTimeout after `timeout` seconds (queueing included),
        WorkFailed if the worker dies, else whatever `fn` raised."""
        future = (await self._get_pool()).schedule(_call, args=(fn, args, kwargs), timeout=timeout)
        self._pending.add(future)
        self.running += 1
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout + _GRACE):
                outcome: _Outcome = await asyncio.wrap_future(future)
        except TimeoutError as exc:   # pebble's deadline, or ours while the task waited for a worker
            future.cancel()           # a running task's worker is stopped by the pool
            self.timeouts += 1
            log.warning("%s overran its %.1f s deadline (after %.1f s); its worker was stopped",
                        getattr(fn, "__qualname__", fn), timeout, time.monotonic() - started)
            raise WorkTimeout(f"{getattr(fn, '__qualname__', fn)} took longer than {timeout:.1f} s") from exc
        except ProcessExpired as exc:
            log.warning("a worker died running %s: %s", getattr(fn, "__qualname__", fn), exc)
            raise WorkFailed(str(exc)) from exc
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self._closed and task is not None and not task.cancelling():
                raise WorkersClosed("the worker pool is closed") from None   # close() cancelled the future
            raise
        finally:
            self.running -= 1
            self._pending.discard(future)
            if not future.done():
                future.cancel()       # our caller was cancelled: free the worker
        _replay(outcome.records)
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    async def run_thread(self, fn: Callable[..., T], /, *args: Any) -> T:
        """For C code that releases the GIL while it works (zlib, hashing): no copy to another process."""
        return await asyncio.get_running_loop().run_in_executor(self._threads, fn, *args)

    async def close(self) -> None:
        """Stop the workers (a task still running is abandoned: its caller gets WorkersClosed)."""
        if self._closed:
            return
        self._closed = True
        for future in list(self._pending):
            future.cancel()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            await asyncio.get_running_loop().run_in_executor(self._threads, pool.join, 10)
        self._threads.shutdown(wait=False, cancel_futures=True)


async def run_or_call(workers: Workers | None, fn: Callable[..., T], /, *args: Any,
                      timeout: float = DEFAULT_DEADLINE, **kwargs: Any) -> T:
    """Through the pool when there is one; in a thread otherwise (tools and tests that build a service
    without a pool: the bot always has one)."""
    if workers is None:
        return await asyncio.to_thread(fn, *args, **kwargs)
    return await workers.run(fn, *args, timeout=timeout, **kwargs)
