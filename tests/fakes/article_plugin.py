"""Pytest fixtures for the article fake (filled in by its author)."""
