"""Pytest fixtures for the discord fake (filled in by its author)."""
