"""The PostgreSQL server the tests use, and a fresh schema per test (bench/pg.py makes the schemas).

PRECIS_TEST_DATABASE_URL names the server (`.ci/run` sets it; `none` leaves PostgreSQL out); without
it, the local default is tried once. Each test gets its own schema (`CREATE SCHEMA`, and a URL whose
`options` set `search_path` to it), dropped afterwards: creating and migrating a schema takes a few
hundred milliseconds, and tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os

from bench.pg import LOCAL_DEFAULT, fresh_schema, reachable, with_schema

__all__ = ["ENV", "LOCAL_DEFAULT", "fresh_schema", "server_url", "with_schema"]

ENV = "PRECIS_TEST_DATABASE_URL"

def server_url() -> tuple[str | None, str]:
    """(URL of the server to test against or None, the reason when None). An explicitly configured server
    that does not answer is an error, not a skip."""
    configured = os.environ.get(ENV)
    if configured in ("none", "off"):
        return None, f"{ENV}={configured}"
    if configured:
        problem = asyncio.run(reachable(configured))
        if problem is not None:
            raise RuntimeError(f"{ENV}={configured} does not answer: {problem}")
        return configured, ""
    problem = asyncio.run(reachable(LOCAL_DEFAULT))
    return (LOCAL_DEFAULT, "") if problem is None else (None, f"no server at {LOCAL_DEFAULT} ({problem})")
