"""Injected failures: the next N requests matching a method and path answer with an error status."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web

from .errors import DEFAULT_CODE_FOR_STATUS, ApiError
from .responses import json_response, rate_limited

DEFAULT_RETRY_AFTER = 0.05


@dataclass
class Fault:
    method: str  # "POST", or "*" for any
    pattern: re.Pattern[str]
    status: int
    times: int = 1
    retry_after: float | None = None
    code: int | None = None
    message: str | None = None
    is_global: bool = False
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.hits >= self.times

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.pattern.search(path) is not None

    def response(self, route_key: str) -> web.Response:
        if self.status == 429:
            retry = DEFAULT_RETRY_AFTER if self.retry_after is None else self.retry_after
            return rate_limited(route_key, retry, is_global=self.is_global)
        code = self.code if self.code is not None else DEFAULT_CODE_FOR_STATUS.get(self.status, 0)
        err = ApiError(self.status, code, self.message or _default_message(self.status, code))
        return json_response(err.body(), self.status)


def _default_message(status: int, code: int) -> str | None:
    if code:
        return None  # ApiError knows Discord's wording for the code
    return {401: "401: Unauthorized", 500: "500: Internal Server Error", 502: "502: Bad Gateway"}.get(status)


class Faults:
    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.pending.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self.pending:
            if fault.matches(method, path):
                fault.hits += 1
                if fault.exhausted:
                    self.pending.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self.pending.clear()
