"""Discord's limits on message and command bodies, answered with the same error codes Discord uses.

These keep the bot honest: a reply over 2,000 characters or an over-long embed fails here as it
would on Discord, instead of passing silently in tests.
"""

from __future__ import annotations

import re
from typing import Any

from .components import check_components
from .errors import ApiError, invalid_form

SENDABLE_FLAGS = (1 << 2) | (1 << 12) | (1 << 15)  # SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_FILES = 10
_EMBED_LIMITS = {"title": 256, "description": 4096}
_NAME_RE = re.compile(r"^[-_\w]{1,32}$")


def check_message(body: dict[str, Any], *, file_count: int, creating: bool) -> None:
    """Validate a message create/edit body (JSON or `payload_json`); raise ApiError like Discord."""
    content = body.get("content")
    if content is not None:
        if not isinstance(content, str):
            raise invalid_form("content", "BASE_TYPE_STRING", "Must be a string.")
        if len(content) > MAX_CONTENT:
            raise invalid_form(
                "content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length."
            )
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        raise invalid_form("embeds", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        total += _check_embed(embed, f"embeds.{i}")
    if total > MAX_EMBED_TOTAL:
        raise invalid_form("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    if file_count > MAX_FILES:
        raise invalid_form("files", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_FILES} or fewer in length.")
    _check_allowed_mentions(body.get("allowed_mentions"))
    flags = body.get("flags")
    check_components(body.get("components"), int(flags or 0) if creating or flags is not None else None)
    if creating:
        has_content = isinstance(content, str) and content.strip() != ""
        has_other = (
            bool(embeds)
            or file_count > 0
            or bool(body.get("sticker_ids"))
            or bool(body.get("components"))
            or bool(body.get("poll"))
        )
        if not (has_content or has_other):
            raise ApiError(400, 50006)


def _check_embed(embed: dict[str, Any], path: str) -> int:
    """Validate one embed and return the characters it counts towards the 6,000 total."""
    if not isinstance(embed, dict):
        raise invalid_form(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
    used = 0
    for key, limit in _EMBED_LIMITS.items():
        text = embed.get(key) or ""
        if len(text) > limit:
            raise invalid_form(
                f"{path}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."
            )
        used += len(text)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise invalid_form(f"{path}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for j, f in enumerate(fields):
        for key, limit in (("name", 256), ("value", 1024)):
            text = f.get(key)
            if not isinstance(text, str) or not text:
                raise invalid_form(f"{path}.fields.{j}.{key}", "BASE_TYPE_REQUIRED", "This field is required")
            if len(text) > limit:
                raise invalid_form(
                    f"{path}.fields.{j}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."
                )
            used += len(text)
    for key, sub, limit in (("footer", "text", 2048), ("author", "name", 256)):
        part = embed.get(key)
        if part:
            text = part.get(sub) or ""
            if len(text) > limit:
                raise invalid_form(
                    f"{path}.{key}.{sub}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."
                )
            used += len(text)
    return used


def _check_allowed_mentions(am: Any) -> None:
    if am is None:
        return
    parse = am.get("parse", [])
    for kind in ("users", "roles"):
        if kind in parse and am.get(kind):
            raise invalid_form(
                f"allowed_mentions.{kind}",
                "SET_TYPE_ALREADY_CONTAINS_VALUE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def check_commands(commands: list[dict[str, Any]]) -> None:
    """Validate a bulk overwrite of application commands (names, descriptions, option order)."""
    if len(commands) > 100:
        raise invalid_form("commands", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    seen: set[tuple[str, int]] = set()
    for i, cmd in enumerate(commands):
        kind = cmd.get("type", 1)
        name = cmd.get("name", "")
        key = (name, kind)
        if key in seen:
            raise invalid_form(
                f"{i}.name",
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique ({name})",
            )
        seen.add(key)
        if kind == 1:
            _check_chat_input(cmd, str(i))
        elif not 1 <= len(name) <= 32:
            raise invalid_form(f"{i}.name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")


def _check_chat_input(node: dict[str, Any], path: str) -> None:
    name = node.get("name", "")
    if not _NAME_RE.match(name) or name != name.lower():
        raise invalid_form(
            f"{path}.name", "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid ({name})"
        )
    description = node.get("description", "")
    if not 1 <= len(description) <= 100:
        raise invalid_form(
            f"{path}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
        )
    options = node.get("options") or []
    if len(options) > 25:
        raise invalid_form(f"{path}.options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    optional_seen = False
    for j, opt in enumerate(options):
        sub = f"{path}.options.{j}"
        if opt.get("type") in (1, 2):
            _check_chat_input(opt, sub)
            continue
        _check_chat_input({**opt, "options": []}, sub)
        if opt.get("required"):
            if optional_seen:
                raise invalid_form(
                    f"{sub}.required",
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        if len(opt.get("choices") or []) > 25:
            raise invalid_form(f"{sub}.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
