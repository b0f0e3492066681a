"""How long hostile input can freeze the bot: the longest event-loop stall while its services handle each case
of tests/fakes/hostile_pages.py, served on loopback, against the idle loop's stall in the same process.

A ticker task on the loop wakes every 5 ms; a stall is how late it woke. Each case runs in a process of its own
(fresh caches, fresh workers), which is killed if the case has not finished in CASE_LIMIT_S: with work on the
loop, a stuck case cannot be interrupted from inside. Goal: every case finishes within the fetch timeout and
no stall exceeds 100 ms.

`python -m bench loop_stall` runs every case; `python -m bench.loop_stall CASE` runs one and prints its JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

from bench.harness import Figure, figure

CASE_LIMIT_S = 90.0
TICK_S = 0.005
IDLE_S = 1.0
GUILD = 1


@dataclass(slots=True)
class Ticker:
    """Wakes every TICK_S and remembers the worst lateness."""
    worst: float = 0.0
    _stop: bool = False

    async def run(self) -> None:
        last = time.perf_counter()
        while not self._stop:
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - TICK_S)
            last = now

    def stop(self) -> None:
        self._stop = True


async def _measure(work: Awaitable[object]) -> tuple[float, float, object]:
    """(worst stall in ms, seconds, result or exception) of awaiting `work` with the ticker running."""
    ticker = Ticker()
    tick = asyncio.create_task(ticker.run())
    await asyncio.sleep(TICK_S * 2)
    started = time.perf_counter()
    try:
        result = await work
    except Exception as exc:
        result = exc
    seconds = time.perf_counter() - started
    ticker.stop()
    await tick
    return ticker.worst * 1000, seconds, result


async def run_case(name: str) -> dict[str, object]:
    """One case in this process: serve it, warm the services up, measure idle, then the case."""
    from bot.app.config import Settings
    from bot.app.errors import UserFacingError
    from bot.app.services import open_services
    from bot.llm.base import Answer, Summary
    from bot.moderation.flagger import Flagger
    from tests.fakes.article_server import ArticleServer
    from tests.fakes.hostile_pages import article_html, article_sentences, cases
    from tests.helpers.rows import BASE_MS, row

    case = next(c for c in cases() if c.name == name)
    server = ArticleServer()
    await server.start()
    warm_url = server.add("warm", article_html(article_sentences(60), title="Warm-up"))
    url = server.add(case.path, case.body, content_type=case.content_type) if case.action != "rules" else ""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(_env_file=None, database_path=Path(tmp) / "bench.sqlite3",
                                fetch_allowed_networks=["127.0.0.1/32"], log_level="WARNING",
                                fetch_allowed_ports=[80, 443, server.port])
            async with open_services(settings) as services:
                await services.summaries.summarize(warm_url)      # starts the workers, warms every cache
                idle, _, _ = await _measure(asyncio.sleep(IDLE_S))

                async def act() -> object:
                    if case.action == "summarize":
                        return (await services.summaries.summarize(url)).summary
                    if case.action == "ask":
                        article = await services.summaries.article(url)
                        return (await services.answers.answer(article, case.question)).answer
                    await services.guild_settings.update(GUILD, None, mod_rules=[case.rule])
                    for i, text in enumerate(case.messages):
                        await services.log.writer.put(row(i, guild=GUILD, content=text))
                    await services.log.writer.flush()
                    flagger = Flagger(services.db, services.guild_settings.get, workers=services.workers,
                                      settle_ms=0, clock_ms=lambda: BASE_MS + 3_600_000,
                                      first_run_lookback_ms=2 * 3_600_000)
                    checked = await flagger.run_once()
                    return f"{checked} messages checked, {flagger.stats.flags} flags"

                stall, seconds, result = await _measure(act())
    finally:
        await server.close()
    if isinstance(result, Summary):
        outcome = f"summary: {result.tldr[:50]!r}" + (f" (note: {result.note})" if result.note else "")
    elif isinstance(result, Answer):
        outcome = f"answer: {result.text[:50]!r}" + (f" (note: {result.note})" if result.note else "")
    elif isinstance(result, UserFacingError):
        outcome = f"refused: {result.message}"
    elif isinstance(result, Exception):
        outcome = f"error: {result!r}"[:120]
    else:
        outcome = str(result)
    return {"case": name, "stall_ms": stall, "idle_ms": idle, "seconds": seconds, "outcome": outcome,
            "fetch_timeout": settings.fetch_timeout}


async def _child(name: str) -> tuple[dict[str, object] | None, float]:
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench.loop_stall", name,
                                                stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), CASE_LIMIT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return None, time.perf_counter() - started
    lines = out.decode().strip().splitlines()
    return (json.loads(lines[-1]) if proc.returncode == 0 and lines else None), time.perf_counter() - started


async def run() -> list[Figure]:
    from tests.fakes.hostile_pages import cases

    figures = []
    for case in cases():
        data, wall = await _child(case.name)
        if data is None:
            figures.append(figure(f"loop_stall.{case.name}", wall * 1000, "ms stall", None,
                                  note=f"{case.about}: did not finish within {CASE_LIMIT_S:.0f} s (killed); "
                                       "the stall lasted at least until then"))
            continue
        stall, idle = float(str(data["stall_ms"])), float(str(data["idle_ms"]))
        seconds, timeout = float(str(data["seconds"])), float(str(data["fetch_timeout"]))
        failed = str(data["outcome"]).startswith("error:")    # an exception users see as "Sorry, ..."
        verdict = "ok" if stall <= 100 and seconds <= timeout and not failed else "OVER GOAL"
        figures.append(figure(f"loop_stall.{case.name}", stall, "ms stall", idle,
                              note=f"{verdict}; {case.about}; finished in {seconds:.2f} s; {data['outcome']}; "
                                   "baseline = idle loop's stall, same process"))
    return figures


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(asyncio.run(run_case(sys.argv[1]))), flush=True)
