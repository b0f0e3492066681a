"""Helpers shared by the REST route modules: the parsed body, ids from the path, permission checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web

from .errors import ApiError, forbidden
from .events import UploadedFile
from .messages import NewFile
from .models import Channel
from .payloads import MAX_UPLOAD
from .permissions import Perm, missing

if TYPE_CHECKING:
    from .server import FakeDiscord

API = "/api/v10"
FAKE_KEY: web.AppKey[Any] = web.AppKey("fake_discord")
BODY_KEY: web.RequestKey[Body]
_FILE_FIELD = re.compile(r"files\[(\d+)\]")


@dataclass
class Body:
    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)

    @property
    def obj(self) -> dict[str, Any]:
        """The JSON body as an object ({} when absent); a list or scalar is a 400."""
        if self.json is None:
            return {}
        if not isinstance(self.json, dict):
            raise ApiError(400, 50035, detail="expected a JSON object")
        return self.json


BODY_KEY = web.RequestKey("body", Body)


def fake_of(request: web.Request) -> FakeDiscord:
    return cast("FakeDiscord", request.app[FAKE_KEY])


def body_of(request: web.Request) -> Body:
    return request.get(BODY_KEY) or Body()


def snowflake(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise ApiError(400, 50035, detail=f"{name} is not a snowflake") from None


def no_content() -> web.Response:
    return web.Response(status=204)


def require(fake: FakeDiscord, channel: Channel, need: int) -> int:
    """Check the bot's permissions in a channel like Discord: 50001 if it cannot see it, else 50013."""
    perms = fake.world.permissions(fake.bot_id, channel.id)
    if not perms & Perm.VIEW_CHANNEL:
        raise forbidden(50001, detail=f"bot cannot see channel {channel.id}")
    if perms & need != need:
        raise forbidden(50013, detail=f"bot lacks {missing(perms, need)} in channel {channel.id}")
    return perms


def new_files(body: Body) -> list[NewFile]:
    """The uploads of a multipart body, named and described by the payload's `attachments` entries."""
    by_index: dict[str, UploadedFile] = {}
    for i, f in enumerate(body.files):
        m = _FILE_FIELD.fullmatch(f.field)
        by_index[m.group(1) if m else str(i)] = f
        if len(f.data) > MAX_UPLOAD:
            raise ApiError(413, 40005)
    described = {}
    if isinstance(body.json, dict):
        inner: Any = body.json
        if "type" in body.json and "data" in body.json:  # an interaction callback
            inner = body.json.get("data")
        elif isinstance(body.json.get("message"), dict):  # a forum post's starter message
            inner = body.json["message"]
        for a in (inner or {}).get("attachments") or []:
            described[str(a.get("id"))] = a
    out = []
    for index, f in by_index.items():
        meta = described.get(index, {})
        out.append(
            NewFile(
                meta.get("filename") or f.filename,
                f.data,
                f.content_type if f.content_type != "application/octet-stream" else None,
                meta.get("description"),
            )
        )
    return out
