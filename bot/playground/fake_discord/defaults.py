"""The default world: guild "Playground" with #general, #news and a private #mod-log, members alice and
bob, moderator mona, owner olivia (also the application's owner) and the bot "Precis" with its role.
`add_community` lays out more guilds the same way (for worlds of several guilds or shards)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .ids import utcnow
from .permissions import EVERYONE_DEFAULT, Overwrite, Perm

if TYPE_CHECKING:
    from .server import FakeDiscord

BOT_ROLE_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.CREATE_PUBLIC_THREADS
)
MODERATOR_PERMISSIONS = Perm.MANAGE_GUILD | Perm.MANAGE_MESSAGES | Perm.VIEW_AUDIT_LOG


def populate(fake: FakeDiscord, *, guild: bool = True) -> None:
    """Fill an empty fake with the default world (ids are back-dated so the world predates any message);
    `guild=False` adds only the people (for worlds of several guilds: see `add_community`)."""
    people(fake)
    if guild:
        add_community(fake, "Playground", created_at=_long_ago() + dt.timedelta(days=4))


def people(fake: FakeDiscord) -> dict[str, int]:
    """The default users (created once): olivia (also the application's owner), alice, bob and mona."""
    w = fake.world
    long_ago = _long_ago()
    ids = {}
    for days, (name, shown) in enumerate(_PEOPLE):
        found = w.find_user(name)
        ids[name] = (
            found.id if found else w.add_user(name, global_name=shown, created_at=long_ago + _day(days))
        )
    fake.set_application_owner(ids["olivia"])
    return ids


def add_community(
    fake: FakeDiscord,
    name: str,
    *,
    shard: tuple[int, int] | None = None,
    created_at: dt.datetime | None = None,
) -> int:
    """A guild laid out like "Playground": owner olivia, roles "Precis" (the bot's) and "Moderator"
    (mona), members alice and bob, channels #general, #news and a private #mod-log."""
    w = fake.world
    ids = people(fake)
    gid = w.add_guild(
        name,
        owner_id=ids["olivia"],
        everyone_permissions=int(EVERYONE_DEFAULT),
        created_at=created_at or _long_ago() + _day(10),
        shard=shard,
    )
    bot_role = w.add_role(gid, "Precis", int(BOT_ROLE_PERMISSIONS), bot_id=fake.bot_id)
    mod_role = w.add_role(gid, "Moderator", int(MODERATOR_PERMISSIONS), hoist=True, color=0x3498DB)
    for uid in (ids["alice"], ids["bob"]):
        w.add_member(gid, uid)
    w.add_member(gid, ids["mona"], roles=[mod_role])
    w.add_member(gid, fake.bot_id, roles=[bot_role])
    w.add_channel(gid, "general", topic="Anything goes; links welcome.")
    w.add_channel(gid, "news", topic="Articles worth reading.")
    # A private channel for moderators and the bot, as servers usually keep their mod log.
    w.add_channel(
        gid,
        "mod-log",
        topic="Reports and digests for moderators.",
        overwrites=[
            Overwrite(gid, 0, deny=int(Perm.VIEW_CHANNEL)),
            Overwrite(mod_role, 0, allow=int(Perm.VIEW_CHANNEL)),
            Overwrite(bot_role, 0, allow=int(Perm.VIEW_CHANNEL)),
        ],
    )
    return gid


_PEOPLE = (("olivia", "Olivia"), ("alice", "Alice"), ("bob", "Bob"), ("mona", "Mona"))


def _long_ago() -> dt.datetime:
    return utcnow() - dt.timedelta(days=400)


def _day(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
