"""Evidence for and against the paragraphs an extractor kept, from the page itself.

trafilatura's balanced extraction is the floor: we only take paragraphs away from it when the page says
they are something else (furniture it declares in HTML, pointers to other pages), and never on the
word of evidence that claims a large part of what trafilatura took for the article. Texts are compared
as sets of word 3-grams, so whitespace, markup and segmentation differences between readings do not
matter and every comparison is linear in the size of the page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml.etree import _Element

from bot.articles.htmlclean import CJK_CHARS, INVISIBLE_TAGS, text_of

# Words; in Chinese and Japanese, which have no spaces, each character.
_TOKEN = re.compile(f"[{CJK_CHARS}]|[^\\W{CJK_CHARS}]+")
_N = 3
# Furniture the page's author declared in HTML itself. Guesses from class names ("promo", "excerpt",
# "subtitle"), headlines and hidden blocks cost more article text than furniture on real pages
# (bench/extract.py), so they are not evidence here; prepare() still uses them for the fallback.
EVIDENCE_KINDS = frozenset({"nav", "aside", "figcaption", "dialog", "button", "select", "textarea"})
PROTECT_SHARE = 0.25   # furniture holding this share of the extracted body is the article's wrapper
FURNITURE_SHARE = 0.8  # a paragraph this much inside furniture is furniture
_SHORT_TOKENS = 4      # furniture blocks this short are also matched whole (too short for 3-grams)
# "<one to four words><separator> <the text of a link>": a pointer to another page ("See also: …").
_LEAD_IN = re.compile(r"^\W*(?:\w+[^\w\n]+){0,3}?\w+\s*[:»›|>]+\s*")
_LEAD_IN_MAX_TOKENS = 30


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def shingles(toks: list[str]) -> set[int]:
    return {hash(tuple(toks[i : i + _N])) for i in range(len(toks) - _N + 1)}


def body_shingles(paragraphs: Iterable[str]) -> set[int]:
    out: set[int] = set()
    for para in paragraphs:
        out |= shingles(tokens(para))
    return out


def closest_to_consensus(candidates: list[list[str]]) -> int | None:
    """The index of the candidate text closest (F1 over word 3-grams) to the text that at least two
    candidates share; the earliest on a tie; None when no two candidates share anything."""
    grams = [body_shingles(c) for c in candidates]
    counts = Counter(g for own in grams for g in own)
    agreed = {g for g, n in counts.items() if n >= 2}
    if not agreed:
        return None

    def f1(own: set[int]) -> float:
        shared = len(own & agreed)
        return 2 * shared / (len(own) + len(agreed)) if shared else 0.0

    return max(range(len(candidates)), key=lambda i: (f1(grams[i]), -i))


@dataclass(slots=True)
class Furniture:
    """The text of the furniture a page declares."""

    shingles: set[int] = field(default_factory=set)
    short: set[str] = field(default_factory=set)   # whole texts of short furniture blocks

    def holds(self, paragraph: str) -> bool:
        toks = tokens(paragraph)
        if len(toks) < _N:
            return bool(toks) and " ".join(toks) in self.short
        grams = shingles(toks)
        return len(grams & self.shingles) >= FURNITURE_SHARE * len(grams)


def furniture_evidence(root: _Element, body: set[int]) -> Furniture:
    """The declared furniture of `root`, judged against `body` (the extraction being judged). An element
    holding a large part of `body` is the article's wrapper, whatever its tag; so is a kind of furniture
    whose elements together hold a large part of it (an article laid out in <aside>s): only the
    furniture inside those counts."""
    need = PROTECT_SHARE * len(body)
    found: list[tuple[str, set[int], list[str]]] = []
    taken: set[_Element] = set()
    for el in root.iter(*EVIDENCE_KINDS, *INVISIBLE_TAGS):  # document order, outer before inner
        if any(a in taken for a in el.iterancestors()):
            continue
        if el.tag in INVISIBLE_TAGS:
            # scripts and styles are nobody's text; what trafilatura finds there (JSON bodies) it meant to
            taken.add(el)
            continue
        pieces = [t for t in el.itertext() if t.strip()]
        grams = shingles(tokens(" ".join(pieces)))
        if body and len(grams & body) >= need:
            continue  # a wrapper: look inside it
        taken.add(el)
        found.append((str(el.tag), grams, pieces))
    by_kind: dict[str, set[int]] = {}
    for kind, grams, _ in found:
        by_kind.setdefault(kind, set()).update(grams & body)
    structural = {kind for kind, held in by_kind.items() if body and len(held) >= need}
    evidence = Furniture()
    for kind, grams, pieces in found:
        if kind in structural:
            continue
        evidence.shingles |= grams
        for piece in pieces:
            toks = tokens(piece)
            if len(toks) <= _SHORT_TOKENS:
                evidence.short.add(" ".join(toks))
    return evidence


def anchor_texts(root: _Element) -> set[int]:
    """The texts of the page's links (two words or more), hashed."""
    out: set[int] = set()
    for a in root.iter("a"):
        toks = tokens(text_of(a))
        if len(toks) >= 2:
            out.add(hash(tuple(toks)))
    return out


def link_lead_ins(paragraphs: list[str], root: _Element) -> set[int]:
    """Indexes of the paragraphs that point to another page: 'See also: <a link's text>' in any language,
    a short label, a separator, then exactly the text of a link on the page. List items and table rows
    are content (a list of links is the article's)."""
    rests: dict[int, int] = {}
    for i, para in enumerate(paragraphs):
        match = None if para.startswith(("- ", "* ", "|")) else _LEAD_IN.match(para)
        if match is not None:
            rest = tokens(para[match.end() :])
            if 2 <= len(rest) <= _LEAD_IN_MAX_TOKENS:
                rests[i] = hash(tuple(rest))
    if not rests:
        return set()  # most pages: no need to read every link
    anchors = anchor_texts(root)
    return {i for i, rest in rests.items() if rest in anchors}
