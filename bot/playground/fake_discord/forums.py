"""Forum posts: a public thread in a forum channel whose starter message lives in the thread and has the
thread's id. Creating one dispatches THREAD_CREATE (`newly_created`) and then MESSAGE_CREATE in the thread,
as Discord does; the forum's `last_message_id` becomes the newest post's id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import ApiError, invalid_form
from .gateway import GUILDS
from .messages import NewFile
from .models import PUBLIC_THREAD, REQUIRE_TAG, Channel, Message

if TYPE_CHECKING:
    from .server import FakeDiscord

MAX_TAGS = 5
_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


class Forums:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def tag_ids(self, forum: Channel, tags: Sequence[int | str]) -> list[int]:
        """Tag ids from ids or names, checked against the forum's `available_tags` like Discord."""
        known = {t.id: t for t in forum.available_tags}
        by_name = {t.name: t.id for t in forum.available_tags}
        out: list[int] = []
        for i, tag in enumerate(tags):
            tid = by_name.get(tag) if isinstance(tag, str) and not tag.isdigit() else int(tag)
            if tid is None or tid not in known:
                raise invalid_form(
                    f"applied_tags.{i}", "BASE_TYPE_CHOICES", f"{tag!r} is not a tag of this forum."
                )
            out.append(tid)  # Discord does not deduplicate tag ids either
        if len(out) > MAX_TAGS:
            raise invalid_form(
                "applied_tags", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_TAGS} or fewer in length."
            )
        if not out and forum.flags & REQUIRE_TAG:
            raise ApiError(400, 40067)
        return out

    async def create_post(
        self,
        forum: Channel,
        author_id: int,
        name: Any,
        *,
        content: str = "",
        embeds: Sequence[dict[str, Any]] = (),
        files: Sequence[NewFile] = (),
        components: Sequence[dict[str, Any]] = (),
        applied_tags: Sequence[int | str] = (),
        allowed_mentions: dict[str, Any] | None = None,
        flags: int = 0,
        auto_archive_duration: int = 1440,
        sticker_items: Sequence[dict[str, Any]] = (),
    ) -> tuple[Channel, Message]:
        """Make the post and announce it; the caller has checked permissions and the message body."""
        fake = self.fake
        if not forum.is_forum:
            raise ApiError(400, 50024)
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise invalid_form("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if auto_archive_duration not in _ARCHIVE_DURATIONS:
            raise invalid_form(
                "auto_archive_duration", "BASE_TYPE_CHOICES", f"Value must be one of {_ARCHIVE_DURATIONS}."
            )
        tags = self.tag_ids(forum, applied_tags)
        thread = fake.world.add_thread(
            forum.id,
            name,
            owner_id=author_id,
            type=PUBLIC_THREAD,
            auto_archive_duration=auto_archive_duration,
        )
        thread.applied_tags = tags
        msg = fake.message_service.build(
            thread,
            author_id,
            content=content,
            embeds=embeds,
            files=files,
            components=components,
            allowed_mentions=allowed_mentions,
            flags=flags,
            sticker_items=sticker_items,
            message_id=thread.id,
        )
        forum.last_message_id = thread.id
        data = {**fake.render.thread(thread, member_for=fake.bot_id), "newly_created": True}
        await fake.gateway.dispatch("THREAD_CREATE", data, guild_id=forum.guild_id, intent=GUILDS)
        fake.threads.emit(thread, author_id, name, data, message_id=msg.id)
        await fake.message_service.announce(msg)
        return thread, msg
