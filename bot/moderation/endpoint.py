"""The moderation endpoint: which guilds send messages to it, and whether the server can answer at all.

OpenAI has `/v1/moderations`; the OpenAI-compatible servers people run locally (Ollama, vLLM, llama.cpp)
do not, and answer 404. So:
- a guild setting decides whether its messages go there (`moderation_endpoint`: None means the default,
  on with OpenAI and off when OPENAI_BASE_URL points at another server, so content stays on that server
  only if the admin asks for it);
- the start-up check (one request with a fixed word, never a member's message) and any 404/405/501 mark
  the endpoint missing: that is said once in the log and in /config show, the flagger stops calling it,
  and it is checked again hourly;
- transient failures (429, 5xx, timeouts) pause the endpoint only: local rules never wait for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum
from urllib.parse import urlsplit

from bot.app.errors import LLMError
from bot.llm.moderation import ModerationClient, ModerationUnsupported
from bot.settings.guild import GuildSettings

log = logging.getLogger(__name__)

RECHECK_MISSING_S = 3600.0
OPENAI_HOST = "api.openai.com"


class EndpointState(StrEnum):
    NONE = "none"              # no language model configured
    UNCHECKED = "unchecked"
    AVAILABLE = "available"
    MISSING = "missing"


def is_local_server(base_url: str | None) -> bool:
    """OPENAI_BASE_URL set to anything but OpenAI itself: an OpenAI-compatible server of the operator's."""
    return base_url is not None and (urlsplit(base_url).hostname or "") != OPENAI_HOST


class ModerationEndpoint:
    def __init__(self, client: ModerationClient | None, *, base_url: str | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.base_url = base_url
        self.local_server = is_local_server(base_url)
        self._monotonic = monotonic
        self.state = EndpointState.NONE if client is None else EndpointState.UNCHECKED
        self.reason: str | None = None
        self._paused_until = 0.0
        self._recheck_at = 0.0

    @property
    def where(self) -> str:
        return self.base_url or "OpenAI"

    @property
    def default_on(self) -> bool:
        return self.client is not None and not self.local_server

    def wanted_by(self, settings: GuildSettings) -> bool:
        """Whether this guild's messages may be sent to the endpoint at all."""
        if self.client is None:
            return False
        return self.default_on if settings.moderation_endpoint is None else settings.moderation_endpoint

    @property
    def missing(self) -> bool:
        return self.state is EndpointState.MISSING

    @property
    def paused_for(self) -> float:
        """Seconds until the endpoint may be called again after a 429 or a failure (0 if not paused)."""
        return max(0.0, self._paused_until - self._monotonic())

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    @property
    def due_for_recheck(self) -> bool:
        return self.missing and self._monotonic() >= self._recheck_at

    def mark_missing(self, reason: str) -> None:
        if not self.missing:
            log.warning("the model server at %s has no moderation endpoint (%s): flags come from local rules "
                        "only; checking again every %.0f min", self.where, reason, RECHECK_MISSING_S / 60)
        self.state, self.reason = EndpointState.MISSING, reason
        self._recheck_at = self._monotonic() + RECHECK_MISSING_S

    def mark_available(self) -> None:
        if self.missing:
            log.info("the moderation endpoint at %s answers again", self.where)
        self.state, self.reason = EndpointState.AVAILABLE, None

    async def probe(self) -> EndpointState:
        """Check that the server has a moderation endpoint (a fixed word is sent, no member content)."""
        if self.client is None:
            return self.state
        try:
            await self.client.probe()
        except ModerationUnsupported as exc:
            self.mark_missing(str(exc))
        except LLMError as exc:
            self._recheck_at = self._monotonic() + RECHECK_MISSING_S
            log.info("could not check the moderation endpoint at %s (%s); the flagger will find out", self.where,
                     exc)
        else:
            self.mark_available()
        return self.state

    def describe(self, settings: GuildSettings) -> str:
        """One line for /config show: the guild's choice, the default, and what the server can do."""
        if self.client is None:
            return "moderation endpoint: **off** (no language model configured)"
        on = self.wanted_by(settings)
        why = ("default" if settings.moderation_endpoint is None else "set here")
        default = "off with a local model server" if self.local_server else "on with OpenAI"
        line = f"moderation endpoint: **{'on' if on else 'off'}** ({why}; the default is {default})"
        if self.missing:
            line += f"\n⚠ the server at {self.where} has no moderation endpoint ({self.reason}): local rules only"
        elif on and self.state is EndpointState.UNCHECKED:
            line += " · not checked yet"
        return line
