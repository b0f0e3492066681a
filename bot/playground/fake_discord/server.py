"""FakeDiscord: a loopback Discord (REST + gateway) that an unmodified discord.py client runs against.

    async with FakeDiscord.default_world() as fake, pointed_at(fake):
        ...start a discord.py client with fake.token...
        await fake.post(fake.channel("general"), fake.user("alice"), "hello")
        reply = await fake.wait_for_message(author_id=fake.bot_id)

Building the world (add_user/add_guild/...) is synchronous and meant for before the bot connects;
the async driving methods (driving.py) act like users and Discord, with gateway events.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from types import TracebackType

from aiohttp import web

from .building import BuildingMixin
from .commands import CommandRegistry
from .defaults import add_community, populate
from .driving import DrivingMixin
from .errors import FakeDiscordError
from .events import EventLog
from .faults import Fault, Faults
from .forums import Forums
from .gateway import MESSAGE_CONTENT, PRIVILEGED, Gateway
from .ids import SnowflakeFactory
from .invocations import Invocations
from .messages import Messages
from .models import Application, Message
from .observing import ObservingMixin
from .payloads import Renderer
from .ratelimits import RateLimiter, RateLimits
from .rest import build_app
from .threads import Threads
from .world import World

logger = logging.getLogger(__name__)


class FakeDiscord(DrivingMixin, BuildingMixin, ObservingMixin):
    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "Precis",
        message_content_intent: bool = True,
        rate_limits: bool | RateLimits = False,
        shard_count: int = 1,
    ) -> None:
        """An empty world holding only the bot (see `default_world()` / `sharded_world()`).

        `message_content_intent=False`: the intent is off in the app's portal, so an IDENTIFY asking for it
        is closed with 4014 and REST reads blank other people's messages (content.py).
        `rate_limits`: True for Discord's limits, or a RateLimits (e.g. `RateLimits(scale=0.05)`); off by
        default. `shard_count`: what GET /gateway/bot recommends.
        """
        self.token = token
        self.world = World(SnowflakeFactory())
        self.log = EventLog()
        self.render = Renderer(self.world, lambda: self.base_url)
        self.gateway = Gateway(self)
        self.message_service = Messages(self)
        self.threads = Threads(self)
        self.forums = Forums(self)
        self.commands = CommandRegistry(self)
        self.invocations = Invocations(self)
        self.faults = Faults()
        self.limiter = RateLimiter()
        self.rate_limits = rate_limits
        # privileged intents switched on in the "developer portal"
        self.portal_intents = PRIVILEGED if message_content_intent else PRIVILEGED & ~MESSAGE_CONTENT
        self.shard_count = shard_count
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
    def default_world(
        cls,
        *,
        token: str = "fake-bot-token",
        message_content_intent: bool = True,
        rate_limits: bool | RateLimits = False,
        shard_count: int = 1,
    ) -> FakeDiscord:
        """A fake holding the default world (see defaults.py); call `start()` or use `async with`."""
        fake = cls(
            token=token,
            message_content_intent=message_content_intent,
            rate_limits=rate_limits,
            shard_count=shard_count,
        )
        populate(fake)
        return fake

    @classmethod
    def sharded_world(
        cls,
        shard_count: int = 2,
        *,
        guilds_per_shard: int = 1,
        token: str = "fake-bot-token",
        message_content_intent: bool = True,
        rate_limits: bool | RateLimits = False,
    ) -> FakeDiscord:
        """The default world's people with `guilds_per_shard` Playground-like guilds on each of `shard_count`
        shards: "Playground 0", "Playground 1", ... (with several per shard: "Playground 0.0", "0.1", ...),
        in shard order. GET /gateway/bot recommends `shard_count`."""
        fake = cls(
            token=token,
            message_content_intent=message_content_intent,
            rate_limits=rate_limits,
            shard_count=shard_count,
        )
        populate(fake, guild=False)
        for shard in range(shard_count):
            for k in range(guilds_per_shard):
                name = f"Playground {shard}" + (f".{k}" if guilds_per_shard > 1 else "")
                add_community(fake, name, shard=(shard, shard_count))
        return fake

    # ----- configuration
    @property
    def rate_limits(self) -> RateLimits | None:
        """The rate limits enforced (None: off). Settable at any time, e.g. `fake.rate_limits = True`."""
        return self.limiter.config

    @rate_limits.setter
    def rate_limits(self, value: bool | RateLimits | None) -> None:
        self.limiter.config = RateLimits() if value is True else (value or None)

    @property
    def rate_limit_hits(self) -> Counter[str]:
        """429s served by the rate limits, per route ("POST /channels/{channel_id}/messages" -> count)."""
        return self.limiter.hits

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

    # ----- bot processes
    def bot_env(self) -> dict[str, str]:
        """The environment a bot process needs to reach this fake (a started one): token, REST base and
        gateway URL, as `python -m bot.playground run` reads them (DISCORD_TOKEN, DISCORD_API_BASE,
        DISCORD_GATEWAY_URL)."""
        if self._runner is None:
            raise FakeDiscordError("start the fake first: its port is chosen when it starts")
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
        }
