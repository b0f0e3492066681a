"""Running a module's bot tests on both stores: `from tests.helpers.stores import launch_bot_on_both_stores`
(imported, the fixture replaces `launch_bot` in that module only)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(name="launch_bot")
def launch_bot_on_both_stores(launch_bot: Callable[..., Any], backend: str, request: pytest.FixtureRequest
                              ) -> Callable[..., Any]:
    """`launch_bot` on SQLite and on a fresh PostgreSQL schema."""
    if backend == "sqlite":
        return launch_bot
    return functools.partial(launch_bot, database_url=request.getfixturevalue("pg_url"))
