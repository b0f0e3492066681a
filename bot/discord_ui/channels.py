"""Where a message lives, as our records keep it."""

from __future__ import annotations

import discord


def location(channel: object) -> tuple[int, int | None]:
    """(channel id, thread id): a thread's messages belong to its parent channel in our records."""
    if isinstance(channel, discord.Thread):
        return channel.parent_id or channel.id, channel.id
    return getattr(channel, "id", 0), None
