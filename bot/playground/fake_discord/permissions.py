"""Permission bits and Discord's permission algorithm (base from roles, then channel overwrites)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag


class Perm(IntFlag):
    """The permission bits the fake enforces or hands out (values as in the Discord docs)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40


ALL_PERMISSIONS = (1 << 53) - 1

# What a fresh guild's @everyone role gets in the Discord client, restricted to the bits above.
EVERYONE_DEFAULT = (
    Perm.CREATE_INSTANT_INVITE
    | Perm.CHANGE_NICKNAME
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.CREATE_PRIVATE_THREADS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.ADD_REACTIONS
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_APPLICATION_COMMANDS
)

# Losing SEND_MESSAGES in a text channel implicitly loses these too (Discord's rule).
_NEEDS_SEND = Perm.MENTION_EVERYONE | Perm.SEND_TTS_MESSAGES | Perm.ATTACH_FILES | Perm.EMBED_LINKS


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> dict[str, object]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


def base_permissions(*, is_owner: bool, everyone: int, role_perms: list[int]) -> int:
    if is_owner:
        return ALL_PERMISSIONS
    perms = everyone
    for value in role_perms:
        perms |= value
    if perms & Perm.ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def apply_overwrites(
    base: int,
    overwrites: dict[int, Overwrite],
    *,
    guild_id: int,
    role_ids: list[int],
    member_id: int,
    in_thread: bool = False,
) -> int:
    """Apply @everyone, then all role overwrites together, then the member's own overwrite."""
    if base & Perm.ADMINISTRATOR or base == ALL_PERMISSIONS:
        return ALL_PERMISSIONS
    perms = base
    everyone = overwrites.get(guild_id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in role_ids:
        ow = overwrites.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = overwrites.get(member_id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & Perm.VIEW_CHANNEL:
        return 0
    send = Perm.SEND_MESSAGES_IN_THREADS if in_thread else Perm.SEND_MESSAGES
    if not perms & send:
        perms &= ~_NEEDS_SEND
    return perms


def missing(have: int, need: int) -> list[str]:
    """Names of the bits in `need` that `have` lacks (for readable errors)."""
    return [p.name or str(p.value) for p in Perm if need & p and not have & p]
