"""PDF documents to `Article`s with pypdf: text per page, lines re-flowed into paragraphs.

A PDF is a program, and a small one can expand into hours of work (150 pages sharing one 6 MB content
stream), so reading is bounded: pages, decoded content (counted per page, as the work is), extracted
characters and, when the caller gives one, time. Past a bound the text read so far is kept; the caller
runs this in a worker it can stop, for whatever a single page can still cost.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from pypdf import PageObject, PdfReader, apply_configuration
from pypdf.errors import PyPdfError

from bot.app.errors import NotAnArticle
from bot.articles.language import choose_language
from bot.articles.model import Article

logger = logging.getLogger(__name__)

MAX_PAGES = 150           # bounds CPU time on huge reports; the start is what a summary needs
MAX_CONTENT_BYTES = 8_000_000   # decoded page content read, all pages together: about 3 s of pypdf's parsing
MAX_TEXT_CHARS = 500_000        # more than summaries read (see bot/articles/model.py)
MAX_STREAM_BYTES = 32_000_000   # any one decoded stream (pypdf's own default is 75 MB)
MIN_WORDS = 30
MSG_UNREADABLE = "I couldn't read that PDF."
MSG_NO_TEXT = "That PDF has no text I can read (it may be a scan)."
MSG_TOO_COMPLEX = "That PDF is too complex for me to read."
_SENTENCE_END = ('.', '!', '?', ':', '"', '”', '»', ')')


def extract_pdf(data: bytes, *, url: str, time_budget: float | None = None) -> Article:
    """The article in a PDF; with `time_budget` (seconds), no page is started after it is spent."""
    stop_at = None if time_budget is None else time.monotonic() + time_budget
    try:
        with apply_configuration(
                zlib_maximum_output_length=MAX_STREAM_BYTES, lzw_maximum_output_length=MAX_STREAM_BYTES,
                run_length_maximum_output_length=MAX_STREAM_BYTES, brotli_maximum_output_length=MAX_STREAM_BYTES,
                array_based_stream_maximum_output_length=MAX_STREAM_BYTES):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise NotAnArticle(MSG_UNREADABLE)
            pages = _page_texts(reader.pages, url, stop_at)
            meta_title = (reader.metadata.title if reader.metadata else None) or None
            meta_author = (reader.metadata.author if reader.metadata else None) or None
    except NotAnArticle:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AssertionError) as exc:
        logger.info("unreadable PDF at %s: %r", url, exc)
        raise NotAnArticle(MSG_UNREADABLE) from exc
    lines = [" ".join(line.split()) for page in pages for line in page.splitlines()]
    paragraphs = reflow(lines)
    title = meta_title.strip() if isinstance(meta_title, str) and meta_title.strip() else None
    if paragraphs and title and paragraphs[0].startswith(title) and paragraphs[0] != title:
        paragraphs[0] = paragraphs[0][len(title):].strip()
    if paragraphs and (title is None or paragraphs[0] == title):
        first = paragraphs[0]
        if title is None and len(first) <= 150 and not first.endswith((".", ",", ";")):
            title = first
        if paragraphs[0] == title:
            paragraphs = paragraphs[1:]
    text = "\n\n".join(paragraphs)
    if len(text.split()) < MIN_WORDS:
        raise NotAnArticle(MSG_NO_TEXT)
    return Article(
        url=url, text=text, title=title,
        author=meta_author.strip() if isinstance(meta_author, str) and meta_author.strip() else None,
        site=urlsplit(url).hostname or None, language=choose_language(None, text),
        content_type="application/pdf",
    )


def _page_texts(pages: Iterable[PageObject], url: str, stop_at: float | None) -> list[str]:
    """Text of the first pages, up to the bounds; a page that would cross one is not started, and a page
    pypdf cannot read after others were read ends the document there."""
    texts: list[str] = []
    content = chars = 0
    for number, page in enumerate(pages):
        try:
            why = None
            if number >= MAX_PAGES:
                why = f"{MAX_PAGES} pages"
            elif stop_at is not None and time.monotonic() > stop_at:
                why = "the time budget"
            else:
                stream = page.get_contents()
                content += len(stream.get_data()) if stream is not None else 0
                if content > MAX_CONTENT_BYTES:
                    why = f"{MAX_CONTENT_BYTES:,} bytes of page content"
            if why is None:
                text = (page.extract_text() or "")[:MAX_TEXT_CHARS - chars]
        except PyPdfError as exc:
            if not texts:
                raise
            why = repr(exc)
        if why is not None:
            logger.info("PDF at %s: read %d pages, stopped at %s", url, number, why)
            if not texts:
                raise NotAnArticle(MSG_TOO_COMPLEX)
            break
        texts.append(text)
        chars += len(text)
        if chars >= MAX_TEXT_CHARS:
            logger.info("PDF at %s: stopped after %d pages at %d characters", url, number + 1, chars)
            break
    return texts


def reflow(lines: list[str]) -> list[str]:
    """Join wrapped lines into paragraphs: a blank line, or a short line ending a sentence, ends one;
    a short line on its own without end punctuation is a heading."""
    lengths = [len(line) for line in lines if line]
    typical = statistics.median(lengths) if lengths else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        heading = not current and len(line) < 0.6 * typical and not line.endswith((",", "-", ";"))
        hyphenated = current.endswith("-") and line[:1].islower()  # a word split at the line end
        current = current[:-1] + line if hyphenated else f"{current} {line}".strip()
        if heading or (line.endswith(_SENTENCE_END) and len(line) < 0.85 * typical):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return [re.sub(r"\s+", " ", p).strip() for p in paragraphs if p.strip()]
