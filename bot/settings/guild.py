"""Typed per-guild settings with defaults in code, cached in memory.

Rows exist only for changed keys, so a new setting needs no migration. Reads hit the cache (no query
on the hot path); writes go to the database first, then replace the cached copy.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.moderation.rules import is_regex_rule, regex_problem
from bot.store import settings as store
from bot.store.db import Database
from bot.store.settings import SettingChange

SummaryMode = Literal["off", "auto", "reaction"]
DigestSchedule = Literal["off", "daily", "weekly"]


class GuildSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", validate_assignment=True)

    # summaries
    summary_mode: SummaryMode = "auto"
    summary_channels: list[int] = Field(default_factory=list)       # empty = every channel
    summary_excluded_channels: list[int] = Field(default_factory=list)
    summary_style: Literal["brief", "detailed", "bullets"] = "brief"
    summary_threads: bool = False                                    # open a thread for questions
    # automatic (link and reaction) summaries one member, and one channel, may cause per window (0 = no limit)
    summary_member_limit: int = Field(5, ge=0, le=1_000)
    summary_channel_limit: int = Field(15, ge=0, le=1_000)
    summary_limit_minutes: int = Field(10, ge=1, le=1_440)
    language: str | None = None                                      # None = the article's language
    # questions
    ask_window_minutes: int = Field(120, ge=1, le=10_080)
    thread_trigger: str = "?"                                        # a thread message ending with it is a question
    # logging
    log_enabled: bool = True
    log_excluded_channels: list[int] = Field(default_factory=list)
    log_bots: bool = False
    retention_days: int = Field(90, ge=1, le=3650)
    deleted_content_days: int = Field(7, ge=0, le=3650)
    # moderation
    mod_channel_id: int | None = None
    digest: DigestSchedule = "off"
    digest_hour: int = Field(9, ge=0, le=23)
    mod_rules: list[str] = Field(default_factory=list)               # words, or /regex/
    # None: the server's default (on with OpenAI, off with a local OPENAI_BASE_URL server)
    moderation_endpoint: bool | None = None
    live_log_channel_id: int | None = None                          # edits, deletions, reports posted live
    # budget
    daily_tokens: int = Field(200_000, ge=0, le=100_000_000)         # 0 = no LLM for this guild
    cooldown_seconds: int = Field(20, ge=0, le=86_400)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in ("", "auto", "none"):
            return None
        value = value.strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", value):
            raise ValueError("use a language code such as en, es or pt-br")
        return value

    @field_validator("mod_rules")
    @classmethod
    def _rules(cls, value: list[str]) -> list[str]:
        for rule in value:
            problem = regex_problem(rule) if is_regex_rule(rule) else None
            if problem is not None:
                raise ValueError(problem)
        return value


class InvalidSetting(ValueError):
    """One clear line for the person who tried to change a setting."""


class GuildSettingsService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[int, GuildSettings] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._preloaded = False

    async def preload(self) -> None:
        """Load every guild's stored settings at once; afterwards `get` never waits on the database.

        Event handlers that must queue their work in event order (the log) call `get` first: a handler
        suspended on a cold cache could otherwise be overtaken by a later event's handler (measured: edits
        applied out of order right after start on PostgreSQL). Settings change only through `update`, in
        the one process serving the guild, so the loaded cache stays true."""
        loaded = await store.load_all(self._db)
        for guild_id, raw in loaded.items():
            self._cache.setdefault(guild_id, _build(raw))
        self._preloaded = True

    async def get(self, guild_id: int) -> GuildSettings:
        found = self._cache.get(guild_id)
        if found is not None:
            return found
        if self._preloaded:   # nothing stored for this guild: the defaults, without a query
            found = self._cache[guild_id] = _build({})
            return found
        raw = await store.load_guild(self._db, guild_id)
        settings = _build(raw)
        self._cache[guild_id] = settings
        return settings

    async def update(self, guild_id: int, user_id: int | None, **values: Any) -> GuildSettings:
        """Validate and store several values at once; raises InvalidSetting naming the field."""
        async with self._locks.setdefault(guild_id, asyncio.Lock()):
            current = await self.get(guild_id)
            try:
                updated = current.model_validate({**current.model_dump(), **values})
            except ValidationError as exc:
                err = exc.errors()[0]
                field = ".".join(str(p) for p in err["loc"]) or "value"
                raise InvalidSetting(f"{field}: {err['msg']}") from None
            changes = {k: (getattr(current, k), getattr(updated, k)) for k in values
                       if getattr(current, k) != getattr(updated, k)}
            if changes:
                await store.save(self._db, guild_id, changes, user_id)
            self._cache[guild_id] = updated
            return updated

    async def history(self, guild_id: int, limit: int = 5) -> list[SettingChange]:
        return await store.recent_changes(self._db, guild_id, limit)


def _build(raw: dict[str, Any]) -> GuildSettings:
    known = {k: v for k, v in raw.items() if k in GuildSettings.model_fields}
    try:
        return GuildSettings.model_validate(known)
    except ValidationError:
        # A stored value that no longer validates (e.g. a bound changed) falls back to its default.
        good = {}
        for key, value in known.items():
            try:
                GuildSettings.model_validate({key: value})
                good[key] = value
            except ValidationError:
                pass
        return GuildSettings.model_validate(good)
