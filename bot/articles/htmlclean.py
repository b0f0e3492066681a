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
from copy import deepcopy

from lxml import html as lxml_html
from lxml.etree import _Element
from lxml.html import HtmlElement

# Elements that never carry article text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
    "button", "input", "select", "textarea", "label", "nav", "figcaption", "dialog", "aside",
)
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


def words(text: str) -> int:
    return len(text.split())


def _text(el: _Element) -> str:
    return " ".join(el.itertext())


def is_hidden(el: _Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def prepare(tree: HtmlElement) -> HtmlElement:
    """A cleaned copy of `tree`, ready for trafilatura (the original is left alone for metadata)."""
    root = deepcopy(tree)
    total = max(1, words(_text(root)))

    def removable(el: _Element) -> bool:
        return el is not root and el.tag not in ("html", "body") and words(_text(el)) <= total * _GUARD_SHARE

    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None and removable(el):
            _drop(el)
    # Hidden elements are not what readers see (paywalled remainders, templates, modal texts).
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and is_hidden(el):
            _drop(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        aria_hidden = el.get("aria-hidden") == "true"
        if (el.tag == "h1" or aria_hidden or _BOILERPLATE.search(marks)) and removable(el):
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
    """Tables used for page layout (old sites) become divs, so their cells are judged as blocks."""
    for table in list(root.iter("table")):
        rows = table.xpath("./tr|./tbody/tr|./thead/tr|./tfoot/tr")
        cells = [c for r in rows for c in r if isinstance(c.tag, str) and c.tag in ("td", "th")]
        layout = bool(table.xpath(".//table")) or any(
            words(_text(c)) > _LAYOUT_CELL_WORDS or c.xpath("./p|./div|./h1|./h2|./h3|./ul|./ol")
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
            if _text(current).strip():
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
    if _text(current).strip():
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
    """Exact repeats and short paragraphs quoted from a longer one (pull quotes) go."""
    norms = [_norm(p) for p in paragraphs]
    out: list[str] = []
    seen: set[str] = set()
    for i, (para, n) in enumerate(zip(paragraphs, norms, strict=True)):
        if n in seen:
            continue
        quoted = 6 <= words(para) < 40 and any(
            j != i and len(m) > len(n) and f" {n} " in f" {m} " for j, m in enumerate(norms)
        )
        if quoted:
            continue
        seen.add(n)
        out.append(para)
    return out
