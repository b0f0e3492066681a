"""Which channels and threads a member may read, from their resolved permissions (never the bot's own).

Reading past conversation needs View Channel and Read Message History. A thread is read through its
parent (public threads and forum posts inherit it); a private thread also needs membership, which the bot
can only see for the thread's owner and for members it has cached, or Manage Threads (moderators see every
private thread). Anything that cannot be confirmed is treated as unreadable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

log = logging.getLogger(__name__)

MAX_LOOKUPS = 25      # threads fetched from Discord per request (archived ones are not cached)
Readable = discord.TextChannel | discord.ForumChannel | discord.VoiceChannel | discord.StageChannel | discord.Thread


def can_read(permissions: discord.Permissions) -> bool:
    return permissions.view_channel and permissions.read_message_history


def in_private_thread(member: discord.Member, thread: discord.Thread, parent: discord.Permissions) -> bool:
    return (thread.owner_id == member.id or parent.manage_threads
            or any(m.id == member.id for m in thread.members))


def may_read(member: discord.Member, place: Readable) -> bool:
    """From the bot's cache of roles and overwrites: may `member` read `place`'s history?"""
    if isinstance(place, discord.Thread):
        parent = place.parent
        if parent is None:
            return False
        perms = parent.permissions_for(member)
        return can_read(perms) and (not place.is_private() or in_private_thread(member, place, perms))
    return can_read(place.permissions_for(member))


async def find_place(guild: discord.Guild, place_id: int) -> Readable | None:
    """A channel or thread of the guild, from the cache or (archived threads) from Discord; None if unknown."""
    found = guild.get_channel_or_thread(place_id)
    if found is None:
        try:
            found = await guild.fetch_channel(place_id)
        except discord.HTTPException:
            return None
        if getattr(found, "guild", None) is None or found.guild.id != guild.id:
            return None
    return found if isinstance(found, Readable) else None


async def readable_threads(member: discord.Member, channel: discord.abc.GuildChannel, thread_ids: Iterable[int]
                           ) -> set[int]:
    """Those of `thread_ids` (threads of `channel`) that `member` may read."""
    out: set[int] = set()
    guild, lookups = channel.guild, 0
    for thread_id in thread_ids:
        thread = guild.get_thread(thread_id)
        if thread is None:
            if lookups >= MAX_LOOKUPS:
                continue
            lookups += 1
            found = await find_place(guild, thread_id)
            if not isinstance(found, discord.Thread):
                continue
            thread = found
        if thread.parent_id == channel.id and may_read(member, thread):
            out.add(thread_id)
    if lookups >= MAX_LOOKUPS:
        log.info("catch-up in %s: more than %d uncached threads; the rest are left out", channel.id, MAX_LOOKUPS)
    return out
