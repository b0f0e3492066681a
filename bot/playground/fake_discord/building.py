"""Building the world and finding things in it by name (a mixin of FakeDiscord).

Building is synchronous and meant for before the bot connects (a bot learns guilds and channels from
GUILD_CREATE); lookups raise FakeDiscordError naming what exists, to make test mistakes obvious.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from .defaults import add_community
from .errors import FakeDiscordError
from .ids import shard_of
from .models import DM, FORUM, MEDIA, REQUIRE_TAG, TEXT, ForumTag
from .permissions import EVERYONE_DEFAULT, Overwrite

if TYPE_CHECKING:
    from .server import FakeDiscord
    from .world import World


class BuildingMixin:
    if TYPE_CHECKING:
        world: World
        bot_id: int

    # ----- building a world (synchronous; before the bot connects)
    def add_user(self, name: str, *, bot: bool = False, global_name: str | None = None) -> int:
        return self.world.add_user(name, bot=bot, global_name=global_name)

    def add_guild(
        self,
        name: str,
        *,
        owner_id: int,
        everyone_permissions: int = int(EVERYONE_DEFAULT),
        with_bot: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> int:
        """A guild (the bot a member unless `with_bot=False`); `shard=(shard_id, shard_count)` gives it an
        id that lands on that gateway shard: (guild_id >> 22) % shard_count == shard_id."""
        gid = self.world.add_guild(
            name, owner_id=owner_id, everyone_permissions=everyone_permissions, shard=shard
        )
        if with_bot:
            self.world.add_member(gid, self.bot_id)
        return gid

    def add_role(self, guild_id: int, name: str, permissions: int = 0, *, position: int | None = None) -> int:
        return self.world.add_role(guild_id, name, int(permissions), position=position)

    def add_member(
        self, guild_id: int, user_id: int, *, roles: tuple[int, ...] | list[int] = (), nick: str | None = None
    ) -> None:
        self.world.add_member(guild_id, user_id, roles=roles, nick=nick)

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
        """A guild channel of any type; forum (15) and media (16) channels take `tags` (names or ForumTag)."""
        return self.world.add_channel(
            guild_id,
            name,
            type=type,
            topic=topic,
            parent_id=parent_id,
            overwrites=overwrites,
            tags=tags,
            flags=flags,
        )

    def add_forum(
        self,
        guild_id: int,
        name: str,
        *,
        tags: Sequence[str | ForumTag] = (),
        topic: str | None = None,
        overwrites: list[Overwrite] | None = None,
        require_tag: bool = False,
        media: bool = False,
    ) -> int:
        """A forum channel (type 15; 16 with `media`) whose posts are threads; `require_tag` makes posts
        without a tag fail with 40067 as on Discord."""
        return self.add_channel(
            guild_id,
            name,
            type=MEDIA if media else FORUM,
            topic=topic,
            overwrites=overwrites,
            tags=tags,
            flags=REQUIRE_TAG if require_tag else 0,
        )

    def add_community(self, name: str, *, shard: tuple[int, int] | None = None) -> int:
        """A guild laid out like the default "Playground" (roles, #general, #news, private #mod-log, the
        default people as members); see defaults.py."""
        return add_community(cast("FakeDiscord", self), name, shard=shard)

    def set_application_owner(self, user_id: int) -> None:
        assert self.world.application is not None
        self.world.application.owner_id = self.world.user(user_id).id

    # ----- ids by name
    @property
    def guild_id(self) -> int:
        """The first guild's id (the default world has only "Playground")."""
        if not self.world.guilds:
            raise FakeDiscordError("the world has no guild")
        return next(iter(self.world.guilds))

    @property
    def application_id(self) -> int:
        return self.bot_id

    def user(self, name: str) -> int:
        user = self.world.find_user(name)
        if user is None:
            raise FakeDiscordError(
                f"no user {name!r}; users: {[u.username for u in self.world.users.values()]}"
            )
        return user.id

    def channel(self, name: str, guild_id: int | None = None) -> int:
        ch = self.world.find_channel(name, guild_id)
        if ch is None:
            names = [c.name for c in self.world.channels.values() if c.name]
            raise FakeDiscordError(f"no channel or thread {name!r}; known: {names}")
        return ch.id

    thread = channel  # threads are channels; looked up by name the same way

    def guild(self, name: str) -> int:
        """A guild's id by name."""
        found = next((g.id for g in self.world.guilds.values() if g.name == name), None)
        if found is None:
            raise FakeDiscordError(
                f"no guild {name!r}; guilds: {[g.name for g in self.world.guilds.values()]}"
            )
        return found

    def guilds_on_shard(self, shard_id: int, shard_count: int) -> list[int]:
        """The ids of the bot's guilds that gateway shard `shard_id` of `shard_count` carries."""
        return [
            g.id
            for g in self.world.guilds.values()
            if self.bot_id in g.members and shard_of(g.id, shard_count) == shard_id
        ]

    def role(self, name: str, guild_id: int | None = None) -> int:
        for guild in self.world.guilds.values():
            if guild_id is None or guild.id == guild_id:
                for role in guild.roles.values():
                    if role.name == name:
                        return role.id
        raise FakeDiscordError(f"no role {name!r}")

    def dm_channel(self, user_id: int) -> int:
        """The id of the bot's DM channel with a user (created on first use)."""
        return self.world.dm_channel(user_id).id

    def name_of(self, user_id: int) -> str:
        user = self.world.users.get(user_id)
        return user.display_name if user else str(user_id)

    def channel_label(self, channel_id: int) -> str:
        ch = self.world.channels.get(channel_id)
        if ch is None:
            return str(channel_id)
        if ch.type == DM:
            return f"DM with {self.name_of(ch.recipient_id or 0)}"
        return ch.name
