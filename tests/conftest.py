"""Shared pytest set-up: each fake registers its fixtures from its own plugin module; one `db` fixture,
run against both backends (SQLite, and PostgreSQL when a server answers; see tests/helpers/pg.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database
from bot.util.workers import Workers
from tests.helpers import pg

pytest_plugins = [
    "tests.fakes.discord_plugin",
    "tests.fakes.openai_plugin",
    "tests.fakes.article_plugin",
    "tests.fakes.bot_plugin",
]

_PG_URL = pytest.StashKey[str | None]()
_PG_SKIPPED = pytest.StashKey[tuple[int, str]]()


def pytest_configure(config: pytest.Config) -> None:
    url, reason = pg.server_url()
    config.stash[_PG_URL] = url
    config.stash[_PG_SKIPPED] = (0, reason)


def _wants_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return (callspec is not None and callspec.params.get("backend") == "postgres") or \
        item.get_closest_marker("postgres") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked sqlite_only run once; without a server the PostgreSQL ones are left out (one line
    in the summary says so), so `make test` works anywhere."""
    keep, drop = [], []
    for item in items:
        postgres = _wants_postgres(item)
        if postgres and (config.stash[_PG_URL] is None or item.get_closest_marker("sqlite_only")):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        if config.stash[_PG_URL] is None:
            config.stash[_PG_SKIPPED] = (sum(1 for i in drop if not i.get_closest_marker("sqlite_only")),
                                         config.stash[_PG_SKIPPED][1])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    skipped, reason = config.stash[_PG_SKIPPED]
    if skipped:
        terminalreporter.write_line(
            f"PostgreSQL tests skipped ({skipped}): {reason}; set {pg.ENV}=postgresql://user@host:5432/db to run them")


@pytest.fixture(scope="session")
def pg_server(pytestconfig: pytest.Config) -> str:
    url = pytestconfig.stash[_PG_URL]
    assert url is not None, "PostgreSQL tests are deselected without a server"
    return url


@pytest.fixture
async def pg_url(pg_server: str) -> AsyncIterator[str]:
    """A URL for a fresh, empty PostgreSQL schema of this test's own (dropped afterwards)."""
    async with pg.fresh_schema(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "precis.db"


@pytest.fixture
def db_target(backend: str, request: pytest.FixtureRequest) -> str | Path:
    """Where this test's store lives: a SQLite file, or a fresh PostgreSQL schema's URL."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return Path(request.getfixturevalue("db_path"))


@pytest.fixture
async def db(db_target: str | Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """A migrated, empty store, once per backend; `@pytest.mark.db_options(busy_timeout_ms=50)` tunes the
    SQLite one; `db.clone()` opens the same store again, as another process would."""
    marker = request.node.get_closest_marker("db_options")
    options = marker.kwargs if marker and not isinstance(db_target, str) else {}
    async with Database(db_target, **options) as database:
        yield database


@pytest.fixture
async def db_on_postgres(pg_url: str) -> AsyncIterator[Database]:
    """A migrated, empty PostgreSQL store (for tests of that backend alone)."""
    async with Database(pg_url) as database:
        yield database


@pytest.fixture
async def workers() -> AsyncIterator[Workers]:
    """The bot's worker pool (two processes), closed after the test."""
    pool = Workers(2)
    yield pool
    await pool.close()
