"""From bytes to an `Article`: decode, then extract HTML, plain text or PDF.

CPU-bound, and the bytes come from strangers: the bot calls `parse_fetched` through the worker pool
(bot/util/workers.py) with a deadline; the CLI reads local files with `parse_document` directly.
"""

from __future__ import annotations

from typing import Literal

from bot.articles.decode import decode_body
from bot.articles.extract import extract_html, extract_pdf, extract_text
from bot.articles.fetch import FetchResult
from bot.articles.model import Article

Kind = Literal["html", "text", "pdf"]


def parse_document(data: bytes, *, kind: Kind, url: str, base_url: str | None = None,
                   header_charset: str | None = None, time_budget: float | None = None) -> Article:
    """The article in `data`. `base_url` resolves relative links (and names the site) for HTML;
    `time_budget` (seconds) stops a PDF from starting more pages."""
    if kind == "pdf":
        return extract_pdf(data, url=url, time_budget=time_budget)
    text, _ = decode_body(data, header_charset=header_charset, html=kind == "html")
    if kind == "text":
        return extract_text(text, url=url)
    return extract_html(text, url=base_url or url)


def parse_fetched(result: FetchResult, url: str, *, time_budget: float | None = None) -> Article:
    """The article in a fetched page; `url` is the canonical URL the article is stored under."""
    kind: Kind = ("pdf" if result.content_type == "application/pdf"
                  else "text" if result.content_type == "text/plain" else "html")
    # The final URL for HTML: relative links resolve against it, and its host is the site when none is named.
    return parse_document(result.body, kind=kind, url=url, base_url=result.final_url,
                          header_charset=result.charset, time_budget=time_budget)
