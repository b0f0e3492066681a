"""Glue: a URL (or a file, for the CLI) in, an `Article` out."""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bot.app.errors import FetchRefused, NotAnArticle
from bot.articles.fetch import MSG_BAD_URL, MSG_SCHEME, Fetcher
from bot.articles.model import Article
from bot.articles.parse import Kind, parse_document, parse_fetched
from bot.articles.urls import canonicalize, skip_reason
from bot.util.workers import Workers, WorkersClosed, WorkFailed, WorkTimeout

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
MSG_TOO_SLOW = "That page took too long to read."
MSG_UNREADABLE = "I couldn't read that page."
# Reading a page gets what is left of the fetch timeout (at least MIN_PARSE_S), less a margin for the summary
# that follows; a PDF stops starting pages after PDF_SHARE of it, so it ends with a partial text in time.
PARSE_SHARE, PDF_SHARE, MIN_PARSE_S = 0.8, 0.6, 2.0
_HTML_EXTENSIONS = {".html", ".htm", ".xhtml", ".shtml"}


def article_url(url: str) -> str:
    """The canonical URL of a link that may be an article; raises FetchRefused or NotAnArticle otherwise."""
    if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        raise FetchRefused(MSG_SCHEME)
    try:
        canonical = canonicalize(url)
    except ValueError as exc:
        raise FetchRefused(MSG_BAD_URL) from exc
    reason = skip_reason(canonical)
    if reason is not None:
        raise NotAnArticle(f"That link is not an article ({reason}).")
    return canonical


async def read_article(url: str, fetcher: Fetcher, workers: Workers) -> Article:
    """Fetch `url`, then decode and extract it in a worker, all within the fetch timeout. Article.url is
    the canonical URL, final_url where redirects landed.

    Raises the ArticleError subclasses (FetchRefused, FetchFailed, NotAnArticle, TeaserOnly).
    """
    canonical = article_url(url)
    started = time.monotonic()
    result = await fetcher.fetch(canonical)
    left = fetcher.policy.total_timeout - (time.monotonic() - started)
    deadline = max(MIN_PARSE_S, left * PARSE_SHARE)
    try:
        article = await workers.run(parse_fetched, result, canonical, timeout=deadline,
                                    time_budget=deadline * PDF_SHARE)
    except WorkersClosed:
        raise                                       # shutting down: not the page's fault, nothing to cache
    except WorkTimeout as exc:
        raise NotAnArticle(MSG_TOO_SLOW) from exc
    except WorkFailed as exc:                       # the worker died (a parser crashed, out of memory)
        raise NotAnArticle(MSG_UNREADABLE) from exc
    return dataclasses.replace(article, url=canonical, final_url=result.final_url)


def read_file(path: str | Path) -> Article:
    """Extract a local .html/.txt/.pdf file, or standard input for "-" (the kind is sniffed when the
    suffix does not tell)."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        with Path(path).open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise NotAnArticle("That file is too large to summarise.")
    return read_bytes(data, name=str(path))


def read_bytes(data: bytes, *, name: str) -> Article:
    """Extract a document given as bytes; `name` is a file name or "-" for standard input."""
    url = "stdin:" if name == "-" else Path(name).resolve().as_uri()
    return parse_document(data, kind=_sniff(data, name), url=url)


def _sniff(data: bytes, name: str) -> Kind:
    if data.startswith(b"%PDF-"):
        return "pdf"
    suffix = Path(name).suffix.lower() if name != "-" else ""
    if suffix in _HTML_EXTENSIONS:
        return "html"
    if suffix in (".txt", ".text", ".md"):
        return "text"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<meta", b"<!--")):
        return "html"
    return "text"
