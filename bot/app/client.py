"""The bot: receives its services from the entry point, loads the cogs, handles command errors once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.background import Background
from bot.app.errors import UserFacingError
from bot.app.services import Services
from bot.discord_ui.replies import NO_PINGS, respond
from bot.util.shards import ALL as ALL_SHARDS
from bot.util.shards import Shards

log = logging.getLogger(__name__)

COGS: tuple[str, ...] = (
    "cogs.admin",
    "cogs.summaries",
    "cogs.questions",
    "cogs.logbook",
    "cogs.logs",
    "cogs.privacy",
    "cogs.moderation",
    "cogs.member_reports",
    "cogs.livelog",
    "cogs.names",
    "cogs.reports",
    "cogs.settings",
    "cogs.catchup",
    "cogs.article_menus",
    "cogs.help",
)

GENERIC_ERROR = "Sorry, something went wrong on my side. The error was logged for the bot's operators."


def error_message(error: BaseException) -> str:
    """The one line a user sees for a failed command."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, UserFacingError):
        error = error.__cause__      # an option our transformers refused (e.g. a period like "lately")
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {needed} permission for this."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I'm missing the {needed} permission here; ask a server admin to grant it."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    if isinstance(error, discord.Forbidden):
        return "Discord refused that: I'm missing a permission in this channel."
    return GENERIC_ERROR


class PrecisTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        original = getattr(error, "original", error)
        if isinstance(original, UserFacingError | app_commands.CheckFailure | app_commands.TransformerError):
            log.info("command /%s refused: %s", name, original)
        else:
            log.error("command /%s failed", name, exc_info=original)
        try:
            await respond(interaction, error_message(error), ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the failure of /%s", name, exc_info=True)


NO_MESSAGE_CONTENT = ("running without the Message Content intent (DISCORD_MESSAGE_CONTENT=false): automatic "
                      "summaries can't see links and the log keeps no message text; /summarize, /ask, /catchup "
                      "and the \"Summarize links\" and \"Ask about this article\" message commands still work")


def default_intents(*, message_content: bool = True) -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.guild_reactions = True
    # Privileged: link detection in messages, replies and the log's text need it; message commands don't.
    intents.message_content = message_content
    return intents


class PrecisBot(commands.Bot):
    """The bot on one gateway connection (`make_bot` gives the sharded kind when shards are asked for)."""

    def __init__(self, services: Services, *, cogs: Iterable[str] = COGS, shards: Shards | None = None,
                 **options: Any) -> None:
        options.setdefault("guild_ready_timeout", 2.0)
        if shards is not None:
            options.update(shard_count=shards.count, shard_ids=list(shards.ids))
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=default_intents(message_content=services.settings.discord_message_content),
            tree_cls=PrecisTree,
            allowed_mentions=NO_PINGS,
            help_command=None,
            owner_ids=set(services.settings.owner_ids) or None,
            **options,
        )
        self.services = services
        self.owned = shards or ALL_SHARDS   # whose guilds' background work this process does
        self.cog_names = tuple(cogs)
        self.failed_cogs: dict[str, str] = {}
        self.background = Background(before_start=self.wait_until_ready)

    async def setup_hook(self) -> None:
        if not self.intents.message_content:
            log.warning(NO_MESSAGE_CONTENT)
        for name in self.cog_names:
            try:
                await self.load_extension(name)
            except commands.ExtensionNotFound:
                log.debug("cog %s is not present", name)
            except Exception as exc:
                self.failed_cogs[name] = f"{type(exc).__name__}: {exc}"
                log.exception("cog %s failed to load; the bot runs without it", name)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # Once closed, discord.py has no loop to run handlers on, yet may still finish a READY it was waiting
        # on (its ready task dispatches even when cancelled): drop the event instead of an unawaited coroutine.
        if self.loop is discord.utils.MISSING:
            log.debug("closed: %s not dispatched", event_name)
            return
        super().dispatch(event_name, *args, **kwargs)

    async def close(self) -> None:
        # Cogs unload first (their cog_unload stops their jobs), then whatever background work remains.
        for name in list(self.extensions):
            try:
                await self.unload_extension(name)
            except Exception:
                log.exception("unloading %s failed", name)
        await self.background.close()
        await super().close()

    async def on_command_error(self, ctx: commands.Context[Any], error: commands.CommandError) -> None:
        if isinstance(error, commands.CommandNotFound | commands.NotOwner | commands.CheckFailure):
            return
        log.error("text command %s failed", ctx.command, exc_info=error)


class ShardedPrecisBot(PrecisBot, commands.AutoShardedBot):
    """The bot running the given shards of a sharded application, one gateway connection per shard."""


def make_bot(services: Services, *, shards: Shards | None = None, **options: Any) -> PrecisBot:
    """Without shards, one connection as always; with them, those shards in this process."""
    if shards is None:
        return PrecisBot(services, **options)
    return ShardedPrecisBot(services, shards=shards, **options)
