"""The PostgreSQL server the tests use, and a fresh schema per test.

PRECIS_TEST_DATABASE_URL names the server (`.ci/run` sets it); without it, the local default is tried
once. Each test gets its own schema (`CREATE SCHEMA`, and a URL whose `options` set `search_path` to it),
dropped afterwards: creating a schema and migrating it takes milliseconds, a database from a template
much longer.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import asyncpg

ENV = "PRECIS_TEST_DATABASE_URL"
LOCAL_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


async def _reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


def server_url() -> tuple[str | None, str]:
    """(URL of the server to test against or None, the reason when None). An explicitly configured server
    that does not answer is an error, not a skip."""
    configured = os.environ.get(ENV)
    if configured:
        problem = asyncio.run(_reachable(configured))
        if problem is not None:
            raise RuntimeError(f"{ENV}={configured} does not answer: {problem}")
        return configured, ""
    problem = asyncio.run(_reachable(LOCAL_DEFAULT))
    return (LOCAL_DEFAULT, "") if problem is None else (None, f"no server at {LOCAL_DEFAULT} ({problem})")


def with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@asynccontextmanager
async def fresh_schema(base_url: str) -> AsyncIterator[str]:
    """A new empty schema; yields a URL whose connections work in it. Dropped (with everything) after."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
    finally:
        await admin.close()
    try:
        yield with_schema(base_url, schema)
    finally:
        admin = await asyncpg.connect(base_url)
        try:
            await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        finally:
            await admin.close()
