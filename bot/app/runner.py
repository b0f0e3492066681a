"""Running the bot for real (and in the playground and tests, which use the same code)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import Any

import discord

from bot.app.client import PrecisBot, make_bot
from bot.app.config import Settings, SettingsError
from bot.app.services import open_services
from bot.util.shards import Shards

log = logging.getLogger(__name__)

# What the bot needs in a channel, and nothing more (used for the invite link).
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, create_public_threads=True,
    embed_links=True, attach_files=True, read_message_history=True, add_reactions=True,
)


def require_token(settings: Settings) -> str:
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        raise SettingsError("DISCORD_TOKEN is not set; see README.md, 'Running it on your server'")
    return settings.discord_token.get_secret_value().strip()


async def run_bot(settings: Settings, *, stop: asyncio.Event | None = None, handle_signals: bool = True,
                  ready: asyncio.Event | None = None, on_start: Callable[[PrecisBot], None] | None = None,
                  shards: Shards | None = None, **bot_options: Any) -> None:
    """Run until `stop` is set, SIGINT/SIGTERM arrives, or the connection fails for good; with `shards`,
    only those gateway shards (other processes run the rest, sharing the database)."""
    token = require_token(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    if handle_signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with open_services(settings) as services:
            if shards is not None:
                log.info("running %s", shards)
                if not shards.everything and settings.database_url is None:
                    log.warning("several processes on one SQLite file contend for its single writer and must share "
                                "a machine; set DATABASE_URL to a PostgreSQL database")
            bot = make_bot(services, shards=shards, **bot_options)
            if on_start is not None:
                on_start(bot)   # the playground and tests hold the bot to drive and inspect it
            if ready is not None:
                bot.add_listener(_set_event(ready), "on_ready")
            async with bot:
                runner = asyncio.create_task(bot.start(token), name="discord-client")
                stopper = asyncio.create_task(stop.wait(), name="stop-signal")
                await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
                log.info("shutting down")
                stopper.cancel()
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
                await _handlers_done()
    except discord.LoginFailure:
        raise SettingsError("DISCORD_TOKEN was refused by Discord; copy the bot token again") from None
    except discord.PrivilegedIntentsRequired:
        raise SettingsError("enable the Message Content intent for the bot in the Discord developer portal, "
                            "or set DISCORD_MESSAGE_CONTENT=false to run without it") from None
    finally:
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


async def _handlers_done(timeout: float = 10.0) -> None:
    """Let event handlers discord.py dispatched while closing finish before the services they use close."""
    pending = [t for t in asyncio.all_tasks() if t.get_name().startswith("discord.py: ") and not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout)


def _set_event(event: asyncio.Event) -> Callable[[], Coroutine[Any, Any, None]]:
    async def on_ready() -> None:
        event.set()
    return on_ready


async def sync_commands(settings: Settings, guild_id: int | None) -> list[str]:
    """Log in over REST only (no gateway), load the cogs and sync their commands once."""
    token = require_token(settings)
    async with open_services(settings) as services:
        bot = PrecisBot(services)
        async with bot:
            await bot.login(token)
            guild = discord.Object(id=guild_id) if guild_id else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            return [command.name for command in synced]


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=INVITE_PERMISSIONS,
                                   scopes=("bot", "applications.commands"))


def client_id_from_token(token: str) -> int | None:
    """A bot token starts with the bot's user id in base64."""
    first = token.split(".", 1)[0]
    try:
        return int(base64.b64decode(first + "=" * (-len(first) % 4)).decode())
    except ValueError:
        return None
