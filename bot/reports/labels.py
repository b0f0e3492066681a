"""Names instead of snowflakes in reports: files and the terminal do not resolve Discord's <#id> and <@id>.

Channels read "#general" (a thread "#general › its name"); members read "alice (id 123…)": the id is what a
moderator needs to act on a member (ban, timeout, search), so it stays beside the name. Names come from
what the bot saw (bot/store/names.py); an unknown one falls back to the id alone.
"""

from __future__ import annotations

from bot.store.location import Location
from bot.store.names import Names
from bot.util.text import escape


def channel_name(names: Names, channel_id: int) -> str | None:
    found = names.channels.get(channel_id)
    return f"#{found}" if found else None


def place(names: Names, location: Location) -> str:
    """'#general', '#general › Ferry questions', or the ids when no name is known (names escaped for
    markdown, the '#' kept plain so the text reads well in a terminal too)."""
    found = names.channels.get(location.channel_id)
    channel = f"#{escape(found)}" if found else f"channel {location.channel_id}"
    if location.thread_id is None:
        return channel
    thread = names.threads.get(location.thread_id)
    return f"{channel} › {escape(thread.name) if thread and thread.name else f'thread {location.thread_id}'}"


def channel(names: Names, channel_id: int) -> str:
    return place(names, Location(channel_id))


def member(names: Names, member_id: int) -> str:
    found = names.members.get(member_id)
    return f"{escape(found)} (id {member_id})" if found else f"member {member_id}"


def plain_member(names: Names, member_id: int) -> str | None:
    """The member's name alone (for JSON), None when unknown."""
    return names.members.get(member_id)


def plain_place(names: Names, location: Location) -> str | None:
    """'#general' or '#general › thread' without markdown escaping (for JSON), None when unknown."""
    channel = channel_name(names, location.channel_id)
    if channel is None or location.thread_id is None:
        return channel
    thread = names.threads.get(location.thread_id)
    return f"{channel} › {thread.name}" if thread and thread.name else channel
