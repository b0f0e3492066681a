"""Questions as people type them in a chat, read as the words an article would use.

Lower-case and unpunctuated questions, contractions ("who'd", "wen's"), chat abbreviations ("ppl", "rn"),
filler ("lol", "tbh", "like", "or what"), dropped g's ("sittin") and typos ("teh", "athority"). Typos are
fixed by edit distance against the article's own vocabulary and the language's function words, so the
mechanism needs no list of misspellings. English only beyond lower-casing: other languages pass through.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping

from bot.extractive.stemming import stem
from bot.extractive.text import STOPWORDS

# Chat abbreviations that are not misspellings of anything (edit distance cannot find them).
_ABBREVIATIONS = {
    "u": "you", "r": "are", "ur": "your", "ya": "you", "yall": "you", "ppl": "people", "govt": "government",
    "gov": "government", "cuz": "because", "coz": "because", "bc": "because", "b4": "before", "abt": "about",
    "w/": "with", "w/o": "without", "thru": "through", "tmrw": "tomorrow", "yday": "yesterday", "nd": "and",
    "n": "and", "ppls": "people", "peeps": "people", "dunno": "do not know", "gonna": "going to",
    "wanna": "want to", "gotta": "got to", "hafta": "have to", "hav": "have", "wht": "what", "cops": "police",
    "cop": "police", "kids": "children", "guy": "man", "guys": "men", "dude": "man", "bucks": "dollars",
    "ceo": "chief executive", "cfo": "chief financial officer", "ref": "referee", "pct": "percent",
    "movie": "film", "flick": "film", "till": "until", "til": "until", "y": "why", "wut": "what",
    "bout": "about", "yr": "year", "yrs": "years", "hr": "hour", "hrs": "hours", "mins": "minutes",
    "mil": "million", "tix": "tickets",
}
# Words that carry nothing to match: greetings, hedges, emphasis, laughter.
_FILLER = frozenset("""
lol lmao lmfao rofl haha hahaha omg ngl tbh tbf imo imho idk rn fr bro bruh fam pls plz please thx ty
hey yo ok okay wait so um uh hmm anyway anyways tho though actually exactly really basically even just
literally kinda sorta honestly seriously still currently now ever yet also then again atm smh lmk
""".split())
# Asides and modal padding that carry no content: "i thought", "supposed to", "have to".
_ASIDES = re.compile(r"\bi (?:thought|think|heard|guess|mean|read|saw|wonder)\b|"
                     r"\b(?:supposed|going|meant|have|has|had|need|needs|want|wants|got) to\b")
_TRAILERS = re.compile(r"\b(?:or what|or nah|or not|or smth|or something|right)\s*\??\s*$")
_LIKE = re.compile(r"(?<!\blook )(?<!\blooks )(?<!\blooked )(?<!\bsound )(?<!\bfeel )\blike\b")
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"\b(\w+)n't\b", r"\1 not"), (r"\bcan not\b", "can not"), (r"\bwo not\b", "will not"),
    (r"\b(did|does|do|is|was|were|are|could|would|should|has|have|had)nt\b", r"\1 not"),   # "didnt"
    (r"\bcant\b", "can not"), (r"\bwont\b", "will not"),
    (r"\b(who|what|when|where|why|how|which)'d\b", r"\1 did"),
    (r"\b(who|what|when|where|why|how|which|that|it|there|here|he|she)'s\b", r"\1 is"),
    (r"\b(\w+)'re\b", r"\1 are"), (r"\b(\w+)'ll\b", r"\1 will"), (r"\b(\w+)'ve\b", r"\1 have"),
    (r"\bi'm\b", "i am"), (r"\b(he|she|they|we|you|i)'d\b", r"\1 would"),
))
# Short words a typo of which is fixed ("teh", "wen", "hw"): short real words ("die") must stay themselves.
_SHORT_TARGETS = ("the", "how", "what", "when", "where", "who", "why", "which", "and")
# Words of questions' frames that are never "corrected" into an article word ("cost" is not "cast").
FRAME_WORDS = frozenset("""
cost costs price pay paid worth much many long old time times year years day days date name named happen
happened happens big large high tall deep far fast heavy does did done going get got make made take took
think thought know want need said says tell told happen look looks like more less most least
""".split())
_WORD = re.compile(r"[a-z0-9$%]+(?:['.,/-][a-z0-9]+)*|,")


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _correct(word: str, vocabulary: Mapping[str, int], known: Collection[str]) -> str:
    """The article word (or question word) that `word` most likely misspells, else `word` itself.

    `known` are the article's stems: a word whose stem the article has is no typo. Words of up to three
    letters are only read as question words ("teh", "hw"): an anagram first, then one letter missing.
    Four-letter words are only read as question words ("wher"): too many real words are one edit apart
    ("head", "heat"; "back", "black").
    Longer words take one edit (two from eight letters) to an article word with the same first letter
    (typos rarely change it, and "moon" is not "soon"); among several, the article's most frequent wins.
    """
    if word in vocabulary or word in known or word in FRAME_WORDS or word in STOPWORDS or not word.isalpha():
        return word
    if len(word) <= 3:
        for w in _SHORT_TARGETS:
            if sorted(w) == sorted(word) or (len(w) == len(word) + 1 and osa_distance(word, w, 1) <= 1):
                return w
        return word
    if len(word) == 4:          # only a question word: "wher" (where, not when), "whta"
        near = [w for w in _SHORT_TARGETS if len(w) >= 4 and osa_distance(word, w, 1) <= 1]
        return min(near, key=lambda w: (not w.startswith(word), w)) if near else word
    limit = 1 if len(word) < 8 else 2
    best: tuple[int, bool, int, str] | None = None
    for w, count in vocabulary.items():
        if abs(len(w) - len(word)) > limit or not w.isalpha() or len(w) < 4 or w[0] != word[0]:
            continue
        d = osa_distance(word, w, limit)
        if d <= limit:
            key = (d, w[0] != word[0], -count, w)
            if best is None or key < best:
                best = key
    return best[3] if best else word


def _drop_g(word: str) -> str:
    """"sittin" -> "sitting", "goin" -> "going": when the word with a g is an -ing form."""
    if len(word) >= 4 and word.endswith("in") and stem(word + "g") != word + "g":
        return word + "g"
    return word


@functools.lru_cache(maxsize=2048)
def _plain(question: str) -> str:
    q = question.casefold().replace("’", "'").replace("‘", "'")
    for pattern, repl in _CONTRACTIONS:
        q = pattern.sub(repl, q)
    q = _TRAILERS.sub("", q.strip())
    q = _ASIDES.sub(" ", q)
    return _LIKE.sub(" ", q).replace(",", " , ")


def casual_to_plain(question: str, vocabulary: Mapping[str, int], known: Collection[str] = (),
                    lang: str = "en") -> list[str]:
    """The question's words as an article would spell them: casefolded, contractions expanded, chat
    abbreviations and filler replaced or dropped, typos fixed against `vocabulary` (the article's
    casefolded words with their counts; `known`: its stems). Punctuation is dropped except inside numbers
    and amounts, and commas, which stay as tokens between clauses."""
    if lang != "en":
        return _WORD.findall(question.casefold())
    out: list[str] = []
    for raw in _WORD.findall(_plain(question)):
        word = raw if raw == "," else raw.strip(".,")
        if word in _FILLER or (word == "," and (not out or out[-1] == ",")):
            continue
        head, _, tail = word.partition("'")
        if tail in ("s", "d") and head:                  # "wen's", "wat'd": fix the head, then expand
            head = _correct(head, vocabulary, known)
            if head in _SHORT_TARGETS:
                out += [head, "is" if tail == "s" else "did"]
                continue
        if word.endswith("s") and word[:-1] in (*_SHORT_TARGETS, "that", "there", "it"):
            out += [word[:-1], "is"]            # "whos", "whats", "wheres"
            continue
        word = _ABBREVIATIONS.get(word, word)
        if " " in word:
            out += word.split()
            continue
        if word not in vocabulary and stem(word) not in known:
            word = _correct(_drop_g(word), vocabulary, known)
        out.append(_ABBREVIATIONS.get(word, word))
    return out
