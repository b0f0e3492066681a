"""Turning a test's option values into the `options` and `resolved` parts of a slash command payload,
checked against the synced definition (types, choices, ranges, lengths, channel types)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import commands as c
from .errors import FakeDiscordError
from .messages import NewFile
from .models import Channel, Role

if TYPE_CHECKING:
    from .server import FakeDiscord


@dataclass
class Upload:
    """A file a user attaches to an attachment option."""

    filename: str
    data: bytes
    content_type: str | None = None


class OptionBuilder:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def build(
        self,
        leaf: dict[str, Any],
        given: dict[str, Any],
        user_id: int,
        channel: Channel,
        resolved: dict[str, dict[str, Any]],
        *,
        label: str,
    ) -> list[dict[str, Any]]:
        defs = {o["name"]: o for o in leaf.get("options", [])}
        unknown = sorted(set(given) - set(defs))
        if unknown:
            raise FakeDiscordError(
                f"{label}: unknown option(s) {unknown}; the synced command has {sorted(defs)}"
            )
        out = []
        for name, d in defs.items():
            if name not in given:
                if d.get("required"):
                    raise FakeDiscordError(f"{label}: required option {name!r} is missing")
                continue
            value = self._option_value(d, given[name], user_id, channel, resolved, label)
            out.append({"name": name, "type": d["type"], "value": value})
        return out

    def _option_value(
        self,
        d: dict[str, Any],
        value: Any,
        user_id: int,
        channel: Channel,
        resolved: dict[str, dict[str, Any]],
        label: str,
    ) -> Any:
        t, where = d["type"], f"{label}: option {d['name']!r}"
        w, r = self.fake.world, self.fake.render
        if t == c.STRING:
            _expect(isinstance(value, str), where, "a string", value)
            _check_len(d, len(value), where)
        elif t in (c.INTEGER, c.NUMBER):
            ok = isinstance(value, int) if t == c.INTEGER else isinstance(value, (int, float))
            _expect(
                ok and not isinstance(value, bool),
                where,
                "an integer" if t == c.INTEGER else "a number",
                value,
            )
            if (d.get("min_value") is not None and value < d["min_value"]) or (
                d.get("max_value") is not None and value > d["max_value"]
            ):
                raise FakeDiscordError(
                    f"{where}: {value} is outside [{d.get('min_value')}, {d.get('max_value')}]"
                )
        elif t == c.BOOLEAN:
            _expect(isinstance(value, bool), where, "a bool", value)
        elif t in (c.USER, c.MENTIONABLE) and (uid := self._user_id(value)) is not None:
            for key, part in self.resolve_user(uid, channel).items():
                resolved.setdefault(key, {}).update(part)
            return str(uid)
        elif t == c.USER:
            raise FakeDiscordError(f"{where}: no user {value!r} (give a user id or name)")
        elif t in (c.ROLE, c.MENTIONABLE):
            role = self._role(value, channel, where)
            resolved.setdefault("roles", {})[str(role.id)] = r.role(role)
            return str(role.id)
        elif t == c.CHANNEL:
            ch = w.find_channel(value, channel.guild_id) if isinstance(value, str) else w.channel(value)
            _expect(ch is not None, where, "a channel id or name", value)
            assert ch is not None
            types = d.get("channel_types")
            if types and ch.type not in types:
                raise FakeDiscordError(f"{where}: channel type {ch.type} not in {types}")
            data = r.channel(ch, permissions_for=user_id)
            resolved.setdefault("channels", {})[str(ch.id)] = data
            return str(ch.id)
        elif t == c.ATTACHMENT:
            up = Upload(*value) if isinstance(value, tuple) else value
            _expect(isinstance(up, Upload), where, "an Upload or (filename, bytes)", value)
            stored = self.fake.message_service.store_file(
                channel.id, NewFile(up.filename, up.data, up.content_type), ephemeral=True
            )
            resolved.setdefault("attachments", {})[str(stored.id)] = r.attachment(stored)
            return str(stored.id)
        else:
            raise FakeDiscordError(f"{where}: unsupported option type {t} or value {value!r}")
        choices = [ch["value"] for ch in d.get("choices") or []]
        if choices and value not in choices:
            raise FakeDiscordError(f"{where}: {value!r} is not one of the choices {choices}")
        return value

    def shown(self, option: dict[str, Any]) -> str:
        """An option as the Discord client displays it: names for users, channels, roles and files."""
        t, value, w = option["type"], option["value"], self.fake.world
        if t in (c.USER, c.MENTIONABLE) and int(value) in w.users:
            return f"@{w.users[int(value)].display_name}"
        if t == c.CHANNEL:
            return f"#{self.fake.channel_label(int(value))}"
        if t in (c.ROLE, c.MENTIONABLE):
            role = next((r for g in w.guilds.values() for r in g.roles.values() if r.id == int(value)), None)
            return f"@{role.name}" if role else str(value)
        if t == c.ATTACHMENT:
            return w.files[int(value)].filename
        return str(value)

    def _user_id(self, value: Any) -> int | None:
        if isinstance(value, int) and value in self.fake.world.users:
            return value
        if isinstance(value, str):
            user = self.fake.world.find_user(value)
            return user.id if user else None
        return None

    def _role(self, value: Any, channel: Channel, where: str) -> Role:
        roles = self.fake.world.guild(channel.guild_id).roles if channel.guild_id else {}
        role = (
            roles.get(value)
            if isinstance(value, int)
            else next((x for x in roles.values() if x.name == value), None)
        )
        if role is None:
            raise FakeDiscordError(f"{where}: no role {value!r} in this guild")
        return role

    def resolve_user(self, user_id: int, channel: Channel) -> dict[str, Any]:
        w, r = self.fake.world, self.fake.render
        out: dict[str, Any] = {"users": {str(user_id): r.user(user_id)}}
        member = w.guilds[channel.guild_id].members.get(user_id) if channel.guild_id else None
        if member is not None:
            out["members"] = {
                str(user_id): r.member(
                    member, with_user=False, permissions=w.permissions(user_id, channel.id)
                )
            }
        return out


def _expect(ok: bool, where: str, what: str, value: Any) -> None:
    if not ok:
        raise FakeDiscordError(f"{where} expects {what}, got {value!r}")


def _check_len(d: dict[str, Any], n: int, where: str) -> None:
    low, high = d.get("min_length") or 0, d.get("max_length") or 6000
    if not low <= n <= high:
        raise FakeDiscordError(f"{where}: length {n} outside [{low}, {high}]")
