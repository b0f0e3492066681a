"""Run benchmarks: `python -m bench` (all) or `python -m bench summarize log_ingest ...`.

Each benchmark is a module `bench/<name>.py` with `async def run() -> list[Figure]`. Options after the
names (`python -m bench extract --split dev --limit 50`) go to the benchmarks whose `run` takes them.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import logging
import sys

BENCHES = ("summarize", "summaries", "ask", "log_ingest", "report", "extract", "catchup", "loop_stall")


async def main(argv: list[str]) -> int:
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:first_option], argv[first_option:]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    for name in names or BENCHES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            print(json.dumps({"bench": name, "skipped": "not built yet"}), flush=True)
            continue
        takes_options = bool(inspect.signature(module.run).parameters)
        if options and not takes_options:
            print(f"benchmark {name} takes no options", file=sys.stderr)
            return 2
        for fig in await (module.run(options) if takes_options else module.run()):
            print(json.dumps(fig.as_dict()), flush=True)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)   # "voice will NOT be supported" is noise here
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # real pages make it chatty
    sys.exit(asyncio.run(main(sys.argv[1:])))
