"""InteractionHandle: what a test holds after invoking a command, and everything the bot answered to it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import FakeDiscordError
from .events import WAIT_TIMEOUT

if TYPE_CHECKING:
    from .models import Message
    from .server import FakeDiscord

PONG, CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
EPHEMERAL, LOADING = 64, 128


@dataclass
class Callback:
    """The bot's initial response: type 4 message, 5 deferred, 6/7 component update, 8 choices, 9 modal."""

    type: int
    data: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)


@dataclass
class InteractionMessage:
    """A message the bot showed for an interaction. kind: "callback" | "followup" | "edit" | "update"."""

    kind: str
    message: dict[str, Any]  # the full message payload as of that moment
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.message["id"])

    @property
    def flags(self) -> int:
        return int(self.message.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def content(self) -> str:
        return str(self.message.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.message.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.message.get("components") or [])


class InteractionHandle:
    """One interaction sent to the bot. Await `response()` / `reply()`; read `messages`."""

    def __init__(
        self, fake: FakeDiscord, payload: dict[str, Any], *, label: str, source_message: Message | None = None
    ) -> None:
        self.fake = fake
        self.payload = payload
        self.id = int(payload["id"])
        self.token = str(payload["token"])
        self.type = int(payload["type"])
        self.label = label
        self.user_id = int((payload.get("member") or {}).get("user", payload.get("user", {})).get("id", 0))
        self.channel_id = int(payload["channel_id"])
        self.callback: Callback | None = None
        self.messages: list[InteractionMessage] = []
        # @original: the response message (type 4/5) or, for components, the message they sit on.
        self.original: Message | None = None
        self.source_message = source_message
        self.followup_ids: list[int] = []
        self.sent_at = time.monotonic()

    def __repr__(self) -> str:
        state = f"callback type {self.callback.type}" if self.callback else "unanswered"
        return f"<InteractionHandle {self.label!r} {state}, {len(self.messages)} message(s)>"

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.payload.get("data") or {})

    def record(self, kind: str, message: dict[str, Any], files: dict[str, bytes] | None = None) -> None:
        self.messages.append(InteractionMessage(kind, message, dict(files or {})))
        self.fake.log.notify()

    async def response(self, timeout: float = WAIT_TIMEOUT) -> Callback:
        """Wait for the bot's initial callback (raise TimeoutError with a transcript excerpt if none)."""
        return await self.fake.log.wait_until(lambda: self.callback, timeout, self._describe("a callback"))

    async def reply(self, timeout: float = WAIT_TIMEOUT) -> InteractionMessage:
        """The first visible answer: the type 4 message, or after a defer the first follow-up or edit."""
        return (await self.wait_for_messages(1, timeout))[0]

    async def wait_for_messages(self, count: int, timeout: float = WAIT_TIMEOUT) -> list[InteractionMessage]:
        """Wait until the bot has shown at least `count` messages for this interaction; return them all."""
        return await self.fake.log.wait_until(
            lambda: list(self.messages) if len(self.messages) >= count else None,
            timeout,
            self._describe(f"{count} message(s)"),
        )

    async def submit_modal(
        self, values: dict[str, str | list[str]], *, user_id: int | None = None, timeout: float = WAIT_TIMEOUT
    ) -> InteractionHandle:
        """Fill in the modal the bot answered with (callback type 9) and submit it; returns the new handle.

        `values` maps component custom_ids to text (text inputs) or lists of values (selects).
        """
        cb = await self.response(timeout)
        if cb.type != MODAL:
            raise FakeDiscordError(f"{self.label} was answered with callback type {cb.type}, not a modal (9)")
        return await self.fake.invocations.modal_submit(self, cb.data, values, user_id or self.user_id)

    def _describe(self, what: str) -> Any:
        def text() -> str:
            return f"{what} for {self!r}; recent events:\n{self.fake.log.recent()}"

        return text
