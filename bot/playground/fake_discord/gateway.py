"""The gateway: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, dispatches filtered by intents and shard.

RESUME is always answered with INVALID_SESSION (d=false), so a reconnect is a fresh IDENTIFY and events
dispatched while no session was connected are lost, as during real downtime. Transport compression
`zlib-stream` is honoured when asked for (discord.py asks for it unless zstandard is installed).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .content import without_content
from .errors import ApiError

if TYPE_CHECKING:
    from .server import FakeDiscord

logger = logging.getLogger(__name__)

GUILDS, GUILD_MEMBERS, GUILD_PRESENCES = 1 << 0, 1 << 1, 1 << 8
GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS = 1 << 9, 1 << 10
DIRECT_MESSAGES, DIRECT_MESSAGE_REACTIONS = 1 << 12, 1 << 13
MESSAGE_CONTENT = 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
HEARTBEAT_INTERVAL_MS = 41250
# Application flags Discord sets for privileged intents switched on in the portal ("limited": < 100 guilds).
_INTENT_FLAGS = {GUILD_PRESENCES: 1 << 13, GUILD_MEMBERS: 1 << 15, MESSAGE_CONTENT: 1 << 19}


def intent_flags(portal_intents: int) -> int:
    return sum(flag for intent, flag in _INTENT_FLAGS.items() if portal_intents & intent)


@dataclass
class GatewaySession:
    ws: web.WebSocketResponse
    zlib_stream: bool
    session_id: str = field(default_factory=lambda: secrets.token_hex(16))
    intents: int = 0
    shard: tuple[int, int] | None = None
    seq: int = 0
    ready: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _deflate: Any = None

    def owns(self, guild_id: int | None) -> bool:
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return ((guild_id or 0) >> 22) % count == shard_id

    async def send(self, payload: dict[str, Any], *, dispatch: bool = False) -> None:
        # One lock per socket keeps sequence numbers and the zlib stream in send order.
        async with self.lock:
            if dispatch:
                self.seq += 1
                payload["s"] = self.seq
            text = json.dumps(payload, separators=(",", ":"))
            if self.zlib_stream:
                if self._deflate is None:
                    self._deflate = zlib.compressobj()
                data = self._deflate.compress(text.encode()) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(text)


class Gateway:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: list[GatewaySession] = []
        self.identify_count = 0
        self.identify_payloads: list[dict[str, Any]] = []
        self.connection_queries: list[dict[str, str]] = []  # the query string of every gateway connection

    @property
    def connected(self) -> bool:
        return any(s.ready for s in self.sessions)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.connection_queries.append(dict(request.query))
        encoding = request.query.get("encoding", "json")
        session = GatewaySession(ws, zlib_stream=request.query.get("compress") == "zlib-stream")
        self.sessions.append(session)
        try:
            if encoding != "json":
                await ws.close(code=4002, message=b"only encoding=json is supported by the fake")
                return ws
            await session.send(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["fake-discord-gateway"]},
                }
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    try:
                        frame = json.loads(msg.data)
                    except ValueError:
                        await ws.close(code=4002, message=b"Error while decoding payload.")
                        break
                    await self._on_frame(session, frame)
                elif msg.type is WSMsgType.ERROR:
                    logger.debug("gateway socket error: %s", ws.exception())
        except ConnectionResetError:
            logger.debug("gateway connection reset")
        except ApiError as exc:  # e.g. a member request for a guild that does not exist
            logger.warning("fake gateway closing a session: %s", exc)
            await ws.close(code=4000)
        except Exception as exc:
            self.fake.record_internal_error("gateway", exc)
            await ws.close(code=4000)
        finally:
            self.sessions.remove(session)
            session.ready = False
        return ws

    async def _on_frame(self, s: GatewaySession, frame: dict[str, Any]) -> None:
        op, d = frame.get("op"), frame.get("d")
        if op == 1:
            await s.send({"op": 11})
        elif op == 2:
            await self._identify(s, d or {})
        elif op == 6:
            logger.info("fake gateway: RESUME answered with INVALID_SESSION (always re-identify)")
            await s.send({"op": 9, "d": False})
        elif not s.ready:
            await s.ws.close(code=4003, message=b"Not authenticated.")
        elif op == 8:
            await self._send_members(s, d or {})
        elif op in (3, 4):
            logger.debug("fake gateway ignores op %s", op)
        else:
            await s.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, s: GatewaySession, d: dict[str, Any]) -> None:
        fake = self.fake
        if s.ready:
            await s.ws.close(code=4005, message=b"Already authenticated.")
            return
        if d.get("token") != fake.token:
            await s.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(d.get("intents", 0))
        if intents & PRIVILEGED & ~fake.portal_intents:
            await s.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = d.get("shard")
        if shard is not None:
            if not (isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]):
                await s.ws.close(code=4010, message=b"Invalid shard.")
                return
            s.shard = (int(shard[0]), int(shard[1]))
        s.intents = intents
        self.identify_payloads.append(d)
        world, render, bot_id = fake.world, fake.render, fake.bot_id
        guilds = [g for g in world.guilds.values() if bot_id in g.members and s.owns(g.id)]
        app = world.application
        app_info = {"id": str(app.id), "flags": app.flags | intent_flags(fake.portal_intents)} if app else None
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**render.user(bot_id), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": s.session_id,
            "resume_gateway_url": fake.gateway_url,
            "session_type": "normal",
            "application": app_info,
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake"],
            "user_settings": {},
            "_trace": ["fake-discord-gateway"],
        }
        if s.shard is not None:
            ready["shard"] = list(s.shard)
        await s.send({"op": 0, "t": "READY", "d": ready}, dispatch=True)
        if intents & GUILDS:
            for g in guilds:
                data = render.guild_create(g, bot_id=bot_id, all_members=bool(intents & GUILD_MEMBERS))
                await s.send({"op": 0, "t": "GUILD_CREATE", "d": data}, dispatch=True)
        s.ready = True
        self.identify_count += 1
        fake.log.notify()

    async def _send_members(self, s: GatewaySession, d: dict[str, Any]) -> None:
        guild = self.fake.world.guild(int(d["guild_id"]))
        wanted = {int(u) for u in d.get("user_ids") or []}
        query = (d.get("query") or "").lower()
        limit = int(d.get("limit") or 0) or len(guild.members)
        members = []
        for m in guild.members.values():
            user = self.fake.world.users[m.user_id]
            if (wanted and m.user_id not in wanted) or not user.username.lower().startswith(query):
                continue
            members.append(self.fake.render.member(m))
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": members[:limit],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "presences": [],
        }
        if d.get("nonce"):
            chunk["nonce"] = d["nonce"]
        await s.send({"op": 0, "t": "GUILD_MEMBERS_CHUNK", "d": chunk}, dispatch=True)

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None,
        intent: int | None = None,
        is_message: bool = False,
    ) -> None:
        """Send an event to every identified session that has `intent` and owns `guild_id`'s shard.

        `is_message` payloads lose their content for sessions without MESSAGE_CONTENT, unless the
        message is the bot's own, mentions the bot, or is a DM (Discord's rule).
        """
        for s in list(self.sessions):
            if not s.ready or not s.owns(guild_id) or (intent is not None and not s.intents & intent):
                continue
            body = data
            if is_message and not s.intents & MESSAGE_CONTENT:
                body = without_content(data, self.fake.bot_id)
            try:
                await s.send({"op": 0, "t": event, "d": body}, dispatch=True)
            except (ConnectionResetError, RuntimeError) as exc:  # socket closed meanwhile: event lost
                logger.debug("dropping %s for a closing session: %s", event, exc)

    async def disconnect(self, code: int = 4000) -> None:
        """Close every bot socket with a resumable code, as when Discord drops a connection."""
        for s in list(self.sessions):
            s.ready = False
            await s.ws.close(code=code, message=b"fake disconnect")

    async def close(self) -> None:
        for s in list(self.sessions):
            s.ready = False
            await s.ws.close(code=1001, message=b"fake discord shutting down")
