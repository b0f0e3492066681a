"""JSON responses exactly as discord.py expects them, plus rate-limit headers."""

from __future__ import annotations

import hashlib
import json
import math
import time
from typing import Any

from aiohttp import web


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly "application/json", so no charset
    # parameter (aiohttp's json_response would add "; charset=utf-8").
    body = json.dumps(data, separators=(",", ":")).encode()
    resp = web.Response(body=body, status=status, headers=headers)
    resp.content_type = "application/json"
    return resp


def bucket_for(route_key: str) -> str:
    return hashlib.sha1(route_key.encode()).hexdigest()[:16]


def ok_ratelimit_headers(route_key: str) -> dict[str, str]:
    """Headers of a generous bucket: discord.py learns a bucket but never has to wait for it."""
    return {
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Bucket": bucket_for(route_key),
    }


def rate_limited(
    bucket: str, retry_after: float, *, is_global: bool = False, limit: int = 5, scope: str = "user"
) -> web.Response:
    """A 429 the Discord way: `Via` header (else discord.py suspects a Cloudflare ban), JSON body with
    `retry_after` and `global`, `X-RateLimit-Scope`; a per-route 429 also names its bucket, a global one
    says `X-RateLimit-Global`."""
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "X-RateLimit-Scope": "global" if is_global else scope,
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update(
            {
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Bucket": bucket_for(bucket),
            }
        )
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
        "code": 0,
    }
    return json_response(body, 429, headers)
