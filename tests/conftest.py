"""Shared pytest set-up: each fake registers its fixtures from its own plugin module; one `db` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database
from bot.util.workers import Workers

pytest_plugins = [
    "tests.fakes.discord_plugin",
    "tests.fakes.openai_plugin",
    "tests.fakes.article_plugin",
    "tests.fakes.bot_plugin",
]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "precis.db"


@pytest.fixture
async def db(db_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """A migrated database in a fresh file; `@pytest.mark.db_options(busy_timeout_ms=50)` tunes it."""
    marker = request.node.get_closest_marker("db_options")
    async with Database(db_path, **(marker.kwargs if marker else {})) as database:
        yield database


@pytest.fixture
async def workers() -> AsyncIterator[Workers]:
    """The bot's worker pool (two processes), closed after the test."""
    pool = Workers(2)
    yield pool
    await pool.close()
