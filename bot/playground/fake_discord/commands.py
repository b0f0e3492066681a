"""Application commands the bot synced (global and per guild), and turning a typed command into options.

Slash invocations in tests are built from these definitions only, so a test fails clearly when the
bot never synced a command or the test uses an option the command does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ApiError, FakeDiscordError
from .validation import check_commands

if TYPE_CHECKING:
    from .server import FakeDiscord

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3


@dataclass
class SyncedCommand:
    id: int
    guild_id: int | None
    definition: dict[str, Any]
    version: int

    @property
    def name(self) -> str:
        return str(self.definition["name"])

    @property
    def type(self) -> int:
        return int(self.definition.get("type", CHAT_INPUT))


class CommandRegistry:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.scopes: dict[int | None, list[SyncedCommand]] = {}

    def payload(self, cmd: SyncedCommand) -> dict[str, Any]:
        d = cmd.definition
        out: dict[str, Any] = {
            "id": str(cmd.id),
            "application_id": str(self.fake.bot_id),
            "version": str(cmd.version),
            "type": cmd.type,
            "name": cmd.name,
            "description": d.get("description", ""),
            "options": d.get("options", []),
            "default_member_permissions": d.get("default_member_permissions"),
            "nsfw": d.get("nsfw", False),
            "name_localizations": d.get("name_localizations"),
            "description_localizations": d.get("description_localizations"),
            "contexts": d.get("contexts"),
            "integration_types": d.get("integration_types", [0]),
        }
        if "dm_permission" in d:
            out["dm_permission"] = d["dm_permission"]
        if cmd.guild_id is not None:
            out["guild_id"] = str(cmd.guild_id)
        return out

    def synced(self, guild_id: int | None) -> list[dict[str, Any]]:
        """The commands of a scope (a guild id, or None for global) as GET returns them."""
        return [self.payload(c) for c in self.scopes.get(guild_id, [])]

    def overwrite(self, guild_id: int | None, definitions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """PUT (bulk overwrite): replaces the scope; a command keeping its name and type keeps its id."""
        if not isinstance(definitions, list):
            raise ApiError(400, 50035, detail="bulk overwrite body must be a list")
        check_commands(definitions)
        old = {(c.name, c.type): c for c in self.scopes.get(guild_id, [])}
        new = []
        for d in definitions:
            prev = old.get((d["name"], d.get("type", CHAT_INPUT)))
            cid = prev.id if prev else self.fake.world.ids.next()
            new.append(SyncedCommand(cid, guild_id, dict(d), self.fake.world.ids.next()))
        self.scopes[guild_id] = new
        return self.synced(guild_id)

    def upsert(self, guild_id: int | None, definition: dict[str, Any]) -> dict[str, Any]:
        current = [
            c.definition
            for c in self.scopes.get(guild_id, [])
            if (c.name, c.type) != (definition.get("name"), definition.get("type", CHAT_INPUT))
        ]
        self.overwrite(guild_id, [*current, definition])
        return self.payload(self._by_name(guild_id, definition["name"], definition.get("type", CHAT_INPUT)))

    def get(self, guild_id: int | None, command_id: int) -> SyncedCommand:
        for c in self.scopes.get(guild_id, []):
            if c.id == int(command_id):
                return c
        raise ApiError(404, 10063, detail=f"command {command_id}")

    def edit(self, guild_id: int | None, command_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        cmd = self.get(guild_id, command_id)
        definitions = [
            ({**c.definition, **changes} if c is cmd else c.definition) for c in self.scopes[guild_id]
        ]
        self.overwrite(guild_id, definitions)
        return self.payload(self.get(guild_id, command_id))

    def delete(self, guild_id: int | None, command_id: int) -> None:
        cmd = self.get(guild_id, command_id)
        self.scopes[guild_id].remove(cmd)

    def _by_name(self, guild_id: int | None, name: str, type: int) -> SyncedCommand:
        return next(c for c in self.scopes.get(guild_id, []) if c.name == name and c.type == type)

    def find(self, name: str, type: int, guild_id: int | None) -> SyncedCommand:
        """The command a user would see in this guild: the guild's own first, then the global one."""
        for scope in ([guild_id] if guild_id is not None else []) + [None]:
            for c in self.scopes.get(scope, []):
                if c.name == name and c.type == type:
                    return c
        synced = sorted(
            f"{c.name} (type {c.type}{', guild' if c.guild_id else ''})"
            for scope in self.scopes.values()
            for c in scope
        )
        raise FakeDiscordError(
            f"no command {name!r} of type {type} was synced for this channel's guild; "
            f"synced: {synced or 'nothing (did the bot call tree.sync()?)'}"
        )


def walk_path(cmd: SyncedCommand, path: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Follow "group sub" words below the command; return the names walked and the leaf definition."""
    node: dict[str, Any] = cmd.definition
    walked: list[str] = []
    for word in path:
        subs = {
            o["name"]: o for o in node.get("options", []) if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)
        }
        if word not in subs:
            raise FakeDiscordError(
                f"/{' '.join([cmd.name, *walked])} has no subcommand {word!r}; "
                f"it has {sorted(subs) or 'none'}"
            )
        node = subs[word]
        walked.append(word)
    leftover = [
        o["name"] for o in node.get("options", []) if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)
    ]
    if leftover:
        raise FakeDiscordError(f"/{' '.join([cmd.name, *walked])} needs a subcommand: {sorted(leftover)}")
    return walked, node


def nest(walked: list[str], node_path: list[dict[str, Any]], leaf_options: list[dict[str, Any]]) -> list[Any]:
    """Wrap leaf options in the subcommand(-group) layers of the interaction payload."""
    options: list[Any] = leaf_options
    for name, node in reversed(list(zip(walked, node_path, strict=True))):
        options = [{"type": node.get("type"), "name": name, "options": options}]
    return options


def path_nodes(cmd: SyncedCommand, walked: list[str]) -> list[dict[str, Any]]:
    nodes, node = [], cmd.definition
    for word in walked:
        node = next(o for o in node.get("options", []) if o["name"] == word)
        nodes.append(node)
    return nodes
