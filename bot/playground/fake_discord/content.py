"""The Message Content intent's rule: without it an app receives messages with `content`, `embeds`,
`attachments` and `components` emptied (and no `poll`), except its own messages, messages that mention
it, and DMs. Applied to gateway events for sessions that did not request the intent, and to REST reads
when the intent is switched off in the application's portal (`FakeDiscord(message_content_intent=False)`).
Message context-menu commands always carry their target's full content (interactions.py)."""

from __future__ import annotations

from typing import Any

_CONTENT_FIELDS: dict[str, Any] = {"content": "", "embeds": [], "attachments": [], "components": []}


def without_content(data: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """A message payload as an app without the intent sees it (the input is not modified)."""
    bot = str(bot_id)
    if "guild_id" not in data or data.get("author", {}).get("id") == bot:
        return data
    if any(m.get("id") == bot for m in data.get("mentions", [])):
        return data
    out = {**data, **_CONTENT_FIELDS}
    out.pop("poll", None)
    if data.get("referenced_message"):
        out["referenced_message"] = without_content(data["referenced_message"], bot_id)
    return out
