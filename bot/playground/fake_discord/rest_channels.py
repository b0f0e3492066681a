"""REST routes under /channels: channels, messages, history, reactions, typing (threads: rest_threads.py).

Permissions are checked for the bot like Discord does (VIEW_CHANNEL missing -> 50001, else 50013).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .content import without_content
from .errors import ApiError, forbidden, invalid_form
from .gateway import MESSAGE_CONTENT
from .ids import snowflake_time, utcnow
from .models import CATEGORY
from .permissions import Perm
from .responses import json_response
from .routing import body_of, fake_of, new_files, no_content, require, snowflake
from .validation import SENDABLE_FLAGS, check_message

if TYPE_CHECKING:
    from .models import Message
    from .server import FakeDiscord

_BULK_DELETE_MAX_AGE = dt.timedelta(days=14)
_CUSTOM_EMOJI = re.compile(r"(?:a?:)?(\w{2,32}):(\d+)")


def setup(router: web.UrlDispatcher, api: str) -> None:
    ch = f"{api}/channels/{{channel_id}}"
    msg = f"{ch}/messages/{{message_id}}"
    router.add_get(ch, get_channel)
    router.add_patch(ch, patch_channel)
    router.add_delete(ch, delete_channel)
    router.add_post(f"{ch}/typing", typing)
    router.add_post(f"{ch}/messages/bulk-delete", bulk_delete)
    router.add_get(f"{ch}/messages", history)
    router.add_post(f"{ch}/messages", create_message)
    router.add_get(msg, get_message)
    router.add_patch(msg, edit_message)
    router.add_delete(msg, delete_message)
    router.add_put(f"{msg}/reactions/{{emoji}}/@me", add_reaction)
    router.add_delete(f"{msg}/reactions/{{emoji}}/{{user}}", remove_reaction)
    router.add_get(f"{msg}/reactions/{{emoji}}", reaction_users)


# ----- channels
async def get_channel(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    require(fake, channel, Perm.VIEW_CHANNEL)
    return json_response(fake.render.channel(channel))


async def patch_channel(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    changes = body_of(request).obj
    if channel.is_thread:
        owner_may = {"name", "archived", "auto_archive_duration", "applied_tags"}  # a post's owner sets tags
        if channel.owner_id != fake.bot_id or set(changes) - owner_may:
            require(fake, channel, Perm.MANAGE_THREADS)
        return json_response(await fake.threads.update(channel, changes, by=fake.bot_id))
    require(fake, channel, Perm.MANAGE_CHANNELS)
    for key in ("name", "topic", "nsfw", "rate_limit_per_user", "position"):
        if key in changes:
            setattr(channel, key, changes[key])
    data = fake.render.channel(channel)
    await fake.gateway.dispatch("CHANNEL_UPDATE", data, guild_id=channel.guild_id, intent=1)
    return json_response(data)


async def delete_channel(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    if not channel.is_thread:
        raise forbidden(50013, detail="the fake only deletes threads")
    require(fake, channel, Perm.MANAGE_THREADS)
    return json_response(await fake.threads.delete(channel, by=fake.bot_id))


async def typing(request: web.Request) -> web.Response:
    fake = fake_of(request)
    require(fake, fake.world.channel(snowflake(request, "channel_id")), Perm.VIEW_CHANNEL)
    return no_content()


# ----- messages
async def create_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    body = body_of(request)
    data, files = body.obj, new_files(body)
    if channel.type == CATEGORY or channel.is_forum:  # forums hold posts (threads), not messages
        raise ApiError(400, 50008)
    check_message(data, file_count=len(files), creating=True)
    need = Perm.VIEW_CHANNEL | (Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES)
    if data.get("embeds"):
        need |= Perm.EMBED_LINKS
    if files:
        need |= Perm.ATTACH_FILES
    if data.get("message_reference"):
        need |= Perm.READ_MESSAGE_HISTORY
    require(fake, channel, need)
    if channel.is_thread:
        await fake.threads.unarchive_for_message(channel, fake.bot_id)
    msg = fake.message_service.build(
        channel,
        fake.bot_id,
        content=data.get("content") or "",
        embeds=data.get("embeds") or [],
        files=files,
        reference=data.get("message_reference"),
        allowed_mentions=data.get("allowed_mentions"),
        components=data.get("components") or [],
        flags=int(data.get("flags") or 0) & SENDABLE_FLAGS,
        tts=bool(data.get("tts")),
    )
    return json_response(await fake.message_service.announce(msg))


async def history(request: web.Request) -> web.Response:
    """GET messages: newest first, `limit` (1-100, default 50) before/after/around an id, like Discord."""
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    perms = require(fake, channel, Perm.VIEW_CHANNEL)
    if not perms & Perm.READ_MESSAGE_HISTORY:
        return json_response([])
    q = request.query
    try:
        limit = int(q.get("limit", 50))
    except ValueError:
        raise invalid_form("limit", "NUMBER_TYPE_COERCE", "Value is not int.") from None
    if not 1 <= limit <= 100:
        raise invalid_form("limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100")
    msgs = fake.world.history(channel.id)
    ids = [m.id for m in msgs]
    if "around" in q:
        i = bisect.bisect_left(ids, int(q["around"]))
        start = max(0, min(i - limit // 2, len(msgs) - limit))
        window = msgs[start : start + limit]
    elif "before" in q:
        window = msgs[: bisect.bisect_left(ids, int(q["before"]))][-limit:]
    elif "after" in q:
        window = msgs[bisect.bisect_right(ids, int(q["after"])) :][:limit]
    else:
        window = msgs[-limit:]
    return json_response([_readable(fake, m) for m in reversed(window)])


async def get_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    require(fake, channel, Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY)
    msg = fake.world.message(channel.id, snowflake(request, "message_id"))
    return json_response(_readable(fake, msg))


def _readable(fake: FakeDiscord, msg: Message) -> dict[str, Any]:
    """A message as REST returns it to the bot: blanked when the portal has Message Content off."""
    data = fake.render.message(msg, with_member=False, viewer_id=fake.bot_id)
    return data if fake.portal_intents & MESSAGE_CONTENT else without_content(data, fake.bot_id)


async def edit_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    msg = fake.world.message(channel.id, snowflake(request, "message_id"))
    body = body_of(request)
    changes, files = body.obj, new_files(body)
    require(fake, channel, Perm.VIEW_CHANNEL | (Perm.ATTACH_FILES if files else 0))
    if msg.author_id != fake.bot_id:
        raise forbidden(50005)
    check_message(changes, file_count=len(files), creating=False)
    return json_response(await fake.message_service.edit(msg, changes, files))


async def delete_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    msg = fake.world.message(channel.id, snowflake(request, "message_id"))
    require(fake, channel, Perm.VIEW_CHANNEL | (0 if msg.author_id == fake.bot_id else Perm.MANAGE_MESSAGES))
    await fake.message_service.delete(msg)
    return no_content()


async def bulk_delete(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    require(fake, channel, Perm.VIEW_CHANNEL | Perm.MANAGE_MESSAGES)
    ids = [int(i) for i in body_of(request).obj.get("messages") or []]
    if not 2 <= len(ids) <= 100:
        raise ApiError(400, 50016)
    if any(utcnow() - snowflake_time(i) > _BULK_DELETE_MAX_AGE for i in ids):
        raise ApiError(400, 50034)
    found = [
        m
        for i in dict.fromkeys(ids)
        if (m := fake.world.messages.get(i)) is not None and not m.deleted and m.channel_id == channel.id
    ]
    await fake.message_service.bulk_delete(channel, found)
    return no_content()


# ----- reactions
def _emoji(request: web.Request) -> str:
    """The reaction key: a unicode emoji, or "name:id" for a custom one (sent as name:id, :name:id or
    a:name:id). Custom emojis are not checked against a guild's emoji list."""
    emoji = request.match_info["emoji"]
    custom = _CUSTOM_EMOJI.fullmatch(emoji)
    if custom:
        return f"{custom.group(1)}:{custom.group(2)}"
    if emoji and not emoji.isascii():
        return emoji
    raise ApiError(400, 10014, detail=f"emoji {emoji!r}")


async def add_reaction(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    msg = fake.world.message(channel.id, snowflake(request, "message_id"))
    emoji = _emoji(request)
    need = (
        Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY | (0 if emoji in msg.reactions else Perm.ADD_REACTIONS)
    )
    require(fake, channel, need)
    await fake.message_service.react(msg, fake.bot_id, emoji)
    return no_content()


async def remove_reaction(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    msg = fake.world.message(channel.id, snowflake(request, "message_id"))
    who = request.match_info["user"]
    user_id = fake.bot_id if who == "@me" else snowflake(request, "user")
    require(fake, channel, Perm.VIEW_CHANNEL | (0 if user_id == fake.bot_id else Perm.MANAGE_MESSAGES))
    await fake.message_service.react(msg, user_id, _emoji(request), add=False)
    return no_content()


async def reaction_users(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    require(fake, channel, Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY)
    msg = fake.world.message(channel.id, snowflake(request, "message_id"))
    users = msg.reactions.get(_emoji(request), [])
    return json_response([fake.render.user(u) for u in users])
