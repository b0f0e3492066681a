"""Run benchmarks: `python -m bench` (all) or `python -m bench summarize log_ingest ...`.

Each benchmark is a module `bench/<name>.py` with `async def run() -> list[Figure]`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys

BENCHES = ("summarize", "ask", "log_ingest", "report", "loop_stall")


async def main(names: list[str]) -> int:
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
        for fig in await module.run():
            print(json.dumps(fig.as_dict()), flush=True)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)   # "voice will NOT be supported" is noise here
    sys.exit(asyncio.run(main(sys.argv[1:])))
