"""Slash-command option types that parse once, the same way everywhere, with the same error."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.app.errors import UserFacingError
from bot.util.timeutil import Period


class PeriodTransformer(app_commands.Transformer):
    """"24h", "7d", "2w"... as a `Period`; anything else is refused with one line naming the value."""

    async def transform(self, interaction: discord.Interaction, value: str, /) -> Period:
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise UserFacingError(f"{exc}.") from None


PeriodOption = app_commands.Transform[Period, PeriodTransformer]
