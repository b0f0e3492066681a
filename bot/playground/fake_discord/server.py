"""FakeDiscord: a loopback Discord (REST + gateway) that an unmodified discord.py client runs against.

    async with FakeDiscord.default_world() as fake, pointed_at(fake):
        ...start a discord.py client with fake.token...
        await fake.post(fake.channel("general"), fake.user("alice"), "hello")
        reply = await fake.wait_for_message(author_id=fake.bot_id)

Building the world (add_user/add_guild/...) is synchronous and meant for before the bot connects;
the async driving methods (driving.py) act like users and Discord, with gateway events.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from .commands import CommandRegistry
from .defaults import populate
from .driving import DrivingMixin
from .errors import FakeDiscordError
from .events import EventLog, RecordedRequest, TranscriptEvent
from .faults import Fault, Faults
from .gateway import PRIVILEGED, Gateway
from .ids import SnowflakeFactory
from .invocations import Invocations
from .messages import LOADING, Messages
from .models import DM, TEXT, Application, Message
from .payloads import Renderer
from .permissions import EVERYONE_DEFAULT, Overwrite
from .rest import build_app
from .threads import Threads
from .world import World

logger = logging.getLogger(__name__)
MessagePredicate = Callable[[dict[str, Any]], bool]


class FakeDiscord(DrivingMixin):
    def __init__(self, *, token: str = "fake-bot-token", bot_name: str = "Precis") -> None:
        self.token = token
        self.world = World(SnowflakeFactory())
        self.log = EventLog()
        self.render = Renderer(self.world, lambda: self.base_url)
        self.gateway = Gateway(self)
        self.message_service = Messages(self)
        self.threads = Threads(self)
        self.commands = CommandRegistry(self)
        self.invocations = Invocations(self)
        self.faults = Faults()
        self.portal_intents = PRIVILEGED  # privileged intents switched on in the "developer portal"
        self.interaction_deadline: float | None = None  # Discord's is 3 s; None = not enforced
        self.internal_errors: list[str] = []
        self.unhandled_routes: list[str] = []
        self.created: list[Message] = []  # every channel message in creation order (for waiting)
        self.last_mark = 0
        self.bot_id = self.world.add_user(bot_name, bot=True)
        self.world.application = Application(self.bot_id, bot_name, owner_id=self.bot_id)
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None

    @classmethod
    def default_world(cls, *, token: str = "fake-bot-token") -> FakeDiscord:
        """A fake holding the default world (see defaults.py); call `start()` or use `async with`."""
        fake = cls(token=token)
        populate(fake)
        return fake

    # ----- life cycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeDiscord:
        if self._runner is not None:
            raise FakeDiscordError("already started")
        self._runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host, self.port = host, int(self._runner.addresses[0][1])
        logger.info("fake discord listening on %s", self.base_url)
        return self

    async def close(self) -> None:
        if self._runner is None:
            return
        await self.gateway.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/"

    def record_internal_error(self, where: str, exc: BaseException) -> None:
        logger.error("fake discord internal error in %s", where, exc_info=exc)
        self.internal_errors.append(f"{where}: {exc!r}")

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
    ) -> int:
        gid = self.world.add_guild(name, owner_id=owner_id, everyone_permissions=everyone_permissions)
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
    ) -> int:
        return self.world.add_channel(
            guild_id, name, type=type, topic=topic, parent_id=parent_id, overwrites=overwrites
        )

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

    # ----- observing
    @property
    def requests(self) -> list[RecordedRequest]:
        return self.log.requests

    @property
    def transcript(self) -> list[TranscriptEvent]:
        return self.log.events

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [r for r in self.log.requests if r.method == method and pattern.search(r.path)]

    def add_listener(self, callback: Callable[[TranscriptEvent], None]) -> None:
        """Call `callback(event)` synchronously for every visible event from now on."""
        self.log.add_listener(callback)

    def remove_listener(self, callback: Callable[[TranscriptEvent], None]) -> None:
        self.log.remove_listener(callback)

    def messages(self, channel_id: int) -> list[dict[str, Any]]:
        """All live messages of a channel or thread, oldest first, with full content."""
        return [self.render.message(m) for m in self.world.history(channel_id)]

    def message(self, message_id: int) -> dict[str, Any]:
        """Any message the fake knows (also deleted and ephemeral ones), as currently stored."""
        return self.render.message(self._stored(message_id))

    def allowed_mentions_of(self, message_id: int) -> dict[str, Any] | None:
        """The `allowed_mentions` a bot message was last sent or edited with (None if it sent none)."""
        return self._stored(message_id).allowed_mentions

    def files_of(self, message_id: int) -> dict[str, bytes]:
        """The attachments of a message: filename -> bytes."""
        return {a.filename: a.data for a in self._stored(message_id).attachments}

    def _stored(self, message_id: int) -> Message:
        msg = self.world.messages.get(int(message_id))
        if msg is None:
            raise FakeDiscordError(f"no message {message_id}")
        return msg

    def mark(self) -> int:
        """A position in the event log; wait_* with `since=mark` consider only what happens after it."""
        return self.log.seq

    async def wait_for_message(
        self,
        pred: MessagePredicate | None = None,
        *,
        channel_id: int | None = None,
        author_id: int | None = None,
        since: int | dict[str, Any] | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The first message created after `since` that matches, waiting for it if needed.

        `since` is a `mark()`, or a message payload (meaning: after that message); by default it is the
        mark taken when the last driving action (post, slash, edit, ...) started, so an answer that
        arrived before this call is still found. Returning does not move the default mark: use
        `wait_for_messages(n)` or `since=previous_result` for the next one. Messages still "thinking"
        (deferred interactions) count once completed.
        """
        return (
            await self.wait_for_messages(
                1, pred, channel_id=channel_id, author_id=author_id, since=since, timeout=timeout
            )
        )[0]

    async def wait_for_messages(
        self,
        count: int,
        pred: MessagePredicate | None = None,
        *,
        channel_id: int | None = None,
        author_id: int | None = None,
        since: int | dict[str, Any] | None = None,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        start = self._since(since)

        def check() -> list[dict[str, Any]] | None:
            found = []
            for m in self.created[bisect.bisect_right(self.created, start, key=lambda m: m.seq) :]:
                if m.flags & LOADING and not m.deleted:
                    continue
                if (channel_id is not None and m.channel_id != channel_id) or (
                    author_id is not None and m.author_id != author_id
                ):
                    continue
                payload = self.render.message(m)
                if pred is None or pred(payload):
                    found.append(payload)
                    if len(found) == count:
                        return found
            return None

        def describe() -> str:
            return (
                f"{count} message(s) (channel={channel_id}, author={author_id}, since #{start}); "
                f"recent events:\n{self.log.recent()}"
            )

        return await self.log.wait_until(check, timeout, describe)

    async def wait_for_event(
        self,
        kind: str,
        pred: Callable[[TranscriptEvent], bool] | None = None,
        *,
        since: int | None = None,
        timeout: float = 5.0,
    ) -> TranscriptEvent:
        """The first transcript event of `kind` after `since` (default: the last driving action)."""
        start = self._since(since)

        def check() -> TranscriptEvent | None:
            return next(
                (
                    e
                    for e in self.log.events
                    if e.seq > start and e.kind == kind and (pred is None or pred(e))
                ),
                None,
            )

        return await self.log.wait_until(
            check, timeout, lambda: f"a {kind!r} event after #{start}; recent:\n{self.log.recent()}"
        )

    def _since(self, since: int | dict[str, Any] | None) -> int:
        if since is None:
            return self.last_mark
        if isinstance(since, dict):
            return self.world.messages[int(since["id"])].seq
        return int(since)

    # ----- faults
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float | None = None,
        code: int | None = None,
        message: str | None = None,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next `times` requests whose path (below /api/v10) matches with an error.

        429 comes the Discord way (Via and X-RateLimit-* headers, JSON retry_after/global; default
        retry_after 0.05 s); other statuses carry a Discord error code (403 -> 50013, 404 -> 10008, ...).
        """
        return self.faults.add(
            Fault(
                method.upper(), re.compile(path_regex), status, times, retry_after, code, message, is_global
            )
        )
