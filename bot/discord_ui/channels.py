"""Where a message lives, as our records keep it."""

from __future__ import annotations

import discord

from bot.store.location import Location


def location(channel: object) -> Location:
    """Where a message in `channel` lives in our records: a thread's messages belong to its parent channel."""
    if isinstance(channel, discord.Thread):
        return Location(channel.parent_id or channel.id, channel.id)
    return Location(getattr(channel, "id", 0))


def channel_mentions(ids: list[int]) -> str:
    """Channels as Discord shows them in a message ("#general, #news"), or "none"."""
    return ", ".join(f"<#{i}>" for i in ids) or "none"


def postable(client: discord.Client, channel_id: int | None) -> discord.TextChannel | discord.Thread | None:
    """The text channel or thread with this id, if the bot knows it (e.g. a moderators' channel)."""
    channel = client.get_channel(channel_id) if channel_id else None
    return channel if isinstance(channel, discord.TextChannel | discord.Thread) else None
