"""The driving API: what users (and Discord itself) do, each returning the payload it dispatched.

Every action first moves `last_mark`, so `wait_for_message()` right after it finds the bot's answer
even if the answer arrived before the test started waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import commands as c
from .errors import ApiError, FakeDiscordError
from .events import WAIT_TIMEOUT
from .gateway import GUILDS
from .interactions import InteractionHandle
from .messages import NewFile
from .options import Upload
from .permissions import Overwrite, Perm, missing

if TYPE_CHECKING:
    from .events import EventLog
    from .forums import Forums
    from .gateway import Gateway
    from .invocations import Invocations
    from .messages import Messages
    from .models import Channel, Message
    from .payloads import Renderer
    from .threads import Threads
    from .world import World


class DrivingMixin:
    if TYPE_CHECKING:
        world: World
        log: EventLog
        render: Renderer
        gateway: Gateway
        message_service: Messages
        threads: Threads
        forums: Forums
        invocations: Invocations
        bot_id: int
        last_mark: int

    def _act(self) -> None:
        self.last_mark = self.log.seq

    # ----- messages
    async def post(
        self,
        channel_id: int,
        author_id: int,
        content: str = "",
        *,
        reply_to: int | None = None,
        attachments: Sequence[Upload | tuple[str, bytes]] = (),
        embeds: Sequence[dict[str, Any]] = (),
        stickers: Sequence[str] = (),
        type: int = 0,
        webhook_id: int | None = None,
        mentions: Sequence[int] = (),
        created_at: dt.datetime | None = None,
        dispatch: bool = True,
        check_permissions: bool = True,
    ) -> dict[str, Any]:
        """A user posts a message; returns the MESSAGE_CREATE payload (full content).

        `mentions` adds user ids to those parsed from `<@id>` in the content; `stickers` are sticker
        names; `created_at` back-dates the message (its id follows the date); `dispatch=False`, or no
        bot connected, only stores it, so a later history fetch finds it.
        """
        self._act()
        channel = self.world.channel(channel_id)
        if channel.is_forum:
            raise FakeDiscordError(f"#{channel.name} is a forum: its messages live in posts (use forum_post)")
        uploads = [Upload(*a) if isinstance(a, tuple) else a for a in attachments]
        if check_permissions and webhook_id is None:
            self._check_user_can_post(channel, author_id, bool(uploads))
        if channel.is_thread and dispatch:
            await self.threads.unarchive_for_message(channel, author_id)
        reference = {"message_id": str(reply_to), "channel_id": str(channel.id)} if reply_to else None
        msg = self.message_service.build(
            channel,
            author_id,
            content=content,
            embeds=embeds,
            reference=reference,
            type=type,
            files=[NewFile(u.filename, u.data, u.content_type) for u in uploads],
            extra_mentions=mentions,
            sticker_items=[{"id": str(self.world.ids.next()), "name": s, "format_type": 1} for s in stickers],
            webhook_id=webhook_id,
            created_at=created_at,
        )
        return await self.message_service.announce(
            msg, dispatch=dispatch, kind="message" if dispatch else None
        )

    async def forum_post(
        self,
        forum_id: int,
        author_id: int,
        title: str,
        content: str = "",
        *,
        tags: Sequence[int | str] = (),
        attachments: Sequence[Upload | tuple[str, bytes]] = (),
        embeds: Sequence[dict[str, Any]] = (),
        check_permissions: bool = True,
    ) -> dict[str, Any]:
        """A member creates a forum post: a public thread named `title` whose starter message (`content`)
        has the thread's id. Dispatches THREAD_CREATE (newly_created) then MESSAGE_CREATE in the thread;
        returns the thread payload with the starter message under "message". `tags`: names or ids.
        Needs SEND_MESSAGES in the forum (posting in a post needs SEND_MESSAGES_IN_THREADS, as on Discord)."""
        self._act()
        forum = self.world.channel(forum_id)
        if not forum.is_forum:
            raise FakeDiscordError(f"#{forum.name} is not a forum channel (type {forum.type})")
        uploads = [Upload(*a) if isinstance(a, tuple) else a for a in attachments]
        if check_permissions:
            self._check_user_can_post(forum, author_id, bool(uploads))
        try:
            thread, starter = await self.forums.create_post(
                forum,
                author_id,
                title,
                content=content,
                embeds=embeds,
                files=[NewFile(u.filename, u.data, u.content_type) for u in uploads],
                applied_tags=tags,
            )
        except ApiError as exc:  # what Discord's client would refuse before sending
            raise FakeDiscordError(f"forum post refused: {exc}") from None
        return {
            **self.render.thread(thread, member_for=self.bot_id),
            "newly_created": True,
            "message": self.render.message(starter),
        }

    def _check_user_can_post(self, channel: Channel, user_id: int, files: bool) -> None:
        perms = self.world.permissions(user_id, channel.id)
        need = Perm.VIEW_CHANNEL | (
            Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        )
        need |= Perm.ATTACH_FILES if files else 0
        if perms & need != need:
            raise FakeDiscordError(
                f"user {user_id} cannot post in #{channel.name}: lacks {missing(perms, need)} "
                "(pass check_permissions=False to post anyway)"
            )

    async def edit(
        self,
        channel_id: int,
        message_id: int,
        content: str,
        *,
        embeds: Sequence[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The author edits a message; returns the MESSAGE_UPDATE payload (with edited_timestamp)."""
        self._act()
        msg = self.world.message(channel_id, message_id)
        changes: dict[str, Any] = {"content": content}
        if embeds is not None:
            changes["embeds"] = list(embeds)
        return await self.message_service.edit(msg, changes)

    async def unfurl(
        self, channel_id: int, message_id: int, embeds: Sequence[dict[str, Any]]
    ) -> dict[str, Any]:
        """Discord adds link previews to a message: a MESSAGE_UPDATE that is not an edit (no
        edited_timestamp, no transcript event). Returns the MESSAGE_UPDATE payload."""
        self._act()
        msg = self.world.message(channel_id, message_id)
        return await self.message_service.edit(msg, {"embeds": list(embeds)}, kind=None, edited=False)

    async def delete(self, channel_id: int, message_id: int) -> dict[str, Any]:
        """A message disappears; returns the MESSAGE_DELETE payload."""
        self._act()
        msg = self.world.message(channel_id, message_id)
        await self.message_service.delete(msg)
        return _delete_payload(msg)

    async def bulk_delete(self, channel_id: int, message_ids: Sequence[int]) -> dict[str, Any]:
        """A moderator purges messages; returns the MESSAGE_DELETE_BULK payload."""
        self._act()
        channel = self.world.channel(channel_id)
        msgs = [self.world.message(channel_id, i) for i in message_ids]
        await self.message_service.bulk_delete(channel, msgs)
        data: dict[str, Any] = {"ids": [str(m.id) for m in msgs], "channel_id": str(channel.id)}
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        return data

    async def react(self, channel_id: int, message_id: int, user_id: int, emoji: str) -> dict[str, Any]:
        """A user reacts (unicode emoji, or "name:id"); returns MESSAGE_REACTION_ADD (with member)."""
        self._act()
        msg = self.world.message(channel_id, message_id)
        return await self.message_service.react(msg, user_id, emoji)

    async def unreact(self, channel_id: int, message_id: int, user_id: int, emoji: str) -> dict[str, Any]:
        self._act()
        msg = self.world.message(channel_id, message_id)
        return await self.message_service.react(msg, user_id, emoji, add=False)

    # ----- threads and channels
    async def create_thread(
        self, channel_id: int, name: str, *, owner_id: int, message_id: int | None = None
    ) -> dict[str, Any]:
        """A user starts a public thread (from a message if given); returns the THREAD_CREATE payload."""
        self._act()
        parent = self.world.channel(channel_id)
        msg = self.world.message(channel_id, message_id) if message_id is not None else None
        thread = await self.threads.create(parent, name, owner_id=owner_id, message=msg)
        return {**self.render.thread(thread, member_for=self.bot_id), "newly_created": True}

    async def archive_thread(self, thread_id: int, *, locked: bool = False) -> dict[str, Any]:
        """Archive (and optionally lock) a thread; returns the THREAD_UPDATE payload."""
        self._act()
        thread = self._thread(thread_id)
        return await self.threads.update(
            thread, {"archived": True, "locked": locked}, by=thread.owner_id or 0
        )

    async def delete_thread(self, thread_id: int) -> dict[str, Any]:
        """Delete a thread and its messages; returns the THREAD_DELETE payload."""
        self._act()
        thread = self._thread(thread_id)
        await self.threads.delete(thread, by=thread.owner_id or 0)
        return {
            "id": str(thread.id),
            "guild_id": str(thread.guild_id),
            "parent_id": str(thread.parent_id),
            "type": thread.type,
        }

    def _thread(self, thread_id: int) -> Channel:
        thread = self.world.channel(thread_id)
        if not thread.is_thread:
            raise FakeDiscordError(f"channel {thread_id} is not a thread")
        return thread

    async def set_overwrite(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0
    ) -> dict[str, Any]:
        """Set (allow=deny=0: remove) a role or member overwrite; returns the CHANNEL_UPDATE payload."""
        self._act()
        channel = self.world.channel(channel_id)
        if channel.guild_id is None or channel.is_thread:
            raise FakeDiscordError("overwrites live on guild channels (threads use their parent's)")
        guild = self.world.guild(channel.guild_id)
        kind = 0 if target_id in guild.roles else 1
        if kind == 1 and target_id not in guild.members:
            raise FakeDiscordError(f"{target_id} is neither a role nor a member of {guild.name!r}")
        if allow or deny:
            channel.overwrites[target_id] = Overwrite(target_id, kind, int(allow), int(deny))
        else:
            channel.overwrites.pop(target_id, None)
        data = self.render.channel(channel)
        await self.gateway.dispatch("CHANNEL_UPDATE", data, guild_id=channel.guild_id, intent=GUILDS)
        return data

    # ----- interactions
    async def slash(
        self,
        user_id: int,
        channel_id: int,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        check_permissions: bool = True,
    ) -> InteractionHandle:
        """A user runs "/name [group] [sub]" with options, built from the commands the bot synced.

        Option values: str/int/float/bool; users, channels and roles by id or name; attachments as
        `Upload` or (filename, bytes). Raises FakeDiscordError for unsynced commands, unknown or missing
        options, bad types or choices, and (unless check_permissions=False) default_member_permissions
        the user lacks, since Discord would not show them the command.
        """
        self._act()
        return await self.invocations.slash(
            user_id, channel_id, command, options, check_permissions=check_permissions
        )

    async def message_command(
        self,
        user_id: int,
        channel_id: int,
        name: str,
        target_message_id: int,
        *,
        check_permissions: bool = True,
    ) -> InteractionHandle:
        """A user picks a message context-menu command (e.g. "Report to moderators") on a message."""
        self._act()
        return await self.invocations.context_menu(
            c.MESSAGE_COMMAND,
            user_id,
            channel_id,
            name,
            target_message_id,
            check_permissions=check_permissions,
        )

    async def user_command(
        self, user_id: int, channel_id: int, name: str, target_user_id: int, *, check_permissions: bool = True
    ) -> InteractionHandle:
        self._act()
        return await self.invocations.context_menu(
            c.USER_COMMAND, user_id, channel_id, name, target_user_id, check_permissions=check_permissions
        )

    async def click(self, user_id: int, message_id: int, custom_id: str) -> InteractionHandle:
        """A user presses a button on a message (the bot's components, looked up by custom_id)."""
        self._act()
        return await self.invocations.component(user_id, message_id, custom_id, None)

    async def select(
        self, user_id: int, message_id: int, custom_id: str, values: list[str]
    ) -> InteractionHandle:
        self._act()
        return await self.invocations.component(user_id, message_id, custom_id, values)

    # ----- gateway
    async def disconnect_gateway(self) -> None:
        """Drop the bot's gateway connection(s); its RESUME gets INVALID_SESSION, so it re-IDENTIFYs."""
        self._act()
        await self.gateway.disconnect()

    @property
    def identify_count(self) -> int:
        """How many IDENTIFYs completed (READY and GUILD_CREATEs sent)."""
        return self.gateway.identify_count

    async def wait_until_identified(self, count: int = 1, timeout: float = WAIT_TIMEOUT) -> None:
        """Wait until `count` IDENTIFY handshakes have completed in total."""
        await self.log.wait_until(
            lambda: True if self.gateway.identify_count >= count else None,
            timeout,
            lambda: f"{count} IDENTIFY(s); {self.gateway.identify_count} so far",
        )


def _delete_payload(msg: Message) -> dict[str, Any]:
    data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
    if msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
    return data
