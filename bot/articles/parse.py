"""From bytes to an `Article`: decode, then extract HTML, plain text or PDF.

CPU-bound, and the bytes come from strangers: the bot calls `parse_fetched` through the worker pool
(bot/util/workers.py) with a deadline; the CLI reads local files with `parse_document` directly.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.app.errors import NotAnArticle
from bot.articles.decode import decode_body
from bot.articles.extract import extract_html, extract_pdf, extract_text
from bot.articles.fetch import FetchResult
from bot.articles.model import Article

Kind = Literal["html", "text", "pdf"]
NOT_TEXT = "That is not a web page, text or PDF file."
# WHATWG MIME sniffing: a "binary data byte" in the first 1445 bytes means the resource is not text
# (gzip, executables, images and random bytes all have them; text in any encoding we read does not).
_BINARY_BYTE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")
SNIFF_BYTES = 1445


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no text (a UTF-16 text starts with its byte order mark)."""
    head = data[:SNIFF_BYTES]
    return not head.startswith(_TEXT_BOMS) and _BINARY_BYTE.search(head) is not None


def parse_document(data: bytes, *, kind: Kind, url: str, base_url: str | None = None,
                   header_charset: str | None = None, time_budget: float | None = None) -> Article:
    """The article in `data`. `base_url` resolves relative links (and names the site) for HTML;
    `time_budget` (seconds) stops a PDF from starting more pages."""
    if kind == "pdf":
        return extract_pdf(data, url=url, time_budget=time_budget)
    utf16 = (header_charset or "").strip().lower().replace("_", "-").startswith(("utf-16", "utf16"))
    if not utf16 and looks_binary(data):   # an archive, a program, noise (or a server calling one text/html)
        raise NotAnArticle(NOT_TEXT)
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
