"""Where a message lives: its channel, and the thread inside it when there is one.

Every store module records places the same way: `channel_id` is the channel (a thread's parent: a text,
announcement or forum channel), `thread_id` the thread or forum post, else None. Filtering "a channel"
includes its threads; jump links open the message where it really is (the thread when in one).
"""

from __future__ import annotations

from typing import NamedTuple


class Location(NamedTuple):
    channel_id: int
    thread_id: int | None = None

    @property
    def where(self) -> int:
        """The channel Discord knows the message under (the thread, when in one)."""
        return self.thread_id or self.channel_id

    def jump_url(self, guild_id: int, message_id: int) -> str:
        return jump_url(guild_id, self.where, message_id)


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    """A link that opens the message in Discord; `channel_id` is where it is (a thread's own id)."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
