"""Creating, editing, deleting and reacting to messages: shared by the REST routes and the driving API.

Each operation changes the world, dispatches the gateway event Discord would send and adds a
transcript event. Mentions follow Discord's rules: the `mentions` array holds only the users the
message actually pinged, which `allowed_mentions` can restrict.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import invalid_form
from .events import TranscriptEvent
from .gateway import DIRECT_MESSAGE_REACTIONS, DIRECT_MESSAGES, GUILD_MESSAGE_REACTIONS, GUILD_MESSAGES
from .ids import utcnow
from .models import Channel, Message, StoredFile
from .payloads import emoji_payload

if TYPE_CHECKING:
    from .server import FakeDiscord

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
REPLY = 19
LOADING = 1 << 7  # a deferred interaction response still "thinking"
_EDITABLE_FLAGS = (1 << 2) | (1 << 15)  # SUPPRESS_EMBEDS, IS_COMPONENTS_V2
ALL_MENTIONS = {"parse": ["users", "roles", "everyone"]}
USERS_ONLY = {"parse": ["users"]}  # the default for interaction and webhook messages


@dataclass
class NewFile:
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None


class Messages:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    # ----- create
    def build(
        self,
        channel: Channel,
        author_id: int,
        *,
        content: str = "",
        embeds: Sequence[dict[str, Any]] = (),
        files: Sequence[NewFile] = (),
        reference: dict[str, Any] | None = None,
        allowed_mentions: dict[str, Any] | None = None,
        default_mentions: dict[str, Any] = ALL_MENTIONS,
        extra_mentions: Sequence[int] = (),
        type: int = 0,
        flags: int = 0,
        components: Sequence[dict[str, Any]] = (),
        sticker_items: Sequence[dict[str, Any]] = (),
        webhook_id: int | None = None,
        interaction_metadata: dict[str, Any] | None = None,
        ephemeral: bool = False,
        created_at: dt.datetime | None = None,
        tts: bool = False,
        message_id: int | None = None,
    ) -> Message:
        """Make and store a message (no dispatch yet: see `announce`); `message_id` is for a forum post's
        starter message, which has its thread's id."""
        w = self.fake.world
        msg = Message(
            id=message_id if message_id is not None else w.ids.next(created_at),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author_id,
            content=content or "",
            type=type,
            flags=flags,
            embeds=[dict(e) for e in embeds],
            components=list(components),
            sticker_items=list(sticker_items),
            webhook_id=webhook_id,
            application_id=self.fake.bot_id if webhook_id is not None else None,
            interaction_metadata=interaction_metadata,
            allowed_mentions=allowed_mentions,
            ephemeral=ephemeral,
            tts=tts,
        )
        reply_author = None
        if reference is not None:  # first: it may reject the message
            reply_author = self._apply_reference(msg, channel, reference)
            if msg.reply_to is not None and type == 0:
                msg.type = REPLY
        msg.attachments = [self.store_file(channel.id, f, ephemeral=ephemeral) for f in files]
        rules = allowed_mentions if allowed_mentions is not None else default_mentions
        replied_user = rules.get("replied_user", allowed_mentions is None)
        self._apply_mentions(msg, rules, reply_author if replied_user else None, extra_mentions)
        msg.seq = self.fake.log.next_seq()
        w.store_message(msg)
        if not ephemeral:
            self.fake.created.append(msg)
        return msg

    def store_file(self, channel_id: int, f: NewFile, *, ephemeral: bool = False) -> StoredFile:
        stored = StoredFile(
            self.fake.world.ids.next(),
            channel_id,
            f.filename,
            f.data,
            f.content_type or _guess_type(f.filename),
            f.description,
            ephemeral,
        )
        self.fake.world.files[stored.id] = stored
        return stored

    def _apply_reference(self, msg: Message, channel: Channel, ref: dict[str, Any]) -> int | None:
        target_id = ref.get("message_id")
        if target_id is None:
            return None
        target = self.fake.world.messages.get(int(target_id))
        ref_channel = int(ref.get("channel_id") or channel.id)
        if target is None or target.deleted or target.channel_id != ref_channel:
            if ref.get("fail_if_not_exists", True):
                raise invalid_form(
                    "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
            return None
        msg.reply_to = target.id
        msg.reference = {"type": 0, "message_id": str(target.id), "channel_id": str(target.channel_id)}
        if target.guild_id is not None:
            msg.reference["guild_id"] = str(target.guild_id)
        return target.author_id

    def _apply_mentions(
        self, msg: Message, rules: dict[str, Any], reply_author: int | None, extra: Sequence[int]
    ) -> None:
        w = self.fake.world
        parse = set(rules.get("parse") or [])
        allowed_users = {int(u) for u in rules.get("users") or []}
        allowed_roles = {int(r) for r in rules.get("roles") or []}
        members = w.guilds[msg.guild_id].members if msg.guild_id in w.guilds else None
        users: list[int] = []
        for uid in [int(x) for x in USER_MENTION.findall(msg.content)] + [int(x) for x in extra]:
            known = uid in w.users and (members is None or uid in members)
            if known and ("users" in parse or uid in allowed_users) and uid not in users:
                users.append(uid)
        if reply_author is not None and reply_author not in users:
            users.append(reply_author)
        msg.mention_ids = users
        roles = w.guilds[msg.guild_id].roles if msg.guild_id in w.guilds else {}
        msg.mention_role_ids = [
            int(r)
            for r in dict.fromkeys(ROLE_MENTION.findall(msg.content))
            if int(r) in roles and ("roles" in parse or int(r) in allowed_roles)
        ]
        msg.mention_everyone = "everyone" in parse and ("@everyone" in msg.content or "@here" in msg.content)

    async def announce(
        self, msg: Message, *, dispatch: bool = True, kind: str | None = "message"
    ) -> dict[str, Any]:
        """Dispatch MESSAGE_CREATE (unless ephemeral or `dispatch` is false) and add a transcript event
        of `kind` (none if `kind` is None)."""
        payload = self.fake.render.message(msg)
        if dispatch and not msg.ephemeral:
            await self._dispatch("MESSAGE_CREATE", payload, msg)
        if kind is not None:
            self.fake.log.emit(self.event(kind, msg, payload))
        else:
            self.fake.log.notify()
        return payload

    # ----- change
    async def edit(
        self,
        msg: Message,
        changes: dict[str, Any],
        files: Sequence[NewFile] = (),
        *,
        kind: str | None = "edit",
        edited: bool = True,
    ) -> dict[str, Any]:
        """Apply an edit body (content/embeds/components/attachments/flags) and dispatch MESSAGE_UPDATE.

        Completing a deferred ("thinking...") interaction message, or Discord adding a link preview
        (`edited=False`), does not set `edited_timestamp`. `kind=None` adds no transcript event.
        """
        was_loading = bool(msg.flags & LOADING)
        if "content" in changes:
            msg.content = changes["content"] or ""
            default = USERS_ONLY if msg.webhook_id is not None else ALL_MENTIONS
            rules = changes.get("allowed_mentions") or msg.allowed_mentions or default
            self._apply_mentions(msg, rules, None, ())
        if "embeds" in changes:
            msg.embeds = [dict(e) for e in changes["embeds"] or []]
        if "components" in changes:
            msg.components = list(changes["components"] or [])
        if "flags" in changes and changes["flags"] is not None:
            # Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can be changed; the rest is Discord's to set.
            msg.flags = (msg.flags & ~_EDITABLE_FLAGS) | (int(changes["flags"]) & _EDITABLE_FLAGS)
        if "allowed_mentions" in changes:
            msg.allowed_mentions = changes["allowed_mentions"]
        new = [self.store_file(msg.channel_id, f, ephemeral=msg.ephemeral) for f in files]
        if "attachments" in changes and changes["attachments"] is not None:
            # Existing attachments are kept by listing their snowflake; new uploads arrive as `files`.
            keep = {str(a.get("id")) for a in changes["attachments"]}
            msg.attachments = [a for a in msg.attachments if str(a.id) in keep]
        msg.attachments.extend(new)
        msg.flags &= ~LOADING
        if edited and not was_loading:
            msg.edited_at = utcnow()
        payload = self.fake.render.message(msg)
        if not msg.ephemeral:
            await self._dispatch("MESSAGE_UPDATE", payload, msg)
        if kind is not None:
            self.fake.log.emit(self.event(kind, msg, payload))
        else:
            self.fake.log.notify()
        return payload

    async def delete(self, msg: Message) -> None:
        self.fake.world.forget_message(msg)
        data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        if not msg.ephemeral:
            await self._dispatch("MESSAGE_DELETE", data, msg, is_message=False)
        self.fake.log.emit(self.event("delete", msg, data))

    async def bulk_delete(self, channel: Channel, msgs: Sequence[Message]) -> None:
        for m in msgs:
            self.fake.world.forget_message(m)
        data: dict[str, Any] = {"ids": [str(m.id) for m in msgs], "channel_id": str(channel.id)}
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        intent = GUILD_MESSAGES if channel.guild_id is not None else DIRECT_MESSAGES
        await self.fake.gateway.dispatch(
            "MESSAGE_DELETE_BULK", data, guild_id=channel.guild_id, intent=intent
        )
        for m in msgs:
            self.fake.log.emit(self.event("delete", m, data))

    async def react(self, msg: Message, user_id: int, emoji: str, *, add: bool = True) -> dict[str, Any]:
        users = msg.reactions.setdefault(emoji, [])
        changed = (user_id not in users) if add else (user_id in users)
        if changed and add:
            users.append(user_id)
        elif changed:
            users.remove(user_id)
        if not users:
            del msg.reactions[emoji]
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": emoji_payload(emoji),
            "burst": False,
            "burst_colors": [],
            "type": 0,
        }
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            if add:
                data["message_author_id"] = str(msg.author_id)
                member = self.fake.world.guilds[msg.guild_id].members.get(user_id)
                if member is not None:
                    data["member"] = self.fake.render.member(member)
        intent = GUILD_MESSAGE_REACTIONS if msg.guild_id is not None else DIRECT_MESSAGE_REACTIONS
        if not changed:  # reacting twice, or removing a reaction that is not there: no event
            return data
        event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
        await self.fake.gateway.dispatch(event, data, guild_id=msg.guild_id, intent=intent)
        if add:
            ev = self.event("reaction", msg, data)
            ev.author, ev.author_id, ev.content = self.fake.name_of(user_id), user_id, emoji
            self.fake.log.emit(ev)
        return data

    async def _dispatch(
        self, event: str, payload: dict[str, Any], msg: Message, *, is_message: bool = True
    ) -> None:
        intent = GUILD_MESSAGES if msg.guild_id is not None else DIRECT_MESSAGES
        await self.fake.gateway.dispatch(
            event, payload, guild_id=msg.guild_id, intent=intent, is_message=is_message
        )

    # ----- transcript
    def event(self, kind: str, msg: Message, payload: dict[str, Any]) -> TranscriptEvent:
        return TranscriptEvent(
            kind=kind,
            channel=self.fake.channel_label(msg.channel_id),
            author=self.fake.name_of(msg.author_id),
            content=msg.content,
            embeds=list(msg.embeds),
            attachments=[a.filename for a in msg.attachments],
            ephemeral=msg.ephemeral,
            reply_to=msg.reply_to,
            channel_id=msg.channel_id,
            author_id=msg.author_id,
            message_id=msg.id,
            payload=payload,
        )


def _guess_type(filename: str) -> str | None:
    return mimetypes.guess_type(filename)[0]
