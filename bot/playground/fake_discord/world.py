"""The world: the fake's state with its builders, lookups (404 the Discord way) and permission rules.

Plain data (models.py) plus behaviour; no networking and no Discord JSON (payloads.py renders that).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence

from .errors import FakeDiscordError, not_found
from .ids import SnowflakeFactory, on_shard, utcnow
from .models import (
    DM,
    DM_PERMISSIONS,
    FORUM_TYPES,
    PUBLIC_THREAD,
    TEXT,
    Application,
    Channel,
    ForumTag,
    Guild,
    Member,
    Message,
    Role,
    StoredFile,
    User,
)
from .permissions import ALL_PERMISSIONS, Overwrite, apply_overwrites, base_permissions


class World:
    def __init__(self, ids: SnowflakeFactory) -> None:
        self.ids = ids
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.files: dict[int, StoredFile] = {}
        self._history: dict[int, list[int]] = {}
        self.application: Application | None = None

    # ----- building
    def add_user(
        self,
        username: str,
        *,
        bot: bool = False,
        global_name: str | None = None,
        created_at: dt.datetime | None = None,
    ) -> int:
        if self.find_user(username) is not None:
            raise FakeDiscordError(f"a user named {username!r} already exists")
        uid = self.ids.next(created_at)
        self.users[uid] = User(uid, username, global_name, bot=bot, discriminator="4821" if bot else "0")
        return uid

    def add_guild(
        self,
        name: str,
        *,
        owner_id: int,
        everyone_permissions: int,
        created_at: dt.datetime | None = None,
        shard: tuple[int, int] | None = None,
    ) -> int:
        """A guild; `shard=(shard_id, shard_count)` picks an id that gateway shard carries."""
        if shard is not None:
            created_at = on_shard(created_at or utcnow(), *shard)
        gid = self.ids.next(created_at)
        guild = Guild(gid, name, owner_id)
        guild.roles[gid] = Role(gid, gid, "@everyone", everyone_permissions, 0)  # @everyone id == guild id
        self.guilds[gid] = guild
        self.add_member(gid, owner_id)
        return gid

    def add_role(
        self,
        guild_id: int,
        name: str,
        permissions: int = 0,
        *,
        position: int | None = None,
        bot_id: int | None = None,
        hoist: bool = False,
        color: int = 0,
    ) -> int:
        guild = self.guild(guild_id)
        rid = self.ids.next()
        pos = position if position is not None else max(r.position for r in guild.roles.values()) + 1
        guild.roles[rid] = Role(rid, guild_id, name, int(permissions), pos, color, hoist, bot_id=bot_id)
        return rid

    def add_member(
        self, guild_id: int, user_id: int, *, roles: tuple[int, ...] | list[int] = (), nick: str | None = None
    ) -> None:
        guild = self.guild(guild_id)
        self.user(user_id)
        for rid in roles:
            if rid not in guild.roles:
                raise FakeDiscordError(f"role {rid} is not in guild {guild.name!r}")
        guild.members[user_id] = Member(user_id, guild_id, list(roles), nick)

    def add_channel(
        self,
        guild_id: int,
        name: str,
        *,
        type: int = TEXT,
        topic: str | None = None,
        parent_id: int | None = None,
        overwrites: list[Overwrite] | None = None,
        tags: Sequence[str | ForumTag] = (),
        flags: int = 0,
    ) -> int:
        guild = self.guild(guild_id)
        if tags and type not in FORUM_TYPES:
            raise FakeDiscordError("only forum and media channels have tags")
        cid = self.ids.next()
        position = sum(1 for c in guild.channel_ids if self.channels[c].type == type)
        self.channels[cid] = Channel(
            cid, type, name, guild_id, position, topic, parent_id, {ow.id: ow for ow in overwrites or []}
        )
        self.channels[cid].flags = flags
        self.channels[cid].available_tags = [
            t if isinstance(t, ForumTag) else ForumTag(self.ids.next(), t) for t in tags
        ]
        guild.channel_ids.append(cid)
        self._history[cid] = []
        if guild.system_channel_id is None and type == TEXT:
            guild.system_channel_id = cid
        return cid

    def add_thread(
        self,
        parent_id: int,
        name: str,
        *,
        owner_id: int,
        thread_id: int | None = None,
        auto_archive_duration: int = 1440,
        type: int = PUBLIC_THREAD,
    ) -> Channel:
        parent = self.channel(parent_id)
        tid = thread_id if thread_id is not None else self.ids.next()
        now = utcnow()
        thread = Channel(
            tid,
            type,
            name,
            parent.guild_id,
            parent_id=parent_id,
            owner_id=owner_id,
            auto_archive_duration=auto_archive_duration,
            archive_timestamp=now,
            created_at=now,
            member_ids={owner_id},
        )
        self.channels[tid] = thread
        self._history[tid] = []
        return thread

    def dm_channel(self, user_id: int) -> Channel:
        """The bot's DM channel with a user, created on first use."""
        self.user(user_id)
        for ch in self.channels.values():
            if ch.type == DM and ch.recipient_id == user_id:
                return ch
        cid = self.ids.next()
        ch = Channel(cid, DM, "", None, recipient_id=user_id)
        self.channels[cid] = ch
        self._history[cid] = []
        return ch

    def remove_channel(self, channel_id: int) -> Channel:
        ch = self.channel(channel_id)
        del self.channels[ch.id]
        for mid in self._history.pop(ch.id, []):
            self.messages[mid].deleted = True
        if ch.guild_id is not None and ch.id in self.guilds[ch.guild_id].channel_ids:
            self.guilds[ch.guild_id].channel_ids.remove(ch.id)
        return ch

    # ----- lookups (404 the Discord way when missing)
    def user(self, user_id: int) -> User:
        try:
            return self.users[int(user_id)]
        except (KeyError, ValueError):
            raise not_found(10013, f"user {user_id}") from None

    def guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[int(guild_id)]
        except (KeyError, ValueError):
            raise not_found(10004, f"guild {guild_id}") from None

    def channel(self, channel_id: int) -> Channel:
        try:
            return self.channels[int(channel_id)]
        except (KeyError, ValueError):
            raise not_found(10003, f"channel {channel_id}") from None

    def member(self, guild_id: int, user_id: int) -> Member:
        try:
            return self.guild(guild_id).members[int(user_id)]
        except (KeyError, ValueError):
            raise not_found(10007, f"member {user_id}") from None

    def message(self, channel_id: int, message_id: int) -> Message:
        msg = self.messages.get(int(message_id))
        if msg is None or msg.deleted or msg.ephemeral or msg.channel_id != int(channel_id):
            raise not_found(10008, f"message {message_id} in channel {channel_id}")
        return msg

    def find_user(self, name: str) -> User | None:
        return next((u for u in self.users.values() if name in (u.username, u.global_name)), None)

    def find_channel(self, name: str, guild_id: int | None = None) -> Channel | None:
        return next(
            (
                c
                for c in self.channels.values()
                if c.name == name and (guild_id is None or c.guild_id == guild_id)
            ),
            None,
        )

    def guild_channels(self, guild_id: int) -> list[Channel]:
        return [self.channels[c] for c in self.guild(guild_id).channel_ids]

    def threads(self, guild_id: int, *, archived: bool | None = None) -> list[Channel]:
        return [
            c
            for c in self.channels.values()
            if c.guild_id == guild_id and c.is_thread and (archived is None or c.archived == archived)
        ]

    # ----- messages
    def store_message(self, msg: Message) -> None:
        """Keep a channel message (ephemeral interaction messages are kept by id only)."""
        self.messages[msg.id] = msg
        if msg.ephemeral:
            return
        bisect.insort(self._history[msg.channel_id], msg.id)
        ch = self.channels[msg.channel_id]
        ch.last_message_id = max(ch.last_message_id or 0, msg.id)
        if ch.is_thread and msg.id == ch.id:
            msg.position = 0  # a forum post's starter message: not counted in message_count
        elif ch.is_thread:
            ch.message_count += 1
            ch.total_message_sent += 1
            msg.position = ch.total_message_sent

    def forget_message(self, msg: Message) -> None:
        msg.deleted = True
        history = self._history.get(msg.channel_id, [])
        i = bisect.bisect_left(history, msg.id)
        if i < len(history) and history[i] == msg.id:
            del history[i]
            ch = self.channels[msg.channel_id]
            if ch.is_thread and msg.id != ch.id:
                ch.message_count = max(0, ch.message_count - 1)

    def history(self, channel_id: int) -> list[Message]:
        """Live messages of a channel, oldest first."""
        return [self.messages[i] for i in self._history.get(int(channel_id), [])]

    # ----- permissions
    def permissions(self, user_id: int, channel_id: int) -> int:
        """A user's effective permissions in a channel (threads use their parent's overwrites)."""
        ch = self.channel(channel_id)
        if ch.guild_id is None:
            return DM_PERMISSIONS
        source = self.channel(ch.parent_id) if ch.is_thread and ch.parent_id else ch
        guild = self.guild(ch.guild_id)
        member = guild.members.get(int(user_id))
        if member is None:
            return 0
        base = self.guild_permissions(user_id, guild.id)
        if base == ALL_PERMISSIONS:
            return base
        return apply_overwrites(
            base,
            source.overwrites,
            guild_id=guild.id,
            role_ids=member.roles,
            member_id=member.user_id,
            in_thread=ch.is_thread,
        )

    def guild_permissions(self, user_id: int, guild_id: int) -> int:
        guild = self.guild(guild_id)
        member = guild.members.get(int(user_id))
        if member is None:
            return 0
        return base_permissions(
            is_owner=guild.owner_id == member.user_id,
            everyone=guild.roles[guild.id].permissions,
            role_perms=[guild.roles[r].permissions for r in member.roles if r in guild.roles],
        )
