"""Boilerplate removal around trafilatura: HTML pre-cleaning and a paragraph post-filter.

The patterns are the furniture real CMSes put around and inside articles (share bars, related links,
ad slots, captions, newsletter boxes, cookie banners, comment threads, decks and bylines). Removal is
guarded: an element that holds a large share of the page's text is never removed, whatever its class
says, because some sites put words like "comments" or "share" on the article wrapper itself.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from copy import deepcopy

from lxml import html as lxml_html
from lxml.etree import _Element
from lxml.html import HtmlElement

# Elements that never carry visible article text, and visible ones that never carry the article's.
INVISIBLE_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
})
_FURNITURE_TAGS = frozenset({
    "button", "input", "select", "textarea", "label", "nav", "figcaption", "dialog", "aside",
})
# Furniture recognised by class or id (matched between -, _ or space boundaries).
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:"
    r"ads?|ad-?slot|advert\w*|dfp|gpt-ad|div-gpt-ad\w*|publicidad|anuncio\w*|robapaginas|sponsor\w*"
    r"|outbrain|taboola|promo\w*"
    r"|share\w*|sharing|sharedaddy|social\w*|compartir"
    r"|related\w*|relacionad\w*|recommend\w*|read-?more|more-stories|more-from|more-features|most-read"
    r"|mostread|most-popular|trending|lo-mas-leido|te-puede-interesar"
    r"|newsletter\w*|boletin|sign-?up|subscribe\w*|subscription\w*|enews\w*"
    r"|cookie\w*|consent\w*|gdpr|cmp|onetrust\w*|cmplz\w*"
    r"|comments?|comment-\w+|comentarios?|disqus\w*|respond|responses?"
    r"|breadcrumbs?|pagination|post-navigation|skip-link|screen-reader-text|sr-only|visually-hidden"
    r"|nav|navbar|menu\w*"
    r"|captions?|wp-caption-text|pie-foto|pie-de-foto|photo-credit|credits?"
    r"|pull-?quote\w*"
    r"|author-bio|author-box|author-card|about-author|bio"
    r"|tags|tag-list|etiquetas|topics"
    # decks, kickers and bylines: not body text
    r"|standfirst|subtitle|sub-?headline|dek|deck|entradilla|sumario|subtitulo|chapo|chapeau|excerpt"
    r"|kicker|overline|antetitulo|eyebrow|byline\w*|entry-meta|article-meta|story-meta|post-meta"
    r"|timestamp|reading-time"
    r")(?=$|[\s_-])",
    re.I,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "ul",
})
_GUARD_SHARE = 0.4     # never remove an element holding more than this share of the page's text
_LAYOUT_CELL_WORDS = 60
_LAYOUT_SHARE = 0.5   # a layout table holds at least this share of the page's text


# Chinese and Japanese are written without spaces between words: their characters are counted instead.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{CJK_CHARS}]")
_CJK_CHARS_PER_WORD = 2


def words(text: str) -> int:
    """Words in `text` (for Chinese and Japanese, two characters make a word)."""
    count = len(text.split())
    if text.isascii():
        return count
    cjk = len(_CJK.findall(text))
    return count + cjk // _CJK_CHARS_PER_WORD if cjk else count


def text_of(el: _Element) -> str:
    return " ".join(el.itertext())



def is_hidden(el: _Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def furniture_kind(el: _Element) -> str | None:
    """Why `el` is page furniture rather than article text ("invisible", "hidden", a tag name or the
    class/id word that marks it), or None."""
    tag = el.tag
    if not isinstance(tag, str):
        return None
    if tag in INVISIBLE_TAGS:
        return "invisible"
    if tag in _FURNITURE_TAGS or tag == "h1":  # the headline is the title, not body text
        return tag
    if is_hidden(el):
        return "hidden"
    if el.get("aria-hidden") == "true":
        return "aria-hidden"
    match = _BOILERPLATE.search(f"{el.get('class') or ''} {el.get('id') or ''}")
    return match.group(0).strip(" _-\t\n") if match else None


def find_furniture(root: _Element, keep: Callable[[_Element, str], bool]) -> list[tuple[_Element, str]]:
    """The outermost furniture elements under `root` with their kind, in document order. An element
    `keep` protects is not furniture itself, but furniture inside it still is."""
    found: list[tuple[_Element, str]] = []
    stack = list(reversed(root))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        kind = furniture_kind(el) if el.tag not in ("html", "body") else None
        if kind is not None and not keep(el, kind):
            found.append((el, kind))
            continue
        stack.extend(reversed(el))
    return found


def normalise(tree: HtmlElement) -> HtmlElement:
    """A copy of `tree` whose layout tables are divs; nothing removed. (trafilatura reads <br><br> text
    well enough itself: splitting it into <p>s changes its choices for the worse as often as not.)"""
    root = deepcopy(tree)
    _unwrap_layout_tables(root)
    return root


def prepare(tree: HtmlElement) -> HtmlElement:
    """A copy of `tree` without its furniture and with its structure repaired (used for the
    readability-style fallback). An element holding a large share of the page's text is kept whatever
    its class says, because some sites put words like "comments" or "share" on the article wrapper;
    hidden elements go whatever their size (paywalled remainders, templates, modal texts)."""
    root = deepcopy(tree)
    total = max(1, words(text_of(root)))

    def keep(el: _Element, kind: str) -> bool:
        return kind != "hidden" and words(text_of(el)) > total * _GUARD_SHARE

    for el, _ in find_furniture(root, keep):
        _drop(el)
    _unwrap_layout_tables(root)
    _split_br_paragraphs(root)
    return root


def _drop(el: _Element) -> None:
    """Remove `el` but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _unwrap_layout_tables(root: _Element) -> None:
    """Tables used for page layout (old sites) become divs, so their cells are judged as blocks. A layout
    table holds most of the page and has nested tables or cells that hold whole texts; a data table
    (ingredients, prices, an infobox) holds a part of it, whatever its cells contain."""
    if root.find(".//table") is None:
        return
    page_words = max(1, words(text_of(root)))
    for table in list(root.iter("table")):
        if words(text_of(table)) < _LAYOUT_SHARE * page_words:
            continue
        rows = table.xpath("./tr|./tbody/tr|./thead/tr|./tfoot/tr")
        cells = [c for r in rows for c in r if isinstance(c.tag, str) and c.tag in ("td", "th")]
        layout = bool(table.xpath(".//table")) or any(
            words(text_of(c)) > _LAYOUT_CELL_WORDS or c.xpath("./p|./div|./h1|./h2|./h3|./ul|./ol")
            for c in cells
        )
        if not layout:
            continue
        for el in [table, *table.xpath("./tbody|./thead|./tfoot"), *rows, *cells]:
            el.tag = "div"
            for attr in list(el.attrib):
                if attr not in ("class", "id"):
                    del el.attrib[attr]


