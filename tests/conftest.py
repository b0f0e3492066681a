"""Shared pytest set-up: each fake registers its fixtures from its own plugin module."""

pytest_plugins = [
    "tests.fakes.discord_plugin",
    "tests.fakes.openai_plugin",
    "tests.fakes.article_plugin",
    "tests.fakes.bot_plugin",
]
