"""The default world: guild "Playground" with #general, #news and a private #mod-log, members alice and
bob, moderator mona, owner olivia (also the application's owner) and the bot "Precis" with its role."""

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


def populate(fake: FakeDiscord) -> None:
    """Fill an empty fake with the default world (ids are back-dated so the world predates any message)."""
    w = fake.world
    long_ago = utcnow() - dt.timedelta(days=400)
    olivia = w.add_user("olivia", global_name="Olivia", created_at=long_ago)
    alice = w.add_user("alice", global_name="Alice", created_at=long_ago + dt.timedelta(days=1))
    bob = w.add_user("bob", global_name="Bob", created_at=long_ago + dt.timedelta(days=2))
    mona = w.add_user("mona", global_name="Mona", created_at=long_ago + dt.timedelta(days=3))
    fake.set_application_owner(olivia)
    gid = w.add_guild(
        "Playground",
        owner_id=olivia,
        everyone_permissions=int(EVERYONE_DEFAULT),
        created_at=long_ago + dt.timedelta(days=4),
    )
    bot_role = w.add_role(gid, "Precis", int(BOT_ROLE_PERMISSIONS), bot_id=fake.bot_id)
    mod_role = w.add_role(gid, "Moderator", int(MODERATOR_PERMISSIONS), hoist=True, color=0x3498DB)
    for uid in (alice, bob):
        w.add_member(gid, uid)
    w.add_member(gid, mona, roles=[mod_role])
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
