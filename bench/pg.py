"""The PostgreSQL server benchmarks (and tests) run against, and a fresh schema to run in.

PRECIS_BENCH_DATABASE_URL, else PRECIS_TEST_DATABASE_URL, else the local default when it answers; with
none, the PostgreSQL figures are skipped (one JSON line says so).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import asyncpg

LOCAL_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
_NO_FSYNC_WAIT = {"synchronous_commit": "off"}


async def reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def server_url() -> str | None:
    for url in (os.environ.get("PRECIS_BENCH_DATABASE_URL"), os.environ.get("PRECIS_TEST_DATABASE_URL"),
                LOCAL_DEFAULT):
        if url and await reachable(url) is None:
            return url
    return None


def with_schema(url: str, schema: str) -> str:
    """The URL with `search_path` set to `schema` for every connection (libpq and asyncpg both read it).
    Commits do not wait for the disk: these schemas are thrown away."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema} -csynchronous_commit=off')}"


@asynccontextmanager
async def fresh_schema(base_url: str, prefix: str = "t") -> AsyncIterator[str]:
    """A new empty schema; yields a URL whose connections work in it. Dropped (with everything) after."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(base_url, server_settings=_NO_FSYNC_WAIT)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
    finally:
        await admin.close()
    try:
        yield with_schema(base_url, schema)
    finally:
        admin = await asyncpg.connect(base_url, server_settings=_NO_FSYNC_WAIT)
        try:
            await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        finally:
            await admin.close()
