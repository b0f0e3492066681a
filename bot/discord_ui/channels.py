"""Where a message lives, as our records keep it."""

from __future__ import annotations

import discord

from bot.store.location import Location


def location(channel: object) -> Location:
    """Where a message in `channel` lives in our records: a thread's messages belong to its parent channel."""
    if isinstance(channel, discord.Thread):
        return Location(channel.parent_id or channel.id, channel.id)
    return Location(getattr(channel, "id", 0))
