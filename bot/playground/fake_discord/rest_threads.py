"""REST routes for threads: starting one (from a message, without one, or as a forum post), archived
threads and thread members. Permissions in a thread are its parent's (a forum's overwrites cover its posts)."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from .errors import ApiError, invalid_form
from .ids import utcnow
from .models import PUBLIC_THREAD, Channel
from .permissions import Perm
from .responses import json_response
from .routing import body_of, fake_of, new_files, no_content, require, snowflake
from .validation import SENDABLE_FLAGS, check_message


def setup(router: web.UrlDispatcher, api: str) -> None:
    ch = f"{api}/channels/{{channel_id}}"
    router.add_post(f"{ch}/messages/{{message_id}}/threads", thread_from_message)
    router.add_post(f"{ch}/threads", thread_without_message)
    router.add_get(f"{ch}/threads/archived/public", archived_threads)
    router.add_get(f"{ch}/thread-members", thread_members)
    router.add_put(f"{ch}/thread-members/{{user}}", join_thread)
    router.add_delete(f"{ch}/thread-members/{{user}}", leave_thread)


async def thread_from_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    msg = fake.world.message(channel.id, snowflake(request, "message_id"))
    require(fake, channel, Perm.VIEW_CHANNEL | Perm.CREATE_PUBLIC_THREADS | Perm.READ_MESSAGE_HISTORY)
    body = body_of(request).obj
    thread = await fake.threads.create(
        channel,
        str(body.get("name") or ""),
        owner_id=fake.bot_id,
        message=msg,
        auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
    )
    return json_response(fake.render.thread(thread, member_for=fake.bot_id), 201)


async def thread_without_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    if channel.is_forum:
        return await _forum_post(request, channel)
    body = body_of(request).obj
    kind = int(body.get("type") or 12)
    if kind not in (11, 12):
        raise invalid_form("type", "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.")
    require(
        fake,
        channel,
        Perm.VIEW_CHANNEL
        | (Perm.CREATE_PUBLIC_THREADS if kind == PUBLIC_THREAD else Perm.CREATE_PRIVATE_THREADS),
    )
    thread = await fake.threads.create(
        channel,
        str(body.get("name") or ""),
        owner_id=fake.bot_id,
        type=kind,
        auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
    )
    return json_response(fake.render.thread(thread, member_for=fake.bot_id), 201)


async def _forum_post(request: web.Request, forum: Channel) -> web.Response:
    """Start Thread in Forum or Media Channel: the body's `message` becomes the post's starter message."""
    fake = fake_of(request)
    body = body_of(request)
    data, files = body.obj, new_files(body)
    message = data.get("message")
    if not isinstance(message, dict):
        raise invalid_form("message", "BASE_TYPE_REQUIRED", "This field is required")
    try:
        check_message(message, file_count=len(files), creating=True)
    except ApiError as exc:  # the same errors, nested under "message" as Discord reports them
        if exc.errors:
            exc.errors = {"message": exc.errors}
        raise
    need = Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES  # creating a post needs SEND_MESSAGES in the forum
    need |= (Perm.EMBED_LINKS if message.get("embeds") else 0) | (Perm.ATTACH_FILES if files else 0)
    require(fake, forum, need)
    thread, starter = await fake.forums.create_post(
        forum,
        fake.bot_id,
        data.get("name"),
        content=message.get("content") or "",
        embeds=message.get("embeds") or [],
        files=files,
        components=message.get("components") or [],
        applied_tags=[str(t) for t in data.get("applied_tags") or []],
        allowed_mentions=message.get("allowed_mentions"),
        flags=int(message.get("flags") or 0) & SENDABLE_FLAGS,
        auto_archive_duration=int(data.get("auto_archive_duration") or 1440),
    )
    out = fake.render.thread(thread, member_for=fake.bot_id)
    out["message"] = fake.render.message(starter)
    return json_response(out, 201)


async def archived_threads(request: web.Request) -> web.Response:
    fake = fake_of(request)
    channel = fake.world.channel(snowflake(request, "channel_id"))
    require(fake, channel, Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY)
    threads = [
        t
        for t in fake.world.threads(channel.guild_id or 0, archived=True)
        if t.parent_id == channel.id and t.type == PUBLIC_THREAD
    ]
    threads.sort(key=lambda t: t.archive_timestamp or utcnow(), reverse=True)
    before = request.query.get("before")
    if before:
        cutoff = dt.datetime.fromisoformat(before)
        threads = [t for t in threads if t.archive_timestamp and t.archive_timestamp < cutoff]
    limit = int(request.query.get("limit") or 50)
    page = threads[:limit]
    members = [fake.render.thread_member(t, fake.bot_id) for t in page if fake.bot_id in t.member_ids]
    return json_response(
        {
            "threads": [fake.render.thread(t) for t in page],
            "members": members,
            "has_more": len(threads) > limit,
        }
    )


def _thread(request: web.Request) -> Channel:
    channel = fake_of(request).world.channel(snowflake(request, "channel_id"))
    if not channel.is_thread:
        raise ApiError(400, 50024)
    return channel


async def thread_members(request: web.Request) -> web.Response:
    fake, thread = fake_of(request), _thread(request)
    require(fake, thread, Perm.VIEW_CHANNEL)
    return json_response([fake.render.thread_member(thread, u) for u in sorted(thread.member_ids)])


async def join_thread(request: web.Request) -> web.Response:
    fake, thread = fake_of(request), _thread(request)
    user_id = fake.bot_id if request.match_info["user"] == "@me" else snowflake(request, "user")
    require(
        fake, thread, Perm.VIEW_CHANNEL | (0 if user_id == fake.bot_id else Perm.SEND_MESSAGES_IN_THREADS)
    )
    thread.member_ids.add(user_id)
    return no_content()


async def leave_thread(request: web.Request) -> web.Response:
    fake, thread = fake_of(request), _thread(request)
    user_id = fake.bot_id if request.match_info["user"] == "@me" else snowflake(request, "user")
    require(fake, thread, Perm.VIEW_CHANNEL | (0 if user_id == fake.bot_id else Perm.MANAGE_THREADS))
    thread.member_ids.discard(user_id)
    return no_content()
