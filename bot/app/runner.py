"""Running the bot for real (and in the playground and tests, which use the same code)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import aiohttp
import discord

from bot.app.client import PrecisBot, make_bot
from bot.app.config import Settings, SettingsError
from bot.app.errors import UserFacingError
from bot.app.services import open_services
from bot.util.shards import Shards
from bot.util.text import one_line

log = logging.getLogger(__name__)

# What the bot needs in a channel, and nothing more (used for the invite link).
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, create_public_threads=True,
    embed_links=True, attach_files=True, read_message_history=True, add_reactions=True,
)


@contextlib.contextmanager
def discord_failures() -> Iterator[None]:
    """Turn what Discord (or the way to it) says into one line: a bad token or intent is a setting (exit 2),
    anything else a failure of this run (exit 1)."""
    try:
        yield
    except discord.LoginFailure:
        raise SettingsError("DISCORD_TOKEN was refused by Discord; copy the bot token again") from None
    except discord.PrivilegedIntentsRequired:
        raise SettingsError("enable the Message Content intent for the bot in the Discord developer portal, "
                            "or set DISCORD_MESSAGE_CONTENT=false to run without it") from None
    except discord.ConnectionClosed as exc:
        raise UserFacingError(f"Discord closed the connection (code {exc.code}: {exc.reason or 'no reason'})"
                              ) from None
    except (aiohttp.ClientError, discord.GatewayNotFound) as exc:
        raise UserFacingError(f"cannot reach Discord ({one_line(str(exc)) or type(exc).__name__}); "
                              "check the network connection") from None


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
        with discord_failures():
            await _run(settings, token, stop, ready, on_start, shards, bot_options)
    finally:
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


async def _run(settings: Settings, token: str, stop: asyncio.Event, ready: asyncio.Event | None,
               on_start: Callable[[PrecisBot], None] | None, shards: Shards | None,
               bot_options: dict[str, Any]) -> None:
    async with open_services(settings, shards=shards) as services:
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
            try:   # the log writer has a deadline of its own when the services close
                await asyncio.wait_for(bot.close(), settings.shutdown_timeout)
            except TimeoutError:
                log.warning("closing the Discord connection took over %.0f s; stopping anyway",
                            settings.shutdown_timeout)
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner   # raises what ended the client (a refused token, no network...)
            await _handlers_done(settings.shutdown_timeout)


async def _handlers_done(timeout: float) -> None:
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
    with discord_failures():
        async with open_services(settings) as services:
            bot = PrecisBot(services)
            async with bot:
                await bot.login(token)
                guild = discord.Object(id=guild_id) if guild_id else None
                if guild is not None:
                    bot.tree.copy_global_to(guild=guild)
                try:
                    synced = await bot.tree.sync(guild=guild)
                except (discord.Forbidden, discord.NotFound) as exc:
                    if guild_id is None:
                        raise UserFacingError(f"Discord refused the sync ({exc.status}: {one_line(exc.text)})"
                                              ) from None
                    raise UserFacingError(
                        f"Discord refused to sync to guild {guild_id} ({exc.status}: {one_line(exc.text)}): is "
                        "the bot in that server, invited with the applications.commands scope?") from None
                except discord.HTTPException as exc:
                    raise UserFacingError(f"Discord refused the sync ({exc.status}: {one_line(exc.text)})"
                                          ) from None
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
