"""The store: `Database` (bot/store/db.py) and its backends, which register themselves on import."""

from bot.store import postgres, sqlite

__all__ = ["postgres", "sqlite"]
