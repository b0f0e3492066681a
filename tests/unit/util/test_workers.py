"""The worker pool with real processes: deadlines stop the worker (pure-Python loops and C code alike), a
dying worker is reported and replaced, errors and log records come back, cancelling frees the worker."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from pathlib import Path

import pytest

from bot.app.errors import NotAnArticle
from bot.util.workers import Workers, WorkersClosed, WorkFailed, WorkTimeout, default_processes
from tests.helpers.wait import until

log = logging.getLogger("tests.worker_task")


# -- tasks (module-level: workers import them by name) --------------------------------------------------

def spin_forever(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        pass


def backtrack(pid_file: str) -> bool:
    """Catastrophic backtracking: one C call that never lets the interpreter run a signal handler."""
    Path(pid_file).write_text(str(os.getpid()))
    return re.match(r"(a+)+$", "a" * 40 + "!") is not None


def die() -> None:
    os._exit(3)


def refuse(message: str) -> None:
    log.warning("refusing: %s", message)
    raise NotAnArticle(message)


def pid() -> int:
    return os.getpid()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def read_pid(pid_file: Path) -> int:
    return int(pid_file.read_text() or 0) if pid_file.exists() else 0


async def started(pid_file: Path) -> int:
    await until(lambda: read_pid(pid_file), what="the task to start")
    return read_pid(pid_file)


# -- tests ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("task", [spin_forever, backtrack])
async def test_a_task_past_its_deadline_is_stopped_and_the_pool_carries_on(
        workers: Workers, tmp_path: Path, task: object) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(WorkTimeout):
        await workers.run(task, str(pid_file), timeout=1.0)   # type: ignore[arg-type]
    stopped = read_pid(pid_file)
    await until(lambda: not alive(stopped), what="the overrunning worker to be stopped")
    assert await workers.run(sum, [1, 2, 3], timeout=30) == 6
    assert workers.timeouts == 1


async def test_a_worker_that_dies_is_reported_and_replaced(workers: Workers) -> None:
    with pytest.raises(WorkFailed):
        await workers.run(die, timeout=30)
    assert await workers.run(sum, [4, 5], timeout=30) == 9


async def test_errors_and_log_records_come_back_from_the_worker(workers: Workers,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tests.worker_task"), pytest.raises(NotAnArticle) as raised:
        await workers.run(refuse, "not today", timeout=30)
    assert raised.value.message == "not today"
    records = [r for r in caplog.records if r.name == "tests.worker_task"]
    assert [r.getMessage() for r in records] == ["refusing: not today"]
    assert records[0].process != os.getpid()


async def test_tasks_run_in_other_processes_at_once(workers: Workers, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    busy = asyncio.create_task(workers.run(spin_forever, str(pid_file), timeout=60))
    spinner = await started(pid_file)
    # One worker spins; the other still answers, and neither is this process.
    assert await workers.run(pid, timeout=30) not in (spinner, os.getpid())
    busy.cancel()
    with pytest.raises(asyncio.CancelledError):
        await busy
    await until(lambda: not alive(spinner), what="the cancelled task's worker to be stopped")


async def test_closing_the_pool_ends_running_tasks_with_workers_closed(tmp_path: Path) -> None:
    pool = Workers(2)
    pid_file = tmp_path / "pid"
    busy = asyncio.create_task(pool.run(spin_forever, str(pid_file), timeout=60))
    spinner = await started(pid_file)
    await pool.close()
    with pytest.raises(WorkersClosed):
        await busy
    with pytest.raises(WorkersClosed):
        await pool.run(pid, timeout=30)
    await until(lambda: not alive(spinner), what="the workers to stop")


def test_default_size_leaves_a_worker_free_for_others() -> None:
    assert 2 <= default_processes() <= 4
