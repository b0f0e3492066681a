"""Pytest fixtures for the openai fake (filled in by its author)."""
