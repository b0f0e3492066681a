"""Threads: creating (from a message or not), archiving and deleting, with the events Discord sends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ApiError, invalid_form
from .events import TranscriptEvent
from .gateway import GUILD_MESSAGES, GUILDS
from .ids import utcnow
from .models import PUBLIC_THREAD, Channel, Message

if TYPE_CHECKING:
    from .server import FakeDiscord

THREAD_CREATED = 18  # system message in the parent when a thread starts without a message
HAS_THREAD = 1 << 5


class Threads:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def create(
        self,
        parent: Channel,
        name: str,
        *,
        owner_id: int,
        message: Message | None = None,
        type: int = PUBLIC_THREAD,
        auto_archive_duration: int = 1440,
    ) -> Channel:
        fake = self.fake
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise invalid_form("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if parent.is_thread or parent.guild_id is None:
            raise ApiError(400, 50024)
        if parent.is_forum:  # a forum post needs its starter message: see forums.py
            raise invalid_form("message", "BASE_TYPE_REQUIRED", "This field is required")
        if message is not None and message.thread_id is not None:
            raise ApiError(400, 160004)
        thread = fake.world.add_thread(
            parent.id,
            name,
            owner_id=owner_id,
            type=type,
            thread_id=message.id if message is not None else None,
            auto_archive_duration=auto_archive_duration,
        )
        data = {**fake.render.thread(thread, member_for=fake.bot_id), "newly_created": True}
        await fake.gateway.dispatch("THREAD_CREATE", data, guild_id=parent.guild_id, intent=GUILDS)
        if message is not None:
            # The starter message now carries the thread: Discord sends a MESSAGE_UPDATE (not an edit).
            message.thread_id = thread.id
            message.flags |= HAS_THREAD
            await fake.gateway.dispatch(
                "MESSAGE_UPDATE",
                fake.render.message(message),
                guild_id=parent.guild_id,
                intent=GUILD_MESSAGES,
                is_message=True,
            )
        else:
            notice = fake.message_service.build(parent, owner_id, content=name, type=THREAD_CREATED)
            notice.reference = {"type": 0, "channel_id": str(thread.id), "guild_id": str(parent.guild_id)}
            await fake.gateway.dispatch(
                "MESSAGE_CREATE",
                fake.render.message(notice),
                guild_id=parent.guild_id,
                intent=GUILD_MESSAGES,
                is_message=True,
            )
        self.emit(thread, owner_id, name, data, message_id=message.id if message else None)
        return thread

    async def update(self, thread: Channel, changes: dict[str, Any], *, by: int) -> dict[str, Any]:
        """Apply name/archived/locked/auto_archive_duration/applied_tags changes, dispatch THREAD_UPDATE."""
        parent = self.fake.world.channels.get(thread.parent_id or 0)
        if "applied_tags" in changes and parent is not None and parent.is_forum:  # checked before any change
            thread.applied_tags = self.fake.forums.tag_ids(parent, list(changes["applied_tags"] or []))
        if "name" in changes:
            thread.name = str(changes["name"])
        if "auto_archive_duration" in changes:
            thread.auto_archive_duration = int(changes["auto_archive_duration"])
        if "locked" in changes:
            thread.locked = bool(changes["locked"])
        if "archived" in changes and bool(changes["archived"]) != thread.archived:
            thread.archived = bool(changes["archived"])
            thread.archive_timestamp = utcnow()
        data = self.fake.render.thread(thread, member_for=self.fake.bot_id)
        await self.fake.gateway.dispatch("THREAD_UPDATE", data, guild_id=thread.guild_id, intent=GUILDS)
        state = "archived" if thread.archived else "updated"
        self.emit(thread, by, f"{state}: {thread.name}", data)
        return data

    async def delete(self, thread: Channel, *, by: int) -> dict[str, Any]:
        payload = self.fake.render.thread(thread)
        self.fake.world.remove_channel(thread.id)
        data = {
            "id": str(thread.id),
            "guild_id": str(thread.guild_id),
            "parent_id": str(thread.parent_id),
            "type": thread.type,
        }
        await self.fake.gateway.dispatch("THREAD_DELETE", data, guild_id=thread.guild_id, intent=GUILDS)
        self.emit(thread, by, f"deleted: {thread.name}", data)
        return payload

    async def unarchive_for_message(self, thread: Channel, author_id: int) -> None:
        """Posting in an archived (unlocked) thread reopens it, as on Discord."""
        if thread.archived:
            if thread.locked:
                raise ApiError(400, 50083)
            await self.update(thread, {"archived": False}, by=author_id)

    def emit(
        self, thread: Channel, by: int, content: str, payload: dict[str, Any], message_id: int | None = None
    ) -> None:
        parent = thread.parent_id or thread.id
        self.fake.log.emit(
            TranscriptEvent(
                kind="thread",
                channel=self.fake.channel_label(parent),
                author=self.fake.name_of(by),
                content=content,
                channel_id=parent,
                author_id=by,
                message_id=message_id,
                payload=payload,
            )
        )
