"""Small Discord helpers shared by the cogs: replying safely, splitting long text, permission checks."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import discord

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
MESSAGE_LIMIT = 2000


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at paragraph, line or word boundaries; a piece cut mid-word ends with a marker."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit - 1
            pieces.append(rest[:cut] + "…")
        else:
            pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def text_file(text: str, filename: str) -> discord.File:
    return discord.File(io.BytesIO(text.encode("utf-8")), filename=filename)


async def respond(interaction: discord.Interaction, content: str | None = None, *,
                  embed: discord.Embed | None = None, embeds: Sequence[discord.Embed] = (),
                  files: Sequence[discord.File] = (), ephemeral: bool = True) -> None:
    """Answer an interaction whether or not it was already responded to (deferred)."""
    all_embeds = [embed] if embed is not None else list(embeds)
    if content and len(content) > MESSAGE_LIMIT:
        files = [*files, text_file(content, "reply.txt")]
        content = split_text(content, MESSAGE_LIMIT - 40)[0] + "\n(full text attached)"
    if interaction.response.is_done():
        await interaction.followup.send(content or discord.utils.MISSING, embeds=all_embeds,
                                        files=list(files), ephemeral=ephemeral, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(content, embeds=all_embeds, files=list(files),
                                                ephemeral=ephemeral, allowed_mentions=NO_PINGS)


def is_moderator(permissions: discord.Permissions) -> bool:
    return permissions.administrator or permissions.manage_guild or permissions.manage_messages


def is_admin(permissions: discord.Permissions) -> bool:
    return permissions.administrator or permissions.manage_guild


def location(channel: object) -> tuple[int, int | None]:
    """(channel id, thread id): a thread's messages belong to its parent channel in our records."""
    if isinstance(channel, discord.Thread):
        return channel.parent_id or channel.id, channel.id
    return getattr(channel, "id", 0), None
