"""The fake's data: users, roles, members, guilds, channels and threads, stored files, messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .ids import snowflake_time, utcnow
from .permissions import Overwrite, Perm

TEXT, DM, CATEGORY, NEWS, PUBLIC_THREAD, FORUM, MEDIA = 0, 1, 4, 5, 11, 15, 16
THREAD_TYPES = frozenset({10, 11, 12})
FORUM_TYPES = frozenset(
    {FORUM, MEDIA}
)  # channels holding only threads ("posts"), each with a starter message
REQUIRE_TAG = 1 << 4  # forum channel flag: a post must carry at least one tag
# What a user may do in a DM with the bot (DMs have no roles or overwrites).
DM_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.USE_EXTERNAL_EMOJIS
)


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    discriminator: str = "0"
    avatar: str | None = None

    @property
    def display_name(self) -> str:
        return self.global_name or self.username


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    bot_id: int | None = None  # set for the managed role Discord creates for a bot


@dataclass
class Member:
    user_id: int
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: dt.datetime = field(default_factory=utcnow)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    system_channel_id: int | None = None
    locale: str = "en-US"


@dataclass
class ForumTag:
    """A tag of a forum channel's `available_tags`; posts list the ids of theirs in `applied_tags`."""

    id: int
    name: str
    moderated: bool = False
    emoji_name: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "moderated": self.moderated,
            "emoji_id": None,
            "emoji_name": self.emoji_name,
        }


@dataclass
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    nsfw: bool = False
    rate_limit_per_user: int = 0
    last_message_id: int | None = None  # forums: the id of the newest post
    flags: int = 0
    # Forums only.
    available_tags: list[ForumTag] = field(default_factory=list)
    # Threads only.
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    archive_timestamp: dt.datetime | None = None
    created_at: dt.datetime | None = None
    message_count: int = 0
    total_message_sent: int = 0
    member_ids: set[int] = field(default_factory=set)
    applied_tags: list[int] = field(default_factory=list)  # forum posts
    # DMs only.
    recipient_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_forum(self) -> bool:
        return self.type in FORUM_TYPES


@dataclass
class StoredFile:
    """An attachment: its bytes are served back at /attachments/{channel_id}/{id}/{filename}."""

    id: int
    channel_id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    ephemeral: bool = False


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str = ""
    type: int = 0
    flags: int = 0
    embeds: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[StoredFile] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    sticker_items: list[dict[str, Any]] = field(default_factory=list)
    mention_ids: list[int] = field(default_factory=list)
    mention_role_ids: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    reply_to: int | None = None
    reference: dict[str, Any] | None = None
    edited_at: dt.datetime | None = None
    # emoji key ("name" or "name:id") -> user ids in the order they reacted
    reactions: dict[str, list[int]] = field(default_factory=dict)
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    allowed_mentions: dict[str, Any] | None = None
    thread_id: int | None = None
    tts: bool = False
    pinned: bool = False
    ephemeral: bool = False  # interaction message only its user sees; never stored in the channel
    deleted: bool = False
    position: int | None = None  # messages in threads: their place in the thread (the starter is 0)
    seq: int = 0  # position in the fake's event log, for race-free waiting

    @property
    def created_at(self) -> dt.datetime:
        return snowflake_time(self.id)


@dataclass
class Application:
    id: int
    name: str
    owner_id: int
    description: str = "Summarises articles and answers questions about them."
    flags: int = 0  # besides the privileged-intent flags, which follow `FakeDiscord.portal_intents`
    verify_key: str = "0" * 64
