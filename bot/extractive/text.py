"""Small, offline text utilities: sentence spans, matching normalisation, verbatim search, tokens.

Everything here is rule-based and ships with the code (no nltk data, no models), so it works
offline and gives the same output for the same input.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    start: int   # offsets into the source text
    end: int
    text: str    # == source[start:end], no surrounding whitespace


# --- sentence splitting -------------------------------------------------------------------------

_PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_TERMINATOR = re.compile(r"(?:\.{2,}|…|[.!?]+)[\"'”’)\]»]*")
_OPENERS = "\"'“‘([«"
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•‣–—]|\d{1,3}[.)])\s+")
_END_PUNCT = re.compile(r"[.!?…:;][\"'”’)\]»]*\s*$")
_NON_SPACE = re.compile(r"\S")

def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Never end a sentence: a name or a number always follows them.
_TITLES = frozenset({
    "mr", "mrs", "ms", "messrs", "mme", "dr", "prof", "gov", "sen", "rep", "gen", "lt", "col", "sgt",
    "capt", "cmdr", "adm", "maj", "cpl", "pvt", "rev", "hon", "pres", "supt", "det", "insp", "atty",
    "mt", "ft", "vs", "v", "cf", "approx", "dept", "univ", "assn", "no", "nos", "vol", "fig", "pp",
})
# End a sentence only when a typical sentence opener follows ("in the U.S. The agency...").
_AMBIGUOUS = frozenset({
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "inc", "ltd", "co", "corp", "bros", "llc", "plc", "jr", "sr", "st", "ave", "blvd", "rd", "etc", "est",
})
# A month abbreviation is followed by a day or year mid-sentence ("Feb. 12", "Sept. 2026").
_MONTH_ABBR = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
# "No." and friends end a sentence unless a number follows ("No. 5" vs "The answer was no.").
_BEFORE_NUMBER = frozenset({"no", "nos", "vol", "fig", "pp", "art", "ch", "sec", "p"})
_NEVER_MULTI = frozenset({"e.g", "i.e", "cf", "viz"})
_MULTI_DOT = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_SENTENCE_OPENERS = _wordset("""
the a an it its he she they we i you this that these those there their his her our my your but and or
so yet in on at for from by with without after before during since until when while if as although
though because however meanwhile still also then now some many most several few all both each every
no not one two three four five officials police what who why how where which last next earlier later
according under over about among despite such other others another here critics supporters residents
analysts experts investors witnesses neither nor only even just
""")


def _prev_token(text: str, pos: int) -> str:
    start = pos
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:pos].lstrip(_OPENERS)


def _next_token(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[pos:end].lstrip(_OPENERS)


def _opener_follows(word: str) -> bool:
    head = re.match(r"[A-Za-z]+", word)
    return head is not None and head.group(0)[0].isupper() and head.group(0).lower() in _SENTENCE_OPENERS


def _is_boundary(seg: str, m: re.Match[str], nxt: str) -> bool:
    """Whether the terminator `m`, followed by whitespace and then `nxt`, ends a sentence."""
    if not nxt:
        return True
    first = nxt[0]
    if first.islower():
        return False                      # "etc. and", "“Why?” she asked"
    punct = m.group(0).rstrip("\"'”’)]»")
    if punct != ".":
        return True                       # ?, !, ellipsis before a capital or digit
    prev = _prev_token(seg, m.start())
    low = prev.lower()
    if not prev:
        return True
    if low in _NEVER_MULTI:
        return False
    if _MULTI_DOT.match(prev) or (len(prev) == 1 and prev.isupper()):
        return _opener_follows(nxt)       # U.S., a.m., D.C., initials "J. R. Smith"
    if low in _BEFORE_NUMBER:
        return not first.isdigit()
    if low in _TITLES:
        return False
    if low in _MONTH_ABBR and prev[0].isupper():
        return not first.isdigit()
    if low in _AMBIGUOUS and (prev[0].isupper() or low == "etc"):
        return _opener_follows(nxt)
    return True


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut one paragraph into lines where the lines are list items or headings."""
    lines: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        lines.append((pos, stop))
        pos = stop + 1
    out: list[tuple[int, int]] = []
    for i, (ls, le) in enumerate(lines):
        line = text[ls:le]
        if out and i > 0:
            prev = text[lines[i - 1][0]:lines[i - 1][1]]
            joined = not (
                _LIST_ITEM.match(line) or _LIST_ITEM.match(prev)
                or (not _END_PUNCT.search(prev) and len(prev.split()) <= 12
                    and line.strip()[:1].isupper() and not prev.rstrip().endswith((",", "-", "–")))
            )
            if joined:
                out[-1] = (out[-1][0], le)
                continue
        out.append((ls, le))
    return out


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def split_sentences(text: str) -> list[Span]:
    """Sentences (and headings, list items) of `text` as spans with exact offsets."""
    spans: list[Span] = []
    para_start = 0
    bounds = [(m.start(), m.end()) for m in _PARA_BREAK.finditer(text)] + [(len(text), len(text))]
    for pb_start, pb_end in bounds:
        for seg_start, seg_end in _segments(text, para_start, pb_start):
            seg = text[seg_start:seg_end]
            marker = _LIST_ITEM.match(seg)
            cut = 0
            for m in _TERMINATOR.finditer(seg):
                e = m.end()
                if (e < len(seg) and not seg[e].isspace()) or (marker and e <= marker.end()):
                    continue                        # 3.5, U.S, example.com/a.b, x@y.org, "1. " of a list
                # Found in place: copying the rest of the segment here made splitting quadratic.
                follows = _NON_SPACE.search(seg, e)
                nxt = _next_token(seg, follows.start() if follows else len(seg))
                if _is_boundary(seg, m, nxt):
                    span = _trimmed(text, seg_start + cut, seg_start + e)
                    if span:
                        spans.append(span)
                    cut = e
            span = _trimmed(text, seg_start + cut, seg_end)
            if span:
                spans.append(span)
        para_start = pb_end
    return spans


