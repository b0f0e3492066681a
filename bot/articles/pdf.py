"""PDF documents to `Article`s with pypdf: text per page, lines re-flowed into paragraphs."""

from __future__ import annotations

import io
import logging
import re
import statistics
from urllib.parse import urlsplit

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from bot.app.errors import NotAnArticle
from bot.articles.language import choose_language
from bot.articles.model import Article

logger = logging.getLogger(__name__)

MAX_PAGES = 150           # bounds CPU time on huge reports; the start is what a summary needs
MIN_WORDS = 30
MSG_UNREADABLE = "I couldn't read that PDF."
MSG_NO_TEXT = "That PDF has no text I can read (it may be a scan)."
_SENTENCE_END = ('.', '!', '?', ':', '"', '”', '»', ')')


def extract_pdf(data: bytes, *, url: str) -> Article:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAnArticle(MSG_UNREADABLE)
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
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