def _split_br_paragraphs(root: _Element) -> None:
    """Text separated by <br><br> (old CMSes, forum posts) becomes real <p> paragraphs."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("p", "pre", "li", "td", "th", "html", "head", "body"):
            continue
        if _double_breaks(el) < 2:
            continue
        blocks = _blocks_between_breaks(el)
        for child in list(el):
            el.remove(child)
        el.text = None
        el.tag = "div"
        el.extend(blocks)


def _blocks_between_breaks(el: _Element) -> list[_Element]:
    children = list(el)
    out: list[_Element] = []
    current = lxml_html.Element("p")
    current.text = el.text
    i = 0
    while i < len(children):
        child = children[i]
        nxt = children[i + 1] if i + 1 < len(children) else None
        ends_paragraph = child.tag == "br" and nxt is not None and nxt.tag == "br"
        if (ends_paragraph and not (child.tail or "").strip()) or child.tag in _BLOCK_TAGS:
            if text_of(current).strip():
                out.append(current)
            current = lxml_html.Element("p")
            if child.tag in _BLOCK_TAGS:
                current.text, child.tail = child.tail, None
                out.append(child)
            else:
                assert nxt is not None
                current.text = nxt.tail
                i += 1
        elif child.tag == "br":
            current.append(lxml_html.Element("br"))
            current[-1].tail = child.tail
        else:
            current.append(child)  # moves it, tail included
        i += 1
    if text_of(current).strip():
        out.append(current)
    return out


def _double_breaks(el: _Element) -> int:
    return sum(
        1
        for a, b in itertools.pairwise(el)
        if a.tag == "br" and b.tag == "br" and not (a.tail or "").strip()
    )


# ---------------------------------------------------------------------------------------------------
# Paragraph post-filter

_LEAD_INS = re.compile(
    r"^\W*(?:also read|read more|read also|more on this|related|see also|recommended|lee también|lea también"
    r"|te puede interesar|le puede interesar|leia também|leia mais|à lire aussi|lire aussi|a lire aussi"
    r"|mehr zum thema|auch interessant|leggi anche)\s*[:：|»›—–-]",
    re.I,
)
_JUNK_EXACT = frozenset({
    "advertisement", "publicidad", "anuncio", "publicité", "werbung", "pubblicità", "publicidade",
    "sponsored", "sponsored content", "read more", "related", "share", "share this", "share this article",
    "share this story", "te puede interesar", "lee también", "more on this story", "skip advertisement",
})
_BYLINE_START = re.compile(r"^(?:by|written by|words by|por|par|von)\s+(.*)$", re.I | re.S)
_BYLINE_SEPARATORS = frozenset(",|·•–—-")
_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december noon midnight".split()
)
_COPYRIGHT = re.compile(r"^\W*(?:©|\(c\)|copyright\b)|all rights reserved|todos los derechos reservados", re.I)
_DATELINE = re.compile(
    r"^\W*(?:published|updated|posted|last updated|publicado|actualizado|publié|mis à jour|veröffentlicht"
    r"|aktualisiert|pubblicato|aggiornato)\b",
    re.I,
)
_UTILITY = re.compile(
    r"\b(?:e-?mail (?:this|to a friend)|printer[- ]friendly|print this|share this|comment on this"
    r"|report an error|reprints? and permissions)\b",
    re.I,
)
_NEWSLETTER = re.compile(r"\b(?:newsletter|boletín)\b", re.I)
_SIGN_UP = re.compile(r"\b(?:sign up|sign me up|subscribe|inbox|suscríbe\w*|apúntate)\b", re.I)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.findall(r"\w+", text))


def filter_paragraphs(paragraphs: list[str], *, title: str | None) -> list[str]:
    """Drop leftovers trafilatura kept: lead-ins to other stories, ad labels, bylines, title repeats,
    copyright lines, newsletter pitches and pull quotes that repeat the body."""
    norm_title = _norm(title) if title else ""
    kept: list[str] = []
    for i, para in enumerate(paragraphs):
        n = _norm(para)
        size = words(para)
        if not n or n in _JUNK_EXACT:
            continue
        if norm_title and (n == norm_title or (i < 3 and n.startswith(norm_title) and size < 40)):
            continue
        if size < 30 and _LEAD_INS.match(para):
            continue
        if size <= 12 and i < 3 and _is_byline(para):
            continue
        if size <= 12 and i < 4 and _DATELINE.match(para):
            continue
        if size < 30 and (_COPYRIGHT.search(para) or (size < 15 and _UTILITY.search(para))):
            continue
        if size < 40 and _NEWSLETTER.search(para) and _SIGN_UP.search(para):
            continue
        kept.append(para)
    return _drop_repeats(kept)


def find_byline(paragraphs: list[str]) -> str | None:
    """The author named by a 'By Jane Doe, Staff Writer' line near the top, if any."""
    for para in paragraphs[:4]:
        if words(para) <= 12 and _is_byline(para):
            match = _BYLINE_START.match(para.strip())
            assert match is not None
            name = re.split(r"\s+(?:[,|·•–—-]|and|y|et|und)\s+|,", match.group(1).strip(), maxsplit=1)[0]
            return name.strip() or None
    return None


def _is_byline(para: str) -> bool:
    """'By Jane Doe', 'By Jane Doe, Staff Writer', 'Por Lucía Etxeberria | Almendral', 'By Reuters'.
    Names are capitalised; 'By Tuesday, the river rose' is not a byline."""
    match = _BYLINE_START.match(para.strip())
    if not match:
        return False
    tokens = match.group(1).split()
    names = 0
    for token in tokens:
        if token in _BYLINE_SEPARATORS or token.lower() in {"and", "y", "et", "und"}:
            break
        if not token[0].isupper() or token.strip(",|").lower() in _CALENDAR_WORDS:
            return False
        names += 1
        if token[-1] in _BYLINE_SEPARATORS:
            break
    # A single capitalised word is a byline only on its own ("By Reuters").
    return 2 <= names <= 4 or (names == 1 and len(tokens) == 1)


def _drop_repeats(paragraphs: list[str]) -> list[str]:
    """Exact repeats and short paragraphs quoted from a longer one (pull quotes) go. Candidates for the
    longer one are found through an index of word 3-grams, so long pages cost no pairwise comparisons."""
    norms = [_norm(p) for p in paragraphs]
    index: dict[tuple[str, ...], set[int]] = {}
    for j, n in enumerate(norms):
        toks = n.split()
        for k in range(len(toks) - 2):
            index.setdefault(tuple(toks[k : k + 3]), set()).add(j)
    out: list[str] = []
    seen: set[str] = set()
    for i, (para, n) in enumerate(zip(paragraphs, norms, strict=True)):
        if n in seen:
            continue
        if 6 <= words(para) < 40 and _quoted_elsewhere(i, norms, index):
            continue
        seen.add(n)
        out.append(para)
    return out


def _quoted_elsewhere(i: int, norms: list[str], index: dict[tuple[str, ...], set[int]]) -> bool:
    toks = norms[i].split()
    postings = sorted((index.get(tuple(toks[k : k + 3]), set()) for k in range(len(toks) - 2)), key=len)
    if not postings:
        return False
    candidates = set(postings[0])
    for posting in postings[1:]:
        candidates &= posting
        if not candidates:
            return False
    needle = f" {norms[i]} "
    return any(j != i and len(norms[j]) > len(norms[i]) and needle in f" {norms[j]} " for j in candidates)