# --- normalisation and verbatim search ---------------------------------------------------------

_CHAR_MAP = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
    "…": "...",
}


def _norm_chars(s: str, *, fold: bool) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of its source character."""
    out: list[str] = []
    index: list[int] = []
    space = True  # drop leading whitespace
    for i, ch in enumerate(s):
        if ch.isspace():
            if not space:
                out.append(" ")
                index.append(i)
                space = True
            continue
        space = False
        rep = _CHAR_MAP.get(ch, ch)
        if fold:
            folded = rep.casefold()
            rep = folded if len(folded) == len(rep) else rep
        for c in rep:
            out.append(c)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def normalize_for_match(s: str) -> str:
    """Casefolded text with one kind of quote, one kind of dash and single spaces."""
    text = "".join(_CHAR_MAP.get(ch, ch) for ch in s).casefold()
    return " ".join(text.split())


def find_verbatim(haystack: str, needle: str, *, ignore_case: bool = False) -> tuple[int, int] | None:
    """Offsets into `haystack` of `needle`, allowing only whitespace, quote and dash style differences."""
    needle = needle.strip()
    if not needle:
        return None
    pos = haystack.find(needle) if not ignore_case else -1
    if pos >= 0:
        return pos, pos + len(needle)
    hay, index = _norm_chars(haystack, fold=ignore_case)
    ndl, _ = _norm_chars(needle, fold=ignore_case)
    pos = hay.find(ndl)
    if pos < 0 or not ndl:
        return None
    return index[pos], index[pos + len(ndl) - 1] + 1


# --- tokens for retrieval and scoring ---------------------------------------------------------

STOPWORDS = _wordset("""
a about above after again all also am an and any are aren't as at be because been before being
below between both but by can can't could couldn't did didn't do does doesn't doing don't down during
each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's
hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's
me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over
own same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs
them themselves then there there's these they they'd they'll they're they've this those through to too
under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's which while who who's whom why why's will with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves s t just did does tell say article according many much whose
get go happen
""")

# Irregular forms that matter for questions ("Who won?" vs "...beat...").
_IRREGULAR = {
    "won": "win", "wins": "win", "winning": "win", "stole": "steal", "stolen": "steal", "took": "take",
    "taken": "take", "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise", "paid": "pay",
    "spent": "spend", "sold": "sell", "bought": "buy", "built": "build", "began": "begin", "begun": "begin",
    "left": "leave", "lost": "lose", "found": "find", "gave": "give", "given": "give", "made": "make",
    "held": "hold", "met": "meet", "ran": "run", "struck": "strike", "hit": "hit", "told": "tell",
    "said": "say", "says": "say", "chose": "choose", "chosen": "choose", "brought": "bring",
    "caught": "catch", "went": "go", "gone": "go", "goes": "go", "grew": "grow", "grown": "grow",
    "led": "lead",
    "knew": "know", "known": "know", "wrote": "write", "written": "write", "broke": "break",
    "broken": "break", "thought": "think", "kept": "keep", "felt": "feel", "drove": "drive",
    "drew": "draw", "drawn": "draw",
    "children": "child", "people": "person", "women": "woman", "men": "man",
}
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*")


@functools.lru_cache(maxsize=1 << 16)   # pure, and called for every word of every sentence per question
def stem(word: str) -> str:
    """Light, deterministic suffix stripping: plurals, -ing, -ed, possessives."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = _IRREGULAR.get(w, w)   # then stemmed like any word, so "rose" and "rise" meet
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif (len(w) > 5 and w.endswith("er")) or (len(w) > 4 and w.endswith("ed") and not w.endswith("eed")):
        w = w[:-2]
    elif len(w) > 4 and w.endswith("eed"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1].isalpha():
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """The tokens of words() with their offsets into `text`."""
    out = []
    for m in _WORD.finditer(text):
        tok = m.group(0)
        out.append((m.start(), m.end(), (tok.replace(",", "") if tok[0].isdigit() else tok).casefold()))
    return out


def words(text: str) -> list[str]:
    """Word and number tokens, casefolded, thousands separators removed from numbers."""
    out = []
    for tok in _WORD.findall(text):   # findall: no match objects (digests tokenise thousands of messages)
        if tok[0].isdigit():
            tok = tok.replace(",", "")
        out.append(tok.casefold())
    return out


# Words that only say what kind of answer is wanted ("how big", "what kind of"): the cue covers them.
_FRAME = re.compile(
    r"\bhow (?:big|large|high|tall|far|fast|old|deep|heavy|strong|long|often|soon|serious|bad)\b|"
    r"\bwhat (?:kind|type|sort) of\b|\b(?:what|which|at what) (?:time|percentage|proportion|fraction)\b",
    re.IGNORECASE)


# Chat filler that carries nothing to match ("did anyone...", "what is it now?"): dropped from questions only.
_QUESTION_FILLER = frozenset(stem(w) for w in _wordset("""
anyone anybody someone somebody everyone everybody now currently actually exactly really basically ever yet
still even guys please pls going
"""))


def question_terms(question: str) -> list[str]:
    """Content tokens of a question without the words that only frame it."""
    return [t for t in content_tokens(_FRAME.sub(" ", question)) if t not in _QUESTION_FILLER]


def content_tokens(text: str) -> list[str]:
    """Stemmed tokens without stopwords: what retrieval and sentence scoring compare."""
    out = []
    for w in words(text):
        t = w if w[0].isdigit() else stem(w)
        if w not in STOPWORDS and t not in STOPWORDS:
            out.append(t)
    return out
