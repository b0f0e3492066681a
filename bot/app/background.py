"""The bot's background work, one way: named jobs that restart after failures, log once, stop on close.

A periodic job is an async function run again and again: it returns how many seconds to wait before its next
run (None: the job's usual interval), so a job with a backlog can ask to run again at once and one that was
told to back off can wait longer. An exception does not end the job: it is logged with its traceback once
(repeats of the same failure only at debug level, and a line when the job recovers) and the job runs again
after `retry` seconds. A one-shot job runs once; `idle()` waits for the ones still running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Periodic = Callable[[], Awaitable[float | None]]


@dataclass(slots=True, eq=False)   # identity: jobs live in a set
class Job:
    name: str
    task: asyncio.Task[None]
    once: bool = False
    failures: int = 0

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


class Background:
    def __init__(self, *, before_start: Callable[[], Awaitable[Any]] | None = None) -> None:
        self._before_start = before_start   # e.g. the client's wait_until_ready
        self._jobs: set[Job] = set()

    def periodic(self, name: str, work: Periodic, *, every: float, retry: float = 60.0,
                 wait: bool = True) -> Job:
        """Run `work` until stopped; `wait`: first wait for `before_start` (the client being ready)."""
        async def loop() -> None:
            if wait and self._before_start is not None:
                await self._before_start()
            while True:
                try:
                    delay = await work()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    self._failed(job, exc, retry)
                    delay = retry
                else:
                    self._recovered(job)
                await asyncio.sleep(every if delay is None else max(0.0, delay))

        if self.running(name):
            raise RuntimeError(f"background job {name!r} is already running")
        job = self._start(name, loop)
        return job

    def once(self, name: str, work: Callable[[], Awaitable[Any]]) -> Job:
        """Run `work` once, now (beside any other run of the same job: `work` serialises itself if it must)."""
        async def run() -> None:
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._failed(job, exc, None)

        job = self._start(name, run, once=True)
        return job

    def _start(self, name: str, body: Callable[[], Coroutine[Any, Any, None]], *, once: bool = False) -> Job:
        job = Job(name, asyncio.create_task(body(), name=f"precis: {name}"), once=once)
        self._jobs.add(job)
        job.task.add_done_callback(lambda _: self._jobs.discard(job))
        return job

    @staticmethod
    def _failed(job: Job, exc: Exception, retry: float | None) -> None:
        job.failures += 1
        then = f"; retrying in {retry:.0f} s" if retry is not None else ""
        if job.failures == 1:
            log.error("background job %s failed%s", job.name, then, exc_info=exc)
        else:
            log.debug("background job %s failed again (%d in a row): %r", job.name, job.failures, exc)

    @staticmethod
    def _recovered(job: Job) -> None:
        if job.failures:
            log.info("background job %s works again after %d failures", job.name, job.failures)
            job.failures = 0

    def running(self, name: str) -> bool:
        return any(j.name == name for j in self._jobs)

    async def idle(self) -> None:
        """Wait until no one-shot job is running (periodic jobs run for ever)."""
        while pending := [j.task for j in self._jobs if j.once]:
            await asyncio.wait(pending)

    async def close(self) -> None:
        """Stop every job and wait for them to end."""
        jobs = list(self._jobs)
        for job in jobs:
            job.task.cancel()
        await asyncio.gather(*(j.task for j in jobs), return_exceptions=True)
