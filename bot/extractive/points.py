"""From article sentences to the lines of a summary: whole quotations, cut only where a sentence allows.

A quotation that runs over several sentences is one unit, so a point never opens a quote it does not close.
A unit too long for its style is shortened at a sentence-internal boundary (", which", "; ", " — "…),
keeping the main clause; one that cannot be shortened so is not used. Nothing is ever cut mid-clause
with "…". Bullet fragments drop the lead-in attribution, parentheticals and the closing full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extractive.text import Span, content_tokens, normalize_for_match, split_sentences

# Where a sentence can end early and still say its main thing. Never before "but", "though", "despite",
# "while": those qualify the claim, and a summary must not drop the hedge.
_CLAUSE_CUT = re.compile(
    r"(?:,\s+(?=(?:which|who|whose|whom|where|saying|adding|noting|according|as\s+well\s+as|including|"
    r"perhaps|with|after|before|because|amid|as|since|when|following|citing|prompting|leaving|making)\b)|"
    r";\s+|\s+[—–]\s+|\s+\()"
)
_HEDGE = re.compile(r"(?:but|though|although|despite|while|whereas|even|yet|except|unless|not|only|if|"
                    r"or|nor|without)\b")
_LEAD_IN = re.compile(
    r"^(?:(?:on|in|at|by|last|early|late|earlier|later|this|since|after|before)\s+(?:[^,]{2,30}?)"
    r"(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?,\s+(?=[a-z]|[A-Z][a-z]+\s+[a-z])|according\s+to\s+[^,]{3,60},\s+|(?:however|meanwhile|for\s+(?:his|her|their|its)\s+part|in\s+addition|"
    r"additionally|moreover|separately|also|still|instead|nonetheless|then),\s+)",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^()]{1,80}\)")
_END = re.compile(r"[\s,;:—–-]+$")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)[\"'”’)\]»]*$")
_ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.){2,}$|^(?:[A-Z][a-z]{0,3}|etc|approx|[A-Z])\.$")
_FINAL = re.compile(r"[.!?…][\"'”’)\]»]*$")


FRAGMENT_WORDS = 28     # a bullet fragment reads at a glance...
FRAGMENT_MIN_WORDS = 9  # ...and still says something


@dataclass(frozen=True, slots=True)
class Unit:
    start: int
    end: int
    text: str
    balanced: bool      # every quotation it opens, it closes


def _quote_depth(text: str) -> int:
    """Quotation marks opened and left open in `text` (negative: it closes one opened before it).

    Single quotes are left out: "’" is also the apostrophe."""
    depth = sum(text.count(c) for c in "“«") - sum(text.count(c) for c in "”»")
    if text.count('"') % 2:
        first = text.index('"')
        depth += 1 if first == 0 or text[first - 1].isspace() or text[first - 1] in "([" else -1
    return depth


def balanced(text: str) -> bool:
    return _quote_depth(text) == 0 and text.count("(") == text.count(")")


def units(text: str, spans: list[Span], *, max_join: int = 4) -> list[Unit]:
    """Sentences, with a quotation spread over consecutive sentences of one paragraph joined into one."""
    out: list[Unit] = []
    i = 0
    while i < len(spans):
        j = i
        depth = _quote_depth(spans[i].text)
        while depth > 0 and j + 1 < len(spans) and j - i + 1 < max_join \
                and "\n" not in text[spans[j].end:spans[j + 1].start]:
            j += 1
            depth += _quote_depth(spans[j].text)
        start, end = spans[i].start, spans[j].end
        piece = text[start:end]
        out.append(Unit(start, end, piece, balanced(piece)))
        i = j + 1
    return out


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = normalize_for_match(text).split()
    return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}


def near_duplicate(a: str, b: str) -> bool:
    """Same statement twice: word-trigram Jaccard above 0.5 or one's content words inside the other's."""
    ta, tb = _trigrams(a), _trigrams(b)
    if ta and tb and len(ta & tb) / len(ta | tb) > 0.5:
        return True
    ca, cb = set(content_tokens(a)), set(content_tokens(b))
    small = min(len(ca), len(cb))
    return small >= 3 and len(ca & cb) / small >= 0.8


def _close(head: str, fragment: bool) -> str:
    head = _END.sub("", head)
    if fragment:
        last = head.split()[-1] if head.split() else ""
        return head if _ABBREVIATION.match(last) or not last.endswith(".") else head[:-1]
    return head if _FINAL.search(head) else head + "."


def squeeze(text: str) -> str:
    """Without its lead-in ("According to the police, ", "On Monday, ") and short parentheticals."""
    text = _LEAD_IN.sub("", " ".join(text.split()))
    return _PAREN.sub("", text[:1].upper() + text[1:])


def _in_a_series(text: str, comma: int) -> bool:
    """The comma separates items of a series ("mud, rocks and trees", "deny entry, freeze assets, and
    place…"), not clauses: an "and" or "or" follows closely, or a short item stands before it."""
    following = text[comma + 1:].split()[:4]
    before = text[:comma].rsplit(",", 1)
    return any(w in ("and", "or") for w in following[1:]) or (len(before) == 2 and len(before[1].split()) <= 4)


def shorten(text: str, limit: int, *, fragment: bool = False, squeezed: bool = False,
            min_words: int = 6) -> str | None:
    """`text` within `limit` characters, cut only at a clause boundary; None when it cannot be.

    Squeezed text loses its lead-in and parentheticals and may end at any comma that closes a clause of
    eight words or more; a fragment (bullet style) is squeezed and loses its closing full stop too."""
    text = " ".join(text.split())
    loose = fragment or squeezed
    if loose:
        text = squeeze(text)
    whole = len(text) <= limit and (not fragment or len(text.split()) <= FRAGMENT_WORDS)
    if whole and not fragment:
        return _close(text, fragment)
    cuts = {m.start() for m in _CLAUSE_CUT.finditer(text)} | {s.end for s in split_sentences(text)[:-1]}
    # ", the city said", ", and state officials…": a lower-case word goes on with a clause of its own
    # (a sentence keeps ten words or more before such a cut, a fragment eight).
    least_head = 8 if loose else 10
    cuts |= {m.start() for m in re.finditer(r",\s(?=[a-z])", text)
             if len(text[:m.start()].split()) >= least_head and not _in_a_series(text, m.start())
             and not _HEDGE.match(text, m.end())}
    # A fragment is the first clause that says something; a sentence keeps as much as fits.
    order = sorted(cuts) if fragment else sorted(cuts, reverse=True)
    least = max(min_words, FRAGMENT_MIN_WORDS) if fragment else min_words
    for cut in order:
        head = text[:cut]
        if len(head) <= limit and len(head.split()) >= least and balanced(head) \
                and (not fragment or len(head.split()) <= FRAGMENT_WORDS):
            return _close(head, fragment)
    return _close(text, fragment) if whole else None


def fit(text: str, limit: int, *, fragment: bool = False) -> str | None:
    """A model's line made to end where a sentence or clause ends: a line it cut off ("…") loses the
    unfinished clause, a line over `limit` is shortened at a boundary; None when nothing whole is left."""
    text = " ".join(text.split())
    if _ELLIPSIS.search(text):
        text = _ELLIPSIS.sub("", text)
        ends = [m.start() for m in re.finditer(r",\s|;\s|\s[—–]\s", text)] + \
            [s.end for s in split_sentences(text)[:-1]]
        if not ends:
            return None
        text = text[:max(ends)]
        if not text.strip():
            return None
        text = _close(text, fragment)
    if len(text) <= limit:
        return _close(text, fragment=True) if fragment else text
    return shorten(text, limit, fragment=fragment, min_words=3)
