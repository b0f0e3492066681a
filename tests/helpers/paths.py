"""Where things are, for tests at any depth."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DEMO_PAGE = ROOT / "bot" / "playground" / "articles" / "harbor-solar.html"
