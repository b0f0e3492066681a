"""Building INTERACTION_CREATE payloads a Discord client would produce: slash and context-menu commands
(from the synced definitions), component clicks and modal submits."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from . import commands as c
from .errors import FakeDiscordError
from .events import TranscriptEvent
from .interactions import InteractionHandle
from .models import Channel, Message
from .options import OptionBuilder
from .payloads import MAX_UPLOAD
from .permissions import Perm, missing

if TYPE_CHECKING:
    from .server import FakeDiscord

logger = logging.getLogger(__name__)
APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT = 2, 3, 5
_SELECTS = {3, 5, 6, 7, 8}


class Invocations:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.handles: dict[int, InteractionHandle] = {}
        self.options = OptionBuilder(fake)

    def by_token(self, token: str) -> InteractionHandle | None:
        return next((h for h in self.handles.values() if h.token == token), None)

    # ----- commands
    async def slash(
        self,
        user_id: int,
        channel_id: int,
        command: str,
        options: dict[str, Any] | None,
        *,
        check_permissions: bool,
    ) -> InteractionHandle:
        words = command.strip().lstrip("/").split()
        if not words:
            raise FakeDiscordError("empty command")
        channel = self.fake.world.channel(channel_id)
        cmd = self.fake.commands.find(words[0], c.CHAT_INPUT, channel.guild_id)
        self._check_can_use(cmd, user_id, channel, check_permissions)
        walked, leaf = c.walk_path(cmd, words[1:])
        resolved: dict[str, dict[str, Any]] = {}
        leaf_options = self.options.build(
            leaf, dict(options or {}), user_id, channel, resolved, label=command
        )
        data: dict[str, Any] = {
            "id": str(cmd.id),
            "name": cmd.name,
            "type": c.CHAT_INPUT,
            "options": c.nest(walked, c.path_nodes(cmd, walked), leaf_options),
        }
        if resolved:
            data["resolved"] = resolved
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        shown = " ".join(f"{o['name']}: {self.options.shown(o)}" for o in leaf_options)
        label = f"/{' '.join([cmd.name, *walked])}" + (f" {shown}" if shown else "")
        return await self._send(self._base(APPLICATION_COMMAND, user_id, channel, data), label)

    async def context_menu(
        self, kind: int, user_id: int, channel_id: int, name: str, target_id: int, *, check_permissions: bool
    ) -> InteractionHandle:
        w, r = self.fake.world, self.fake.render
        channel = w.channel(channel_id)
        cmd = self.fake.commands.find(name, kind, channel.guild_id)
        self._check_can_use(cmd, user_id, channel, check_permissions)
        resolved: dict[str, Any]
        if kind == c.MESSAGE_COMMAND:
            target = w.message(channel_id, target_id)
            resolved = {"messages": {str(target.id): r.message(target, with_member=False)}}
            label = f"{name} on message {target.id}"
        else:
            resolved = self.options.resolve_user(target_id, channel)
            label = f"{name} on {self.fake.name_of(target_id)}"
        data: dict[str, Any] = {
            "id": str(cmd.id),
            "name": cmd.name,
            "type": kind,
            "target_id": str(target_id),
            "resolved": resolved,
        }
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        return await self._send(self._base(APPLICATION_COMMAND, user_id, channel, data), label)

    def _check_can_use(self, cmd: c.SyncedCommand, user_id: int, channel: Channel, check: bool) -> None:
        w = self.fake.world
        if channel.guild_id is not None and user_id not in w.guild(channel.guild_id).members:
            raise FakeDiscordError(f"{self.fake.name_of(user_id)} is not a member of the channel's guild")
        perms = w.permissions(user_id, channel.id)
        if not check:
            return
        need = Perm.VIEW_CHANNEL | (Perm.USE_APPLICATION_COMMANDS if channel.guild_id is not None else 0)
        need |= int(cmd.definition.get("default_member_permissions") or 0) if channel.guild_id else 0
        if perms & need != need:
            raise FakeDiscordError(
                f"{self.fake.name_of(user_id)} cannot use {cmd.name!r} in #{channel.name}: lacks "
                f"{missing(perms, need)} (pass check_permissions=False to invoke it anyway)"
            )

    # ----- components and modals
    async def component(
        self, user_id: int, message_id: int, custom_id: str, values: list[str] | None
    ) -> InteractionHandle:
        msg = self.fake.world.messages.get(int(message_id))
        if msg is None or msg.deleted:
            raise FakeDiscordError(f"no message {message_id}")
        comp = next((x for x in _walk(msg.components) if x.get("custom_id") == custom_id), None)
        if comp is None:
            ids = [x.get("custom_id") for x in _walk(msg.components) if x.get("custom_id")]
            raise FakeDiscordError(f"message {message_id} has no component {custom_id!r}; it has {ids}")
        if comp.get("disabled"):
            raise FakeDiscordError(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp.get("id") is not None:
            data["id"] = comp["id"]
        if comp["type"] in _SELECTS:
            data["values"] = list(values or [])
        channel = self.fake.world.channel(msg.channel_id)
        payload = self._base(MESSAGE_COMPONENT, user_id, channel, data, message=msg)
        return await self._send(payload, f"clicked {custom_id}", source_message=msg)

    async def modal_submit(
        self, parent: InteractionHandle, modal: dict[str, Any], values: dict[str, Any], user_id: int
    ) -> InteractionHandle:
        remaining = dict(values)
        components = [_submitted(x, remaining) for x in modal.get("components", [])]
        if remaining:
            raise FakeDiscordError(f"modal {modal.get('title')!r} has no field(s) {sorted(remaining)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        channel = self.fake.world.channel(parent.channel_id)
        payload = self._base(MODAL_SUBMIT, user_id, channel, data, message=parent.source_message)
        shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
        return await self._send(
            payload, f"submitted {modal.get('title')!r}: {shown}", source_message=parent.source_message
        )

    # ----- common
    def _base(
        self, itype: int, user_id: int, channel: Channel, data: dict[str, Any], message: Message | None = None
    ) -> dict[str, Any]:
        fake, w, r = self.fake, self.fake.world, self.fake.render
        payload: dict[str, Any] = {
            "id": str(w.ids.next()),
            "application_id": str(fake.bot_id),
            "type": itype,
            "data": data,
            "token": secrets.token_urlsafe(48),
            "version": 1,
            "channel_id": str(channel.id),
            "channel": r.channel(channel, permissions_for=user_id),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": MAX_UPLOAD,
            "app_permissions": str(w.permissions(fake.bot_id, channel.id)),
        }
        if channel.guild_id is not None:
            guild = w.guild(channel.guild_id)
            member = w.member(guild.id, user_id)
            payload.update(
                guild_id=str(guild.id),
                guild_locale=guild.locale,
                context=0,
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                member=r.member(member, permissions=w.permissions(user_id, channel.id)),
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            payload.update(user=r.user(user_id), context=1, authorizing_integration_owners={"0": "0"})
        if message is not None:
            payload["message"] = r.message(message, with_member=False)
        return payload

    async def _send(
        self, payload: dict[str, Any], label: str, source_message: Message | None = None
    ) -> InteractionHandle:
        fake = self.fake
        handle = InteractionHandle(fake, payload, label=label, source_message=source_message)
        self.handles[handle.id] = handle
        fake.log.emit(
            TranscriptEvent(
                kind="interaction",
                channel=fake.channel_label(handle.channel_id),
                author=fake.name_of(handle.user_id),
                content=label,
                channel_id=handle.channel_id,
                author_id=handle.user_id,
                payload=payload,
            )
        )
        if not fake.gateway.connected:
            logger.warning("interaction %s sent while no bot is connected; nobody will answer it", label)
        await fake.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=_int(payload.get("guild_id")))
        return handle


def _walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for comp in components:
        out.append(comp)
        out.extend(_walk(comp.get("components") or []))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(_walk([comp[key]]))
    return out


def _submitted(comp: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The MODAL_SUBMIT echo of one modal component (rows, labels, text inputs, selects, text displays)."""
    t = comp["type"]
    out: dict[str, Any] = {"type": t}
    if comp.get("id") is not None:
        out["id"] = comp["id"]
    if t == 1:
        out["components"] = [_submitted(x, values) for x in comp.get("components", [])]
    elif t == 18:
        out["component"] = _submitted(comp["component"], values)
    elif t == 4:
        cid, value = comp["custom_id"], values.pop(comp["custom_id"], "")
        if not isinstance(value, str):
            raise FakeDiscordError(f"text input {cid!r} takes a string, got {value!r}")
        if comp.get("required", True) and not value:
            raise FakeDiscordError(f"text input {cid!r} is required")
        if value and not (comp.get("min_length") or 0) <= len(value) <= (comp.get("max_length") or 4000):
            raise FakeDiscordError(f"text input {cid!r}: length {len(value)} outside the allowed range")
        out.update(custom_id=cid, value=value)
    elif t in _SELECTS:
        out.update(custom_id=comp["custom_id"], values=list(values.pop(comp["custom_id"], [])))
    return out


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
