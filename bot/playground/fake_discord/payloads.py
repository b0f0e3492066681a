"""Discord JSON for the world's objects, shaped like the API v10 payloads discord.py 2.7 parses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from .ids import iso, snowflake_time
from .models import DM, Channel, Guild, Member, Message, Role, StoredFile, User
from .world import World

JSON = dict[str, Any]
MAX_UPLOAD = 10 * 1024 * 1024  # an unboosted guild's upload limit


class Renderer:
    def __init__(self, world: World, base_url: Callable[[], str]) -> None:
        self.world = world
        self._base_url = base_url

    # ----- people
    def user(self, user: User | int) -> JSON:
        u = user if isinstance(user, User) else self.world.user(user)
        out: JSON = {
            "id": str(u.id),
            "username": u.username,
            "global_name": u.global_name,
            "discriminator": u.discriminator,
            "avatar": u.avatar,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
        }
        if u.bot:
            out["bot"] = True
        return out

    def member(self, member: Member, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        out: JSON = {
            "roles": [str(r) for r in member.roles],
            "nick": member.nick,
            "avatar": None,
            "banner": None,
            "joined_at": iso(member.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            out["user"] = self.user(member.user_id)
        if permissions is not None:
            out["permissions"] = str(permissions)
        return out

    def role(self, role: Role) -> JSON:
        out: JSON = {
            "id": str(role.id),
            "name": role.name,
            "color": role.color,
            "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
            "hoist": role.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": role.position,
            "permissions": str(role.permissions),
            "managed": role.bot_id is not None,
            "mentionable": role.mentionable,
            "flags": 0,
        }
        if role.bot_id is not None:
            out["tags"] = {"bot_id": str(role.bot_id)}
        return out

    # ----- places
    def channel(self, ch: Channel, *, permissions_for: int | None = None) -> JSON:
        if ch.type == DM:
            out: JSON = {
                "id": str(ch.id),
                "type": DM,
                "last_message_id": _opt(ch.last_message_id),
                "flags": 0,
                "recipients": [self.user(ch.recipient_id)] if ch.recipient_id else [],
            }
        elif ch.is_thread:
            out = self.thread(ch)
        else:
            out = {
                "id": str(ch.id),
                "type": ch.type,
                "guild_id": _opt(ch.guild_id),
                "name": ch.name,
                "position": ch.position,
                "parent_id": _opt(ch.parent_id),
                "topic": ch.topic,
                "nsfw": ch.nsfw,
                "permission_overwrites": [ow.to_payload() for ow in ch.overwrites.values()],
                "rate_limit_per_user": ch.rate_limit_per_user,
                "last_message_id": _opt(ch.last_message_id),
                "default_auto_archive_duration": 1440,
                "flags": ch.flags,
            }
            if ch.is_forum:
                out.update(self._forum_fields(ch))
            else:
                out["last_pin_timestamp"] = None
        if permissions_for is not None:
            out["permissions"] = str(self.world.permissions(permissions_for, ch.id))
        return out

    def _forum_fields(self, ch: Channel) -> JSON:
        """What a forum (or media) channel adds: its tags and the defaults for new posts."""
        return {
            "available_tags": [t.to_payload() for t in ch.available_tags],
            "default_reaction_emoji": None,
            "default_thread_rate_limit_per_user": 0,
            "default_sort_order": None,
            "default_forum_layout": 0,
            "template": "",
        }

    def thread(self, th: Channel, *, member_for: int | None = None) -> JSON:
        out: JSON = {
            "id": str(th.id),
            "type": th.type,
            "guild_id": _opt(th.guild_id),
            "parent_id": _opt(th.parent_id),
            "owner_id": _opt(th.owner_id),
            "name": th.name,
            "last_message_id": _opt(th.last_message_id),
            "rate_limit_per_user": th.rate_limit_per_user,
            "flags": th.flags,
            "message_count": th.message_count,
            "member_count": min(len(th.member_ids), 50),
            "total_message_sent": th.total_message_sent,
            "thread_metadata": {
                "archived": th.archived,
                "auto_archive_duration": th.auto_archive_duration,
                "archive_timestamp": iso(th.archive_timestamp),
                "locked": th.locked,
                "create_timestamp": iso(th.created_at),
                "invitable": True,
            },
        }
        parent = self.world.channels.get(th.parent_id or 0)
        if parent is not None and parent.is_forum:
            out["applied_tags"] = [str(t) for t in th.applied_tags]
        if member_for is not None and member_for in th.member_ids:
            out["member"] = self.thread_member(th, member_for)
        return out

    def thread_member(self, th: Channel, user_id: int) -> JSON:
        return {"id": str(th.id), "user_id": str(user_id), "join_timestamp": iso(th.created_at), "flags": 0}

    def guild(self, guild: Guild) -> JSON:
        """The REST guild object (GET /guilds/{id})."""
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [self.role(r) for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": _opt(guild.system_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": guild.locale,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "widget_enabled": False,
        }

    def guild_create(self, guild: Guild, *, bot_id: int, all_members: bool) -> JSON:
        """GUILD_CREATE: guild, channels, active threads and members (all only with the members intent)."""
        members = [m for m in guild.members.values() if all_members or m.user_id == bot_id]
        out = self.guild(guild)
        out.update(
            {
                "unavailable": False,
                "large": False,
                "member_count": len(guild.members),
                "joined_at": iso(guild.members[bot_id].joined_at),
                "lazy": True,
                "channels": [self.channel(c) for c in self.world.guild_channels(guild.id)],
                "threads": [
                    self.thread(t, member_for=bot_id) for t in self.world.threads(guild.id, archived=False)
                ],
                "members": [self.member(m) for m in members],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )
        return out

    # ----- messages
    def attachment(self, f: StoredFile) -> JSON:
        url = f"{self._base_url()}/attachments/{f.channel_id}/{f.id}/{quote(f.filename)}"
        out: JSON = {
            "id": str(f.id),
            "filename": f.filename,
            "size": len(f.data),
            "url": url,
            "proxy_url": url,
            "content_type": f.content_type,
        }
        if f.description:
            out["description"] = f.description
        if f.ephemeral:
            out["ephemeral"] = True
        return out

    def message(
        self,
        msg: Message,
        *,
        with_member: bool = True,
        with_reference: bool = True,
        viewer_id: int | None = None,
    ) -> JSON:
        """The full message object; `viewer_id` decides the `me` flag of reactions."""
        w = self.world
        author = w.users.get(msg.author_id)
        out: JSON = {
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "type": msg.type,
            "author": self.user(author) if author else _unknown_user(msg.author_id),
            "content": msg.content,
            "timestamp": iso(snowflake_time(msg.id)),
            "edited_timestamp": iso(msg.edited_at),
            "tts": msg.tts,
            "mention_everyone": msg.mention_everyone,
            "mentions": [self._mention(msg, uid) for uid in msg.mention_ids if uid in w.users],
            "mention_roles": [str(r) for r in msg.mention_role_ids],
            "attachments": [self.attachment(f) for f in msg.attachments],
            "embeds": msg.embeds,
            "pinned": msg.pinned,
            "flags": msg.flags,
            "components": msg.components,
        }
        if msg.guild_id is not None:
            out["guild_id"] = str(msg.guild_id)
            member = w.guilds[msg.guild_id].members.get(msg.author_id) if msg.guild_id in w.guilds else None
            if with_member and member is not None and msg.webhook_id is None:
                out["member"] = self.member(member, with_user=False)
        if msg.sticker_items:
            out["sticker_items"] = msg.sticker_items
        if msg.reactions:
            out["reactions"] = [self._reaction(key, users, viewer_id) for key, users in msg.reactions.items()]
        if msg.webhook_id is not None:
            out["webhook_id"] = str(msg.webhook_id)
        if msg.application_id is not None:
            out["application_id"] = str(msg.application_id)
        if msg.interaction_metadata is not None:
            out["interaction_metadata"] = msg.interaction_metadata
        if msg.position is not None:
            out["position"] = msg.position
        if msg.thread_id is not None and msg.thread_id in w.channels:
            out["thread"] = self.thread(w.channels[msg.thread_id])
        if msg.reference is not None:
            out["message_reference"] = msg.reference
            if with_reference and msg.reply_to is not None:
                ref = w.messages.get(msg.reply_to)
                out["referenced_message"] = (
                    None if ref is None or ref.deleted else self.message(ref, with_reference=False)
                )
        return out

    def _mention(self, msg: Message, user_id: int) -> JSON:
        out = self.user(user_id)
        if msg.guild_id is not None:
            member = self.world.guilds[msg.guild_id].members.get(user_id)
            if member is not None:
                out["member"] = self.member(member, with_user=False)
        return out

    def _reaction(self, key: str, users: list[int], viewer_id: int | None) -> JSON:
        return {
            "emoji": emoji_payload(key),
            "count": len(users),
            "me": viewer_id in users,
            "me_burst": False,
            "count_details": {"burst": 0, "normal": len(users)},
            "burst_colors": [],
        }


def emoji_payload(key: str) -> JSON:
    """`key` is a unicode emoji or "name:id" for a custom one (the form used in reaction URLs)."""
    name, _, eid = key.partition(":")
    return {"id": eid or None, "name": name} if eid else {"id": None, "name": key}


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


def _unknown_user(user_id: int) -> JSON:
    return {
        "id": str(user_id),
        "username": "Deleted User",
        "discriminator": "0",
        "avatar": None,
        "global_name": None,
    }
