"""The aiohttp application: gateway and REST routes behind one middleware that logs each request,
checks the bot token, applies injected faults and turns errors into Discord-shaped JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, hdrs, web

from . import rest_channels, rest_interactions, rest_misc, rest_threads
from .errors import ApiError
from .events import RecordedRequest, UploadedFile
from .ratelimits import major_parameter
from .responses import json_response, ok_ratelimit_headers
from .routing import API, BODY_KEY, FAKE_KEY, Body, fake_of

if TYPE_CHECKING:
    from .server import FakeDiscord

logger = logging.getLogger(__name__)
_NO_AUTH = ("/webhooks/", "/interactions/")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(fake: FakeDiscord) -> web.Application:
    app = web.Application(middlewares=[_middleware], client_max_size=64 * 1024 * 1024)
    app[FAKE_KEY] = fake
    app.router.add_get("/", fake.gateway.handle)
    app.router.add_get("/attachments/{channel_id}/{file_id}/{filename}", rest_misc.attachment)
    rest_misc.setup(app.router, API)
    rest_channels.setup(app.router, API)
    rest_threads.setup(app.router, API)
    rest_interactions.setup(app.router, API)
    app.router.add_route("*", API + "/{tail:.*}", _unknown_route)
    return app


@web.middleware
async def _middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API + "/"):
        try:
            return await handler(request)  # the gateway and attachment downloads handle their own errors
        except Exception as exc:
            fake_of(request).record_internal_error(f"{request.method} {request.path}", exc)
            return web.Response(status=500, text="fake discord internal error")
    fake = fake_of(request)
    path = request.path[len(API) :]
    record = RecordedRequest(request.method, path, dict(request.query))
    fake.log.requests.append(record)
    resource = request.match_info.route.resource
    route_key = f"{request.method} {resource.canonical if resource else path}"
    route = (
        f"{request.method} {resource.canonical[len(API) :] if resource else path}"  # as rate limits name it
    )
    limit_headers: dict[str, str] = {}
    try:
        body = await _read_body(request)
        record.json, record.files = body.json, body.files
        request[BODY_KEY] = body
        if not path.startswith(_NO_AUTH) and request.headers.get(hdrs.AUTHORIZATION) != f"Bot {fake.token}":
            raise ApiError(401, 0, "401: Unauthorized")
        fault = fake.faults.take(request.method, path)
        if fault is not None:
            record.fault = True
            logger.info("fake discord: injected %s for %s %s", fault.status, request.method, path)
            response: web.StreamResponse = fault.response(route_key)
        elif fake.limiter.config is not None:
            limited, limit_headers = fake.limiter.admit(route, path, major_parameter(request.match_info))
            response = limited or await handler(request)
        else:
            response = await handler(request)
            if response.status < 300:  # a generous bucket: discord.py learns it but never waits
                response.headers.update(ok_ratelimit_headers(route_key))
    except ApiError as exc:
        logger.debug("fake discord: %s %s -> %s", request.method, path, exc)
        response = json_response(exc.body(), exc.status)
    except Exception as exc:  # a bug in the fake: answer 400 (no retries) and remember it for the test
        fake.record_internal_error(f"{request.method} {path}", exc)
        response = json_response({"message": f"fake discord internal error: {exc!r}", "code": 0}, 400)
    response.headers.update(limit_headers)  # with rate limits on: every counted request, errors included
    record.status = response.status
    return response


async def _read_body(request: web.Request) -> Body:
    if request.method in ("GET", "HEAD") or not request.body_exists:
        return Body()
    if request.content_type.startswith("multipart/"):
        body = Body()
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # nested multipart: discord.py never sends one
            if part.name == "payload_json":
                body.json = _parse_json(await part.text())
            else:
                data = await part.read(decode=False)
                body.files.append(
                    UploadedFile(
                        part.name or "",
                        part.filename or "file",
                        bytes(data),
                        part.headers.get(hdrs.CONTENT_TYPE),
                    )
                )
        return body
    raw = await request.text()
    return Body(_parse_json(raw) if raw.strip() else None)


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


async def _unknown_route(request: web.Request) -> web.StreamResponse:
    fake = fake_of(request)
    path = request.path[len(API) :]
    logger.warning("fake discord has no route for %s %s (answered 404)", request.method, path)
    fake.unhandled_routes.append(f"{request.method} {path}")
    return json_response({"message": "404: Not Found", "code": 0}, 404)
