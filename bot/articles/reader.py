"""Glue: a URL (or a file, for the CLI) in, an `Article` out."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bot.app.errors import FetchRefused, NotAnArticle
from bot.articles.decode import decode_body
from bot.articles.extract import extract_html, extract_pdf, extract_text
from bot.articles.fetch import MSG_BAD_URL, MSG_SCHEME, Fetcher, FetchResult
from bot.articles.model import Article
from bot.articles.urls import canonicalize, skip_reason

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
NOT_TEXT = "That is not a web page, text or PDF file."
# WHATWG MIME sniffing: a "binary data byte" in the first 1445 bytes means the resource is not text
# (gzip, executables, images and random bytes all have them; text in any encoding we read does not).
_BINARY_BYTE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")
SNIFF_BYTES = 1445
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


async def read_article(url: str, fetcher: Fetcher) -> Article:
    """Fetch and extract `url`. Article.url is the canonical URL, final_url where redirects landed.

    Raises the ArticleError subclasses (FetchRefused, FetchFailed, NotAnArticle, TeaserOnly).
    """
    canonical = article_url(url)
    result = await fetcher.fetch(canonical)
    article = await asyncio.to_thread(_extract_result, result, canonical)
    return dataclasses.replace(article, url=canonical, final_url=result.final_url)


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no text (a UTF-16 text starts with its byte order mark)."""
    head = data[:SNIFF_BYTES]
    return not head.startswith(_TEXT_BOMS) and _BINARY_BYTE.search(head) is not None


def _extract_result(result: FetchResult, url: str) -> Article:
    if result.content_type == "application/pdf":
        return extract_pdf(result.body, url=url)
    if looks_binary(result.body):   # a server calling an archive or a program text/html
        raise NotAnArticle(NOT_TEXT)
    if result.content_type == "text/plain":
        return extract_text(result.text or "", url=url)
    # The final URL: relative links resolve against it, and its host is the site when none is named.
    return extract_html(result.text or "", url=result.final_url)


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
    kind = _sniff(data, name)
    if kind == "pdf":
        return extract_pdf(data, url=url)
    if looks_binary(data):
        raise NotAnArticle(NOT_TEXT)
    text, _ = decode_body(data, html=kind == "html")
    if kind == "html":
        return extract_html(text, url=url)
    return extract_text(text, url=url)


def _sniff(data: bytes, name: str) -> str:
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
