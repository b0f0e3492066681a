"""What the fake observed: the transcript of visible events, the REST request log, and race-free waiting.

Every visible happening gets a sequence number from one counter (`EventLog.seq`). Tests take a mark
(`FakeDiscord.mark()`) and wait for things with a sequence number after it, so an answer that arrives
before the test starts waiting is still found.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

KINDS = ("message", "edit", "delete", "interaction", "interaction_reply", "thread", "reaction")

# Waits end as soon as what they wait for happens; the default only matters when it never does, so it is
# generous: a busy machine must not fail a test that is merely slow.
WAIT_TIMEOUT = 30.0


@dataclass
class TranscriptEvent:
    """One visible happening, user side or bot side, for transcripts and the demo.

    kind: "message" | "edit" | "delete" | "interaction" | "interaction_reply" | "thread" | "reaction".
    For "interaction" the content is the command as typed ("/ask question: why?");
    for "reaction" it is the emoji; for "thread" it is the thread name and `channel` the parent.
    """

    kind: str
    channel: str
    author: str
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    ephemeral: bool = False
    reply_to: int | None = None
    channel_id: int | None = None
    author_id: int | None = None
    message_id: int | None = None
    seq: int = 0
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class UploadedFile:
    field: str
    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class RecordedRequest:
    """One REST call as the fake received it; `json` is the JSON body or the multipart `payload_json`."""

    method: str
    path: str  # below the API base, e.g. "/channels/123/messages"
    query: dict[str, str]
    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    fault: bool = False  # answered by an injected fault


class EventLog:
    def __init__(self) -> None:
        self.seq = 0
        self.events: list[TranscriptEvent] = []
        self.requests: list[RecordedRequest] = []
        self._listeners: list[Callable[[TranscriptEvent], None]] = []
        self._pulse: list[asyncio.Future[None]] = []

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def add_listener(self, callback: Callable[[TranscriptEvent], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[TranscriptEvent], None]) -> None:
        self._listeners.remove(callback)

    def emit(self, event: TranscriptEvent) -> TranscriptEvent:
        if not event.seq:
            event.seq = self.next_seq()
        self.events.append(event)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not break the fake
                logger.exception("transcript listener %r failed", listener)
        self.notify()
        return event

    def notify(self) -> None:
        """Wake every waiter so it re-checks its condition."""
        pulse, self._pulse = self._pulse, []
        for fut in pulse:
            if not fut.done():
                fut.set_result(None)

    async def wait_until(
        self, check: Callable[[], T | None], timeout: float, describe: Callable[[], str]
    ) -> T:
        """Return the first non-None result of `check`, re-checking after every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {describe()}")
            fut: asyncio.Future[None] = loop.create_future()
            self._pulse.append(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                continue  # loop once more: check, then raise with the description

    def recent(self, n: int = 8) -> str:
        """The last few transcript lines, for timeout messages."""
        lines = [
            f"  #{e.seq} {e.kind} in #{e.channel} by {e.author}: {e.content[:80]!r}" for e in self.events[-n:]
        ]
        return "\n".join(lines) or "  (nothing happened)"
