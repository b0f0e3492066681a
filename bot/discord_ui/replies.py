"""Replying to members safely: never a ping, long text split or attached as a file."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import discord

from bot.util.text import split_text

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
MESSAGE_LIMIT = 2000


def text_file(text: str, filename: str) -> discord.File:
    return discord.File(io.BytesIO(text.encode("utf-8")), filename=filename)


async def cooling_down(interaction: discord.Interaction, wait: float | None, doing: str) -> bool:
    """True, with the member told when they may `doing` again, when a cooldown's `wait` still runs."""
    if wait is None:
        return False
    await respond(interaction, f"You can {doing} again in {wait:.0f} s.")
    return True


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
