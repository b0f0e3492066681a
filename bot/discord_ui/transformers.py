"""Slash-command option types that parse once, the same way everywhere, with the same error."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.app.errors import UserFacingError
from bot.catchup.window import MessageLink, Since, parse_since
from bot.store.location import Location
from bot.util.timeutil import Period


class PeriodTransformer(app_commands.Transformer):
    """"24h", "7d", "2w"... as a `Period`; anything else is refused with one line naming the value."""

    async def transform(self, interaction: discord.Interaction, value: str, /) -> Period:
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise UserFacingError(f"{exc}.") from None


PeriodOption = app_commands.Transform[Period, PeriodTransformer]


class SinceTransformer(app_commands.Transformer):
    """"6h", "2d"... or a message link, as a catch-up's start; anything else is refused with one line."""

    async def transform(self, interaction: discord.Interaction, value: str, /) -> Since:
        try:
            return parse_since(value)
        except ValueError as exc:
            raise UserFacingError(f"{exc}.") from None


SinceOption = app_commands.Transform[Period | MessageLink, SinceTransformer]

_CHANNELS = [discord.ChannelType.text, discord.ChannelType.news, discord.ChannelType.forum,
             discord.ChannelType.media]
_THREADS = [discord.ChannelType.public_thread, discord.ChannelType.private_thread, discord.ChannelType.news_thread]
Place = app_commands.AppCommandChannel | app_commands.AppCommandThread


class PlaceTransformer(app_commands.Transformer):
    """A text, announcement or forum channel (and a thread or forum post when `threads`), as Discord resolved
    it for the member who asked: with their permissions there, whether or not the bot has it cached."""

    def __init__(self, *, threads: bool) -> None:
        super().__init__()
        self.threads = threads

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return _CHANNELS + _THREADS if self.threads else list(_CHANNELS)

    async def transform(self, interaction: discord.Interaction, value: Place, /) -> Place:
        if isinstance(value, app_commands.AppCommandThread) and not self.threads:
            raise UserFacingError("Pick a channel here, not a thread.")
        return value


ChannelOption = app_commands.Transform[app_commands.AppCommandChannel, PlaceTransformer(threads=False)]
PlaceOption = app_commands.Transform[Place, PlaceTransformer(threads=True)]


def place_location(place: Place) -> Location:
    """Where an option's channel or thread lives in our records."""
    if isinstance(place, app_commands.AppCommandThread):
        return Location(place.parent_id, place.id)
    return Location(place.id)
