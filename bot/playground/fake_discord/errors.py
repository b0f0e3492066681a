"""Errors: `ApiError` becomes a Discord-shaped JSON error response; `FakeDiscordError` is a test's misuse."""

from __future__ import annotations

from typing import Any

# Discord's own wording for the codes the fake produces (see the "JSON Error Codes" table in the docs).
MESSAGES: dict[int, str] = {
    0: "General error",
    10003: "Unknown Channel",
    10004: "Unknown Guild",
    10007: "Unknown Member",
    10008: "Unknown Message",
    10011: "Unknown Role",
    10013: "Unknown User",
    10014: "Unknown Emoji",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    10063: "Unknown application command",
    40005: "Request entity too large",
    40060: "Interaction has already been acknowledged.",
    40067: "A tag is required to create a forum post in this channel",
    50001: "Missing Access",
    50005: "Cannot edit a message authored by another user",
    50006: "Cannot send an empty message",
    50008: "Cannot send messages in a non-text channel",
    50013: "Missing Permissions",
    50016: "Provided too few or too many messages to delete. Must provide at least 2 and fewer than 100 "
    "messages to delete.",
    50024: "Cannot execute action on this channel type",
    50034: "You can only bulk delete messages that are under 14 days old.",
    50035: "Invalid Form Body",
    50083: "Thread is archived",
    160004: "A thread has already been created for this message",
}

# The code a bare status maps to when a test injects a fault without naming one.
DEFAULT_CODE_FOR_STATUS: dict[int, int] = {400: 50035, 403: 50013, 404: 10008, 413: 40005}


class FakeDiscordError(Exception):
    """A test or demo script used the fake wrongly (unknown name, command never synced, bad option...)."""


class ApiError(Exception):
    """An error the REST API answers with: status, Discord error code, message and optional field errors."""

    def __init__(
        self,
        status: int,
        code: int = 0,
        message: str | None = None,
        *,
        errors: dict[str, Any] | None = None,
        detail: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message or MESSAGES.get(code) or f"{status}: error"
        self.errors = errors
        self.detail = detail
        super().__init__(f"{status} {code} {self.message}" + (f" ({detail})" if detail else ""))

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            out["errors"] = self.errors
        return out


def not_found(code: int, detail: str = "") -> ApiError:
    return ApiError(404, code, detail=detail)


def forbidden(code: int = 50013, detail: str = "") -> ApiError:
    return ApiError(403, code, detail=detail)


def invalid_form(field: str, error_code: str, text: str) -> ApiError:
    """400 50035 with Discord's nested `errors` object for one field path like "embeds.0.title"."""
    node: dict[str, Any] = {"_errors": [{"code": error_code, "message": text}]}
    for part in reversed(field.split(".")):
        node = {part: node}
    return ApiError(400, 50035, errors=node, detail=f"{field}: {text}")
