"""Background jobs: periodic work restarts after failures and logs them once; one-shots; stopping."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app.background import Background
from tests.helpers.wait import until


async def test_a_failing_job_runs_again_and_logs_the_failure_once(caplog: pytest.LogCaptureFixture) -> None:
    runs: list[int] = []

    async def flaky() -> float | None:
        runs.append(len(runs))
        if len(runs) <= 3:
            raise RuntimeError("the database is on holiday")
        return None

    background = Background()
    with caplog.at_level(logging.INFO, logger="bot.app.background"):
        background.periodic("flaky", flaky, every=3600, retry=0)
        await until(lambda: len(runs) >= 4, what="a run after three failures")
        await background.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None        # the traceback once, not three times
    assert any("works again after 3 failures" in r.getMessage() for r in caplog.records)


async def test_a_job_chooses_its_next_delay() -> None:
    runs = 0

    async def backlog() -> float | None:
        nonlocal runs
        runs += 1
        return 0.0 if runs < 5 else None     # a backlog: run again at once, then wait the interval

    background = Background()
    background.periodic("backlog", backlog, every=3600)
    await until(lambda: runs >= 5, what="five runs back to back")
    await background.close()
    assert runs == 5


async def test_periodic_jobs_wait_for_the_start_signal_and_names_are_unique() -> None:
    ready = asyncio.Event()
    started = asyncio.Event()
    gated: list[bool] = []

    async def gate() -> None:
        gated.append(ready.is_set())
        await ready.wait()

    async def work() -> float | None:
        started.set()
        return None

    background = Background(before_start=gate)
    job = background.periodic("work", work, every=3600)
    with pytest.raises(RuntimeError):
        background.periodic("work", work, every=3600)
    await until(lambda: gated, what="the job to reach the gate")
    assert not started.is_set()      # it cannot get past the gate before the signal
    ready.set()
    await asyncio.wait_for(started.wait(), 5)
    await job.stop()
    assert job.task.cancelled() and not background.running("work")


async def test_idle_waits_for_one_shot_jobs_and_close_stops_everything() -> None:
    release = asyncio.Event()
    done: list[str] = []

    async def one_shot() -> None:
        await release.wait()
        done.append("one-shot")

    async def forever() -> float | None:
        return None

    background = Background()
    background.once("backfill", one_shot)
    background.periodic("loop", forever, every=3600)
    idle = asyncio.create_task(background.idle())
    release.set()
    await asyncio.wait_for(idle, 5)
    assert done == ["one-shot"] and background.running("loop")    # idle returned after the one-shot ended
    await background.close()
    assert not background.running("loop")


async def test_a_failing_one_shot_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise ValueError("no history for you")

    background = Background()
    with caplog.at_level(logging.ERROR, logger="bot.app.background"):
        background.once("backfill", broken)
        await asyncio.wait_for(background.idle(), 5)
    assert [r.getMessage() for r in caplog.records] == ["background job backfill failed"]
