"""Process settings from the environment and `.env` (per-guild settings live in the database)."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

from bot.util.workers import default_processes

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    discord_token: SecretStr | None = None
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_context_tokens: int = Field(12_000, ge=1_000, le=1_000_000)
    llm_timeout: float = Field(30.0, gt=0, le=600)
    database_path: Path = Path("data/precis.sqlite3")
    # postgresql://user:password@host:5432/dbname selects PostgreSQL (several processes, one database);
    # without it, SQLite at database_path.
    database_url: str | None = None
    log_level: LogLevel = "INFO"
    # Lists are written as JSON ([1, 2]) or comma-separated (1,2): NoDecode hands the text to _list.
    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Request Discord's privileged Message Content intent. Without it the bot still runs: slash and message
    # commands work, but automatic summaries can't see links and the log keeps no message text.
    discord_message_content: bool = True

    # Only for the playground and tests: lifts the rule against private and loopback addresses.
    fetch_allow_private: bool = False
    fetch_max_bytes: int = Field(5_000_000, ge=10_000, le=100_000_000)
    fetch_timeout: float = Field(15.0, gt=0, le=120)
    fetch_allowed_ports: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [80, 443])
    # Private networks the fetcher may reach anyway (an intranet you trust; the tests' loopback server).
    fetch_allowed_networks: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # New pages fetched from one host per minute, across all guilds (0 = no limit): query-string variants of
    # one page are new URLs, and must not multiply fetches. Per process: N shard processes fetch up to N times this.
    fetch_per_host_per_minute: int = Field(20, ge=0, le=100_000)

    backfill_limit: int = Field(5_000, ge=0, le=1_000_000)   # messages per channel after downtime
    log_queue_size: int = Field(50_000, ge=100, le=10_000_000)
    # Seconds a stop may spend on the Discord connection, and again on writing the log; rows the database
    # has not taken by then go to a spill file, replayed at the next start (bot/logbook/spill.py).
    shutdown_timeout: float = Field(10.0, gt=0, le=600)
    # The spill file's folder; by default DATABASE_PATH's (data/), with PostgreSQL too. One file per process.
    spill_dir: Path | None = None

    # Worker processes for parsing pages, summaries, answers, digests and flag rules (default 2 to 4 by cores).
    worker_processes: int = Field(default_factory=default_processes, ge=1, le=64)

    summary_cache_hours: float = Field(24.0, ge=0)
    max_links_per_message: int = Field(3, ge=1, le=10)

    @field_validator("openai_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("must be an http(s) or ws(s) URL")
        return value.rstrip("/")

    @field_validator("owner_ids", "fetch_allowed_ports", "fetch_allowed_networks", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                raise ValueError("write a list as 1,2 or as JSON [1, 2]") from None
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (leave it unset for SQLite at DATABASE_PATH)")
        return value

    @field_validator("fetch_allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)   # ValueError names the bad one
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def database(self) -> str | Path:
        """What `Database(...)` opens: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def llm_enabled(self) -> bool:
        """An API key or an OpenAI-compatible server (Ollama, vLLM, llama.cpp need no key) enables the LLM."""
        return self.openai_api_key is not None or self.openai_base_url is not None


class SettingsError(Exception):
    """One clear line naming the bad setting."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first.get("loc") else "settings"
        where = ".".join(str(part) for part in first["loc"][1:])
        raise SettingsError(f"invalid setting {name}{f' (item {where})' if where else ''}: {first['msg']}"
                            ) from None
    except SourceError as exc:   # a value the environment source could not even parse
        raise SettingsError(f"invalid setting: {str(exc).splitlines()[0]}") from None
