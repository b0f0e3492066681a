"""From a fetched page to an `Article`: body text plus metadata. Sync and CPU-bound: the bot runs it in its
worker pool (bot/articles/parse.py).

HTML: metadata from the untouched page (trafilatura). The body is trafilatura's balanced extraction
(reader comments left out: they are not the article) of the page with its layout tables turned into
blocks. That reading is the floor: we never do worse than trafilatura alone. From it we take away only
what the page itself shows to be something else: paragraphs inside furniture the page declares (nav,
aside, figcaption, dialog, form controls) unless that furniture holds a large part of the extraction,
pointers to other pages ("See also: <a link's text>"), and the leftovers the paragraph post-filter
knows. When trafilatura finds little, its recall mode, a readability-style fallback and the JSON-LD
articleBody may replace its reading, but only one that agrees with it. A page is refused when even
that is nearly empty, or when the page shows it is a teaser (paywall.py). bench/extract.py measures
all this against trafilatura alone on 884 real pages.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import urlsplit

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError, _Element
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document, use_config
from trafilatura.utils import load_html

from bot.app.errors import NotAnArticle, TeaserOnly
from bot.articles import consensus, htmlclean
from bot.articles.language import choose_language
from bot.articles.model import Article
from bot.articles.paywall import json_ld, locked_by_metadata, teaser_reasons
from bot.articles.pdf import extract_pdf

__all__ = ["MIN_WORDS", "extract_html", "extract_pdf", "extract_text"]

logger = logging.getLogger(__name__)

MIN_WORDS = 30            # less than this is not an article (error pages, empty shells)
_ENOUGH_WORDS = 80        # below this, the fallbacks get a chance to find more
_MAX_TREE_SIZE = 60_000   # elements; bigger documents are cut to bound CPU time
_FAST_ABOVE_CHARS = 2_000_000  # huge pages skip trafilatura's second opinions (readability, justext)
MSG_NO_TEXT = "I couldn't find any article text on that page."
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(_MAX_TREE_SIZE))
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # it uses signals, which only work in the main thread
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·»]\s+|\s+::\s+")


def extract_html(html: str, *, url: str) -> Article:
    """The article in `html` (already decoded). Raises NotAnArticle or TeaserOnly."""
    tree = _parse(html)
    if tree is None:
        raise NotAnArticle(MSG_NO_TEXT)
    meta = extract_metadata(tree, default_url=url)
    title = _better_title(meta.title, tree)
    page = htmlclean.normalise(tree)
    raw_paragraphs = _body_paragraphs(page, tree, url, fast=len(html) > _FAST_ABOVE_CHARS)
    paragraphs = _without_furniture(raw_paragraphs, page, title)
    text = "\n\n".join(paragraphs)
    if teaser_reasons(tree, paragraphs):
        raise TeaserOnly()
    count = htmlclean.words(text)
    if count < MIN_WORDS:
        logger.info("no article text at %s (%d words)", url, count)
        raise NotAnArticle(MSG_NO_TEXT)
    host = urlsplit(url).hostname
    site = meta.sitename if meta.sitename and meta.sitename != meta.hostname else _site_from_title(tree, title)
    return Article(
        url=url,
        text=text,
        title=title,
        author=meta.author or htmlclean.find_byline(raw_paragraphs),
        date=(meta.date or None) and str(meta.date)[:10],
        site=site or host,
        language=choose_language(_declared_language(tree) or meta.language, text),
        image=meta.image or None,
        content_type="text/html",
        extra={"description": meta.description} if meta.description else {},
    )


def _parse(html: str) -> lxml_html.HtmlElement | None:
    if not html or not html.strip():
        return None
    try:
        tree = load_html(html)
    except (ParserError, ValueError):
        return None
    if tree is None or not isinstance(tree, lxml_html.HtmlElement):
        return None
    return tree


def _body_paragraphs(page: _Element, original: _Element, url: str, *, fast: bool) -> list[str]:
    """trafilatura's balanced extraction. When it finds little, its recall mode, the readability-style
    fallback and the JSON-LD articleBody are read too, and the reading closest to what they agree on
    wins (trafilatura's on a tie): a short complete post must not give way to a longer sidebar that
    only one of them saw. When they agree on nothing, the fullest reading wins."""
    balanced = _trafilatura(page, url, fast=fast)
    if htmlclean.words(" ".join(balanced)) >= _ENOUGH_WORDS:
        return balanced
    logger.debug("trafilatura found little at %s; trying fallbacks", url)
    candidates = [
        balanced,
        _trafilatura(page, url, fast=fast, favor_recall=True),
        _densest_block(htmlclean.prepare(page)),
    ]
    if not locked_by_metadata(original):  # a paywalled page's JSON-LD body is not for us to read
        candidates.append(_json_ld_body(original))
    best = consensus.closest_to_consensus(candidates)
    if best is None:
        return max(candidates, key=lambda ps: htmlclean.words(" ".join(ps)))
    return candidates[best]


def _trafilatura(page: _Element, url: str, *, fast: bool, favor_recall: bool = False) -> list[str]:
    doc = trafilatura.bare_extraction(
        page, url=url, fast=fast, favor_recall=favor_recall, include_comments=False, include_tables=True,
        include_images=False, include_links=False, with_metadata=False, deduplicate=False, config=_CONFIG,
    )  # it works on a copy of `page`
    return _lines(doc.text if isinstance(doc, Document) else None)


def _without_furniture(paragraphs: list[str], page: _Element, title: str | None) -> list[str]:
    """`paragraphs` less what the page shows to be furniture. When that would leave less than an
    article's worth of a text trafilatura found long enough, the text stays whole: the evidence may be
    wrong, the floor is not."""
    furniture = consensus.furniture_evidence(page, consensus.body_shingles(paragraphs))
    pointers = consensus.link_lead_ins(paragraphs, page)
    kept = [p for i, p in enumerate(paragraphs) if i not in pointers and not furniture.holds(p)]
    kept = htmlclean.filter_paragraphs(kept, title=title)
    if htmlclean.words(" ".join(kept)) < MIN_WORDS <= htmlclean.words(" ".join(paragraphs)):
        return paragraphs
    return kept


def _lines(text: str | None) -> list[str]:
    if not text:
        return []
    # NFC, as trafilatura's own text output: the same word is the same code points wherever it came from
    text = unicodedata.normalize("NFC", text)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _densest_block(root: _Element) -> list[str]:
    """Readability-style fallback: the container whose direct <p> children hold the most text."""
    scores: dict[_Element, int] = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is None:
            continue
        n = htmlclean.words(" ".join(p.itertext()))
        link_words = sum(htmlclean.words(" ".join(a.itertext())) for a in p.iter("a"))
        if n < 8 or link_words > n / 2:
            continue
        scores[parent] = scores.get(parent, 0) + n
    if not scores:
        return []
    best = max(scores, key=lambda el: scores[el])
    blocks = best.xpath(".//p|.//h2|.//h3|.//h4|.//li|.//blockquote[not(.//p)]")
    return _lines("\n".join(" ".join(" ".join(b.itertext()).split()) for b in blocks))


def _json_ld_body(tree: _Element) -> list[str]:
    for block in json_ld(tree):
        for obj in block if isinstance(block, list) else [block]:
            body = obj.get("articleBody") if isinstance(obj, dict) else None
            if isinstance(body, str) and body.strip():
                return _lines(body)
    return []


def _better_title(title: str | None, tree: _Element) -> str | None:
    """trafilatura sometimes keeps the site half of '<Site> - <Headline>'. The page's own headings say
    which half is the headline; without them, the longer half is."""
    raw = tree.findtext(".//title") or ""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(raw) if p.strip()]
    if title and len(parts) > 1 and title.strip() in parts and len(title.split()) <= 4:
        headings = {_folded(" ".join(h.itertext())) for h in tree.iter("h1", "h2")}
        longest = max(parts, key=len)
        title_is_heading, longest_is_heading = _folded(title) in headings, _folded(longest) in headings
        if title_is_heading != longest_is_heading:
            return longest if longest_is_heading else title
        if len(longest.split()) > len(title.split()):
            return longest
    return title or (raw.strip() or None)


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _site_from_title(tree: _Element, title: str | None) -> str | None:
    raw = tree.findtext(".//title") or ""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(raw) if p.strip()]
    # Site names sit at either end of "<Site> - <Headline>" / "<Headline> | <Site>" and are short.
    ends = [p for p in (parts[0], parts[-1]) if p != title and len(p.split()) <= 5] if len(parts) > 1 else []
    return min(ends, key=len) if ends else None


def _declared_language(tree: _Element) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        return lang
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("http-equiv") or meta.get("name") or "").lower()
        if key in ("og:locale", "content-language", "language", "dc.language") and meta.get("content"):
            return meta.get("content")
    return None


def extract_text(text: str, *, url: str) -> Article:
    """A text/plain document: paragraphs are blank-line separated; a short first line is the title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) == 1 and "\n" in text.strip():  # one paragraph per line, no blank lines
        blocks = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    title = None
    if len(blocks) > 1 and len(blocks[0]) <= 150 and not blocks[0].endswith((".", ",", ";")):
        title, blocks = blocks[0], blocks[1:]
    body = "\n\n".join(blocks)
    if htmlclean.words(body) < MIN_WORDS:
        raise NotAnArticle(MSG_NO_TEXT)
    return Article(
        url=url, text=body, title=title, site=urlsplit(url).hostname or None,
        language=choose_language(None, body), content_type="text/plain",
    )
