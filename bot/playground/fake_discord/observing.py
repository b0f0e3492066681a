"""Observing what happened (requests, transcript, stored messages) and waiting for it without races
(a mixin of FakeDiscord). See events.py for the sequence numbers behind `mark()` and `since`."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import FakeDiscordError
from .events import WAIT_TIMEOUT, RecordedRequest, TranscriptEvent
from .messages import LOADING

if TYPE_CHECKING:
    from .events import EventLog
    from .models import Message
    from .payloads import Renderer
    from .world import World

MessagePredicate = Callable[[dict[str, Any]], bool]


class ObservingMixin:
    if TYPE_CHECKING:
        world: World
        log: EventLog
        render: Renderer
        created: list[Message]
        last_mark: int

    # ----- observing
    @property
    def requests(self) -> list[RecordedRequest]:
        return self.log.requests

    @property
    def transcript(self) -> list[TranscriptEvent]:
        return self.log.events

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [r for r in self.log.requests if r.method == method and pattern.search(r.path)]

    def add_listener(self, callback: Callable[[TranscriptEvent], None]) -> None:
        """Call `callback(event)` synchronously for every visible event from now on."""
        self.log.add_listener(callback)

    def remove_listener(self, callback: Callable[[TranscriptEvent], None]) -> None:
        self.log.remove_listener(callback)

    def messages(self, channel_id: int) -> list[dict[str, Any]]:
        """All live messages of a channel or thread, oldest first, with full content."""
        return [self.render.message(m) for m in self.world.history(channel_id)]

    def message(self, message_id: int) -> dict[str, Any]:
        """Any message the fake knows (also deleted and ephemeral ones), as currently stored."""
        return self.render.message(self._stored(message_id))

    def allowed_mentions_of(self, message_id: int) -> dict[str, Any] | None:
        """The `allowed_mentions` a bot message was last sent or edited with (None if it sent none)."""
        return self._stored(message_id).allowed_mentions

    def files_of(self, message_id: int) -> dict[str, bytes]:
        """The attachments of a message: filename -> bytes."""
        return {a.filename: a.data for a in self._stored(message_id).attachments}

    def _stored(self, message_id: int) -> Message:
        msg = self.world.messages.get(int(message_id))
        if msg is None:
            raise FakeDiscordError(f"no message {message_id}")
        return msg

    def mark(self) -> int:
        """A position in the event log; wait_* with `since=mark` consider only what happens after it."""
        return self.log.seq

    async def wait_for_message(
        self,
        pred: MessagePredicate | None = None,
        *,
        channel_id: int | None = None,
        author_id: int | None = None,
        since: int | dict[str, Any] | None = None,
        timeout: float = WAIT_TIMEOUT,
    ) -> dict[str, Any]:
        """The first message created after `since` that matches, waiting for it if needed.

        `since` is a `mark()`, or a message payload (meaning: after that message); by default it is the
        mark taken when the last driving action (post, slash, edit, ...) started, so an answer that
        arrived before this call is still found. Returning does not move the default mark: use
        `wait_for_messages(n)` or `since=previous_result` for the next one. Messages still "thinking"
        (deferred interactions) count once completed.
        """
        return (
            await self.wait_for_messages(
                1, pred, channel_id=channel_id, author_id=author_id, since=since, timeout=timeout
            )
        )[0]

    async def wait_for_messages(
        self,
        count: int,
        pred: MessagePredicate | None = None,
        *,
        channel_id: int | None = None,
        author_id: int | None = None,
        since: int | dict[str, Any] | None = None,
        timeout: float = WAIT_TIMEOUT,
    ) -> list[dict[str, Any]]:
        start = self._since(since)

        def check() -> list[dict[str, Any]] | None:
            found = []
            for m in self.created[bisect.bisect_right(self.created, start, key=lambda m: m.seq) :]:
                if m.flags & LOADING and not m.deleted:
                    continue
                if (channel_id is not None and m.channel_id != channel_id) or (
                    author_id is not None and m.author_id != author_id
                ):
                    continue
                payload = self.render.message(m)
                if pred is None or pred(payload):
                    found.append(payload)
                    if len(found) == count:
                        return found
            return None

        def describe() -> str:
            return (
                f"{count} message(s) (channel={channel_id}, author={author_id}, since #{start}); "
                f"recent events:\n{self.log.recent()}"
            )

        return await self.log.wait_until(check, timeout, describe)

    async def wait_for_event(
        self,
        kind: str,
        pred: Callable[[TranscriptEvent], bool] | None = None,
        *,
        since: int | None = None,
        timeout: float = WAIT_TIMEOUT,
    ) -> TranscriptEvent:
        """The first transcript event of `kind` after `since` (default: the last driving action)."""
        start = self._since(since)

        def check() -> TranscriptEvent | None:
            return next(
                (
                    e
                    for e in self.log.events
                    if e.seq > start and e.kind == kind and (pred is None or pred(e))
                ),
                None,
            )

        return await self.log.wait_until(
            check, timeout, lambda: f"a {kind!r} event after #{start}; recent:\n{self.log.recent()}"
        )

    def _since(self, since: int | dict[str, Any] | None) -> int:
        if since is None:
            return self.last_mark
        if isinstance(since, dict):
            return self.world.messages[int(since["id"])].seq
        return int(since)
