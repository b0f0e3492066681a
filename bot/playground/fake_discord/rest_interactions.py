"""Interaction callbacks and the interaction webhook (follow-ups, @original), with Discord's rules:
one callback per interaction, follow-ups only after it, the first follow-up after a defer replaces the
"thinking..." message, and ephemeral messages are never dispatched over the gateway."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import ApiError, invalid_form, not_found
from .interactions import (
    CHANNEL_MESSAGE,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    EPHEMERAL,
    LOADING,
    MODAL,
    UPDATE_MESSAGE,
    Callback,
    InteractionHandle,
)
from .messages import USERS_ONLY, NewFile
from .responses import json_response
from .routing import body_of, fake_of, new_files, no_content, snowflake
from .validation import check_message

if TYPE_CHECKING:
    from .models import Message
    from .server import FakeDiscord

APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT = 2, 3, 5
_MESSAGE_FLAGS = EPHEMERAL | (1 << 2) | (1 << 12) | (1 << 15)
_EDITABLE = ("content", "embeds", "components", "allowed_mentions", "attachments", "flags")


def setup(router: web.UrlDispatcher, api: str) -> None:
    router.add_post(f"{api}/interactions/{{interaction_id}}/{{token}}/callback", callback)
    hook = f"{api}/webhooks/{{app_id}}/{{token}}"
    router.add_post(hook, followup)
    router.add_get(f"{hook}/messages/{{message_id}}", get_message)
    router.add_patch(f"{hook}/messages/{{message_id}}", edit_message)
    router.add_delete(f"{hook}/messages/{{message_id}}", delete_message)


async def callback(request: web.Request) -> web.StreamResponse:
    fake = fake_of(request)
    handle = fake.invocations.handles.get(snowflake(request, "interaction_id"))
    if handle is None or handle.token != request.match_info["token"]:
        raise not_found(10062)
    deadline = fake.interaction_deadline
    if deadline is not None and time.monotonic() - handle.sent_at > deadline:
        raise not_found(10062, detail=f"answered after the {deadline}s deadline")
    if handle.callback is not None:
        raise ApiError(400, 40060)
    body = body_of(request)
    kind, data = body.obj.get("type"), body.obj.get("data") or {}
    files = new_files(body)
    _check_callback(handle, kind, data, len(files))
    # Claimed before any await, so a concurrent second callback gets 40060 like on Discord.
    handle.callback = Callback(int(kind or 0), dict(data), _file_map(files))
    message: dict[str, Any] | None = None
    if kind == CHANNEL_MESSAGE:
        handle.original = msg = _build(fake, handle, data, files)
        message = await fake.message_service.announce(msg, kind="interaction_reply")
        handle.record("callback", message, _file_map(files))
    elif kind == DEFERRED_MESSAGE:
        flags = {"flags": int(data.get("flags") or 0) & EPHEMERAL}
        handle.original = msg = _build(fake, handle, flags, [], extra_flags=LOADING)
        message = await fake.message_service.announce(msg, kind=None)
    elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        handle.original = source = handle.source_message
        if kind == UPDATE_MESSAGE and source is not None:
            message = await fake.message_service.edit(
                source, _editable(data), files, kind="interaction_reply"
            )
            handle.record("update", message, _file_map(files))
    fake.log.notify()
    if request.query.get("with_response") not in ("1", "true", "True"):
        return no_content()
    info: dict[str, Any] = {
        "id": str(handle.id),
        "type": handle.type,
        "response_message_loading": kind == DEFERRED_MESSAGE,
        "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
    }
    resource: dict[str, Any] = {"type": kind}
    if message is not None:
        info["response_message_id"] = message["id"]
        resource["message"] = message
    return json_response({"interaction": info, "resource": resource})


def _check_callback(handle: InteractionHandle, kind: Any, data: dict[str, Any], file_count: int) -> None:
    """Reject callbacks Discord would reject, before anything changes."""
    if kind == CHANNEL_MESSAGE:
        check_message(data, file_count=file_count, creating=True)
    elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        if handle.type not in (MESSAGE_COMPONENT, MODAL_SUBMIT) or handle.source_message is None:
            raise invalid_form(
                "type", "INTERACTION_RESPONSE_TYPE_INVALID", "Only valid for component interactions"
            )
        if kind == UPDATE_MESSAGE:
            check_message(data, file_count=file_count, creating=False)
    elif kind == MODAL:
        if handle.type == MODAL_SUBMIT:
            raise invalid_form(
                "type", "INTERACTION_RESPONSE_TYPE_INVALID", "Cannot answer a modal with a modal"
            )
        if not data.get("custom_id") or not data.get("title") or not data.get("components"):
            raise invalid_form("data", "BASE_TYPE_REQUIRED", "A modal needs custom_id, title and components")
    elif kind != DEFERRED_MESSAGE:
        raise invalid_form(
            "type", "BASE_TYPE_CHOICES", f"Interaction response type {kind!r} is not valid here"
        )


async def followup(request: web.Request) -> web.StreamResponse:
    fake, handle = fake_of(request), _handle(request)
    if handle.callback is None:
        raise not_found(10015, detail="follow-up before the interaction was answered")
    body = body_of(request)
    data, files = body.obj, new_files(body)
    check_message(data, file_count=len(files), creating=True)
    original = handle.original
    if handle.callback.type == DEFERRED_MESSAGE and original is not None and original.flags & LOADING:
        payload = await fake.message_service.edit(original, _editable(data), files, kind="interaction_reply")
    else:
        msg = _build(fake, handle, data, files)
        payload = await fake.message_service.announce(msg, kind="interaction_reply")
        handle.followup_ids.append(msg.id)
    handle.record("followup", payload, _file_map(files))
    if request.query.get("wait") in ("1", "true", "True"):
        return json_response(payload)
    return no_content()


async def get_message(request: web.Request) -> web.Response:
    fake, handle = fake_of(request), _handle(request)
    return json_response(fake.render.message(_target(request, handle), with_member=False))


async def edit_message(request: web.Request) -> web.Response:
    fake, handle = fake_of(request), _handle(request)
    msg = _target(request, handle)
    body = body_of(request)
    changes, files = body.obj, new_files(body)
    check_message(changes, file_count=len(files), creating=False)
    kind = "interaction_reply" if msg.flags & LOADING else "edit"
    payload = await fake.message_service.edit(msg, _editable(changes), files, kind=kind)
    handle.record("edit", payload, _file_map(files))
    return json_response(payload)


async def delete_message(request: web.Request) -> web.Response:
    fake, handle = fake_of(request), _handle(request)
    await fake.message_service.delete(_target(request, handle))
    return no_content()


# ----- helpers
def _handle(request: web.Request) -> InteractionHandle:
    fake = fake_of(request)
    handle = fake.invocations.by_token(request.match_info["token"])
    if snowflake(request, "app_id") != fake.bot_id or handle is None:
        raise not_found(10015)
    return handle


def _target(request: web.Request, handle: InteractionHandle) -> Message:
    which = request.match_info["message_id"]
    msg = handle.original if which == "@original" else None
    if which != "@original":
        wanted = snowflake(request, "message_id")
        if wanted in handle.followup_ids or (handle.original is not None and handle.original.id == wanted):
            msg = fake_of(request).world.messages.get(wanted)
    if msg is None or msg.deleted:
        raise not_found(10008, detail=f"interaction message {which}")
    return msg


def _editable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in _EDITABLE if k in data}


def _file_map(files: list[NewFile]) -> dict[str, bytes]:
    return {f.filename: f.data for f in files}


def _build(
    fake: FakeDiscord,
    handle: InteractionHandle,
    data: dict[str, Any],
    files: list[NewFile],
    *,
    extra_flags: int = 0,
) -> Message:
    """A message shown for an interaction: sent by the bot through the application's webhook."""
    flags = (int(data.get("flags") or 0) & _MESSAGE_FLAGS) | extra_flags
    idata = handle.payload.get("data") or {}
    metadata: dict[str, Any] = {
        "id": str(handle.id),
        "type": handle.type,
        "user": fake.render.user(handle.user_id),
        "authorizing_integration_owners": handle.payload.get("authorizing_integration_owners", {}),
    }
    msg_type = 0
    if handle.type == APPLICATION_COMMAND:
        msg_type = 20 if idata.get("type", 1) == 1 else 23
        metadata.update(name=idata.get("name"), command_type=idata.get("type", 1))
        if idata.get("type") == 3:
            metadata["target_message_id"] = idata.get("target_id")
        elif idata.get("type") == 2:
            metadata["target_user"] = fake.render.user(int(idata["target_id"]))
    elif handle.type == MESSAGE_COMPONENT and handle.source_message is not None:
        metadata["interacted_message_id"] = str(handle.source_message.id)
    return fake.message_service.build(
        fake.world.channel(handle.channel_id),
        fake.bot_id,
        content=data.get("content") or "",
        embeds=data.get("embeds") or [],
        files=files,
        allowed_mentions=data.get("allowed_mentions"),
        default_mentions=USERS_ONLY,
        components=data.get("components") or [],
        flags=flags,
        type=msg_type,
        webhook_id=fake.bot_id,
        interaction_metadata=metadata,
        ephemeral=bool(flags & EPHEMERAL),
        tts=bool(data.get("tts")),
    )
