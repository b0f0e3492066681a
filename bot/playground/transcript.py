"""Printing what happens on the Discord stand-in as a readable conversation in a terminal."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import Any, TextIO

from bot.playground.fake_discord.events import TranscriptEvent

BOLD, DIM, CYAN, GREEN, YELLOW, RESET = "\x1b[1m", "\x1b[2m", "\x1b[36m", "\x1b[32m", "\x1b[33m", "\x1b[0m"


def _named_mentions(event: TranscriptEvent) -> str:
    """Show <@id> as @name, as Discord's client does."""
    names = {str(u.get("id")): u.get("global_name") or u.get("username") for u in event.payload.get("mentions", [])}
    return re.sub(r"<@!?(\d+)>", lambda m: f"@{names.get(m.group(1), 'someone')}", event.content or "")


class Transcript:
    """A listener for FakeDiscord that prints messages, commands, replies and embeds."""

    def __init__(self, out: TextIO = sys.stdout, *, colour: bool | None = None, width: int | None = None,
                 channel_name: Callable[[int], str | None] = lambda _: None,
                 user_name: Callable[[int], str | None] = lambda _: None) -> None:
        self.out = out
        self.channel_name = channel_name
        self.user_name = user_name
        self.colour = out.isatty() if colour is None else colour
        self.width = width or min(100, shutil.get_terminal_size((100, 24)).columns)
        self.bot_names: set[str] = set()

    def _c(self, code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if self.colour else text

    def _wrap(self, text: str, indent: str) -> list[str]:
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            lines += textwrap.wrap(paragraph, self.width - len(indent), initial_indent=indent,
                                   subsequent_indent=indent + ("  " if paragraph.startswith("•") else ""),
                                   break_long_words=False, break_on_hyphens=False) or [indent]
        return lines

    def say(self, text: str) -> None:
        """A narrator line between the scripted steps."""
        self.out.write("\n" + self._c(DIM, f"── {text} ") + "\n")
        self.out.flush()

    def __call__(self, event: TranscriptEvent) -> None:
        if event.kind in ("edit", "delete"):
            return
        where = self._c(DIM, f"#{event.channel}")
        who = self._c(GREEN if event.author in self.bot_names else CYAN, event.author)
        content = self._names(_named_mentions(event))
        if event.kind == "reaction":
            lines = [f"{where} {who} reacted {content}"]
        elif event.kind == "thread":
            lines = [f"{where} {who} opened the thread “{content}”"]
        elif event.kind == "interaction":
            lines = [f"{where} {who}: {self._c(YELLOW, content)}"]
        else:
            note = self._c(DIM, " (only they see this)") if event.ephemeral else ""
            short = content and len(content) <= 70 and "\n" not in content
            lines = [f"{where} {who}{note}:" + (f" {content}" if short else "")]
            if content and not short:
                lines += self._wrap(content, "    ")
        for embed in event.embeds:
            lines += self._embed(embed)
        for name in event.attachments:
            lines.append(f"    📎 {name}")
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()

    def _names(self, text: str) -> str:
        """<#id> as #name and <@id> as @name, as Discord's client shows mentions."""
        text = re.sub(r"<#(\d+)>", lambda m: f"#{self.channel_name(int(m.group(1))) or 'channel'}", text)
        return re.sub(r"<@!?(\d+)>", lambda m: f"@{self.user_name(int(m.group(1))) or 'someone'}", text)

    @staticmethod
    def _links(text: str) -> str:
        """Markdown links show their text (↗), as Discord's client does; the terminal has no use for the URL."""
        return re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1↗", text)

    def _embed(self, embed: dict[str, Any]) -> list[str]:
        bar = self._c(DIM, "    │ ")
        lines = []
        if author := (embed.get("author") or {}).get("name"):
            lines += self._wrap(self._c(DIM, author), "")
        if title := embed.get("title"):
            lines += self._wrap(self._c(BOLD, title), "")
        if url := embed.get("url"):
            lines.append(self._c(DIM, url))
        if description := embed.get("description"):
            lines += self._wrap(self._names(description).replace("**", ""), "")
        inline = [f"{f.get('name')}: {f.get('value')}" for f in embed.get("fields", []) if f.get("inline")]
        if inline:
            lines += self._wrap(self._names(" · ".join(inline)).replace("**", ""), "")
        for field in embed.get("fields", []):
            if not field.get("inline"):
                lines.append(self._c(BOLD, field.get("name", "")))
                lines += self._wrap(self._links(self._names(str(field.get("value", "")))).replace("**", ""), "  ")
        if footer := (embed.get("footer") or {}).get("text"):
            lines += self._wrap(self._c(DIM, footer), "")
        return [self._c(DIM, "    ┌")] + [bar + line for line in lines] + [self._c(DIM, "    └")]
