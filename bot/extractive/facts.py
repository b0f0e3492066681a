"""Candidate answers in a sentence: amounts, dates, times, durations, ages, scores, measures, counts and names.

Rule-based and deterministic (nothing is downloaded). Each fact carries its offsets in the sentence and, for
counts, ages and measures, the words it is attached to ("37 of the planes" counts planes; "Varga, 58" is
Varga's age), so the answerer can tell "how many planes" from "how many pilots". English patterns; in other
languages digits, currency amounts and names are still found.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

from bot.extractive.stemming import stem
from bot.extractive.text import STOPWORDS


class FactKind(enum.Enum):
    MONEY = "money"
    PERCENT = "percent"
    TIME = "time"
    DATE = "date"
    AGE = "age"
    DURATION = "duration"
    SCORE = "score"
    MEASURE = "measure"
    COUNT = "count"
    NAME = "name"
    PLACE = "place"


@dataclass(frozen=True, slots=True)
class Fact:
    kind: FactKind
    start: int                    # offsets into the sentence
    end: int
    text: str
    about: tuple[str, ...] = ()   # stems of what the fact is attached to: a count's noun, an age's owner


_NUMW = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
         r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen")
_NUM = rf"\d[\d,]*(?:\.\d+)?|(?:{_NUMW})(?:[\s-](?:{_NUMW}))*"
_SCALE = r"(?:\s+(?:million|billion|trillion|thousand|hundred))?"
MONTH = (r"Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|Mar\.|April|Apr\.|May|June|July|Aug(?:ust|\.)?|"
          r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?")
_WEEKDAY = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_SEASON = r"spring|summer|autumn|winter"
_UNIT_TIME = r"seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|seasons?"
_UNIT_MEASURE = (r"feet|foot|ft|inch(?:es)?|miles?|yards?|meters?|metres?|kilomet(?:er|re)s?|km|tons?|tonnes?|"
                 r"pounds|lbs?|kilograms?|kg|grams?|degrees?|acres?|hectares?|gallons?|lit(?:er|re)s?|mph")
_CURRENCY = r"[$€£¥]|US\$|C\$|A\$"
_AMOUNT = rf"(?:{_CURRENCY})\s?\d[\d,]*(?:\.\d+)?{_SCALE}"

_PATTERNS: tuple[tuple[FactKind, re.Pattern[str]], ...] = tuple((k, re.compile(p)) for k, p in (
    (FactKind.MONEY, rf"(?:between\s+)?{_AMOUNT}(?:\s+(?:and|to)\s+{_AMOUNT})?|"
                     rf"(?i:\b\d[\d,]*(?:\.\d+)?{_SCALE}\s+(?:dollars|euros|pounds sterling|cents)\b)"),
    (FactKind.PERCENT, rf"(?i:\b(?:{_NUM})(?:\s*%|\s+per\s?cent\b|\s+percentage points?\b))"),
    (FactKind.TIME, r"(?i:\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\bnoon\b|\bmidnight\b|"
                    r"\bquarter (?:to|past) \w+\b)"),
    (FactKind.DATE, rf"\b(?:(?:{_WEEKDAY}),?\s+)?(?:{MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b|"
                    rf"\b\d{{1,2}}\s+(?:{MONTH})(?:\s+\d{{4}})?\b|"
                    rf"(?:\b(?i:mid|early|late)-|\b(?i:next|last|this|early|late|in|by|until|since) )?"
                    rf"\b(?:{MONTH})(?:\s+\d{{4}})?\b(?! \d)|"
                    rf"\b(?:(?i:last|next|this|on|by|until|since|from) )?(?:{_WEEKDAY})"
                    rf"(?: (?:morning|afternoon|evening|night))?\b(?!,? (?:{MONTH}) \d)|"
                    r"\b(?:1[6-9]|20)\d\d(?:s)?\b(?![\d,.]*\d)|"
                    r"(?i:\b(?:yesterday|today|tomorrow|tonight)\b|"
                    rf"\b(?:last|next|this) (?:week(?:end)?|month|year|season|{_SEASON}|fall)\b|"
                    rf"\b(?:in|by|until|since|from) the (?:{_SEASON}|fall)\b|"
                    rf"\b(?:{_NUM}|a few|several) (?:days|weeks|months|years) (?:ago|later|earlier)\b|"
                    r"\bthe end of the (?:year|decade|month|week)\b)"),
    (FactKind.AGE, r"(?i:\b\d{1,3}-year-old\b|\baged \d{1,3}\b|\b\d{1,3} years? old\b)|"
                   r"(?<=[A-Za-z], )\d{1,3}(?=,|\s+(?:said|says|told|who|was|is)\b|\.)|"
                   r"(?<=, now )\d{1,3}(?:\s+and\s+\d{1,3})?(?=,)|"     # "the sisters, now 71 and 66,"
                   r"(?<=\b[Hh]e was )\d{1,3}(?=\.)|(?<=\b[Ss]he was )\d{1,3}(?=\.)|(?<=\bdie[sd] at )\d{1,3}\b"),
    (FactKind.DURATION, rf"(?i:\b(?:about |roughly |nearly |almost |more than |less than |under |over |just )?"
                        rf"(?:{_NUM}|a few|several|an?|half an?)(?:[\s-](?:and a half|full|straight|more))?"
                        rf"[\s-](?:{_UNIT_TIME})\b(?:\s+and\s+(?:{_NUM}|an?)\s+(?:{_UNIT_TIME})\b)?)"),
    (FactKind.SCORE, r"\b\d{1,3}-\d{1,3}\b"),
    (FactKind.MEASURE, rf"(?i:\b(?:{_NUM})(?:[\s-]+(?:square|cubic))?[\s-]+(?:{_UNIT_MEASURE})\b)"),
    (FactKind.COUNT, rf"(?i:\b(?:{_NUM}){_SCALE}\b)(?!-year)"),
))

# A number after one of these names something ("Route 9", "number 17", "Games 1 and 2"); it counts nothing.
_LABELS = frozenset("""
number no route highway interstate game games flight local channel room gate apartment bus chapter section
page item article line platform exit pier lane unit season episode
""".split())
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b")
_WORD = re.compile(r"\d[\d,]*(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*")
_NAME = re.compile(r"[A-Z][\w'’.&-]*(?:\s+(?:&\s+)?(?:of\s+|de\s+|van\s+|von\s+)?[A-Z0-9][\w'’.&-]*)*")
_CALENDAR = re.compile(rf"^(?:{MONTH}|{_WEEKDAY})$")
# Nouns of places: "at the public library", "Mill Creek Road" is somewhere, not someone.
PLACE_NOUNS = (r"library|school|hall|reservoir|airfield|fairgrounds?|arena|stadium|street|road|avenue|park|station|"
               r"airport|hospital|courthouse|church|museum|center|centre|square|plaza|building|office|headquarters|"
               r"base|depot|garage|warehouse|factory|plant|mall|store|shop|river|lake|beach|coast|island|bridge|"
               r"border|site|field|farm|woods|forest|camp|shelter|campus|theaters?|theatres?|lane|county|bay|pier|"
               r"port|dock|wharf|terminal|harbou?r")
_PLACE_PHRASE = re.compile(
    r"\b(?:at|in|near|outside|inside|along|into|onto|on|across|from|to)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?"
    rf"(?:[\w'’-]+\s+){{0,3}}?(?:[A-Z][\w'’-]*|{PLACE_NOUNS})(?:\s+[A-Z][\w'’-]*)*(?:\s+(?:{PLACE_NOUNS}))?\b")


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]


def _count_about(sentence: str, start: int, end: int) -> tuple[str, ...]:
    """What a number counts: the words right after it ("180 routes", "37 of the planes") or the noun it
    belongs to before "of" ("a crowd of 11,482")."""
    after = _words(sentence[end:end + 60])
    about: list[str] = []
    skip = {"of", "the", "its", "their", "his", "her", "other", "new", "about", "those", "these"}
    for _, _, w in after[:6]:
        low = w.casefold()
        if low in skip and not about:
            continue
        if (low in STOPWORDS and low != "more") or w[0].isdigit() or (low.endswith("ed") and not about):
            break
        about.append(stem(low))
        if len(about) == 4:        # "212,000 portable electric space heaters"
            break
    before = _words(sentence[max(0, start - 40):start])
    if len(before) >= 2 and before[-1][2].casefold() == "of":
        about.append(stem(before[-2][2].casefold()))
    return tuple(about)


def _age_owner(sentence: str, start: int, end: int) -> tuple[str, ...]:
    """Whose age: the name before "Name, 58," or the noun after "a 27-year-old man"."""
    text = sentence[start:end].casefold()
    said = [w.casefold() for _, _, w in _words(sentence[max(0, start - 20):start])][-3:]
    if said[-2:-1] in (["he"], ["she"]) or said[-1:] == ["at"]:
        return tuple(w for w in said if w in ("he", "she"))      # "He was 88.", "dies at 88"
    if "year-old" in text or "aged" in text:
        nxt = [w.casefold() for _, _, w in _words(sentence[end:end + 40])][:2]
        prev = [w.casefold() for _, _, w in _words(sentence[max(0, start - 60):start])][-3:]
        return tuple(stem(w) for w in nxt + prev if w not in STOPWORDS)
    before = _words(sentence[max(0, start - 60):start])
    return tuple(stem(w.casefold()) for _, _, w in before[-2:] if w[:1].isupper())


@functools.lru_cache(maxsize=4096)
def facts(sentence: str, common: frozenset[str] = frozenset()) -> tuple[Fact, ...]:
    """Every fact in the sentence, longest first where two overlap, in sentence order."""
    taken: list[tuple[int, int]] = []
    out: list[Fact] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            start, end = m.span()
            text = m.group(0).strip()
            if not text or any(s < end and start < e for s, e in taken):
                continue
            if kind is FactKind.COUNT:
                prev = _words(sentence[max(0, start - 20):start])
                if _ORDINAL.match(sentence, end) or (prev and prev[-1][2].casefold() in _LABELS) \
                        or sentence[end:end + 1] in ("-", ":") or sentence[max(0, start - 1):start] in ("-", "#"):
                    continue
                about = _count_about(sentence, start, end)
            elif kind is FactKind.AGE:
                about = _age_owner(sentence, start, end)
            elif kind is FactKind.MEASURE:
                about = _count_about(sentence, start, end)
            else:
                about = ()
            taken.append((start, end))
            out.append(Fact(kind, start, end, text, about))
    for m in _PLACE_PHRASE.finditer(sentence):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            out.append(Fact(FactKind.PLACE, m.start(), m.end(), m.group(0)))
    for start, end, text in names(sentence, common):
        if not any(s <= start and end <= e for s, e in taken):
            out.append(Fact(FactKind.NAME, start, end, text))
    return tuple(sorted(out, key=lambda f: (f.start, -f.end)))


def names(sentence: str, common: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """Runs of capitalised words, without stopwords, month and weekday names at their ends, a trailing
    possessive, and a first word capitalised only because it opens the sentence or a quote while the
    article also writes it in lower case (`common`)."""
    out = []
    for m in _NAME.finditer(sentence):
        start, text = m.start(), m.group(0)
        words = text.split()
        opens = start == 0 or sentence[:start].rstrip()[-1:] in "\"“‘'(:—–-"
        while words and (words[0].casefold() in STOPWORDS or _CALENDAR.match(words[0])
                         or (opens and words[0].casefold() in common)):
            start += len(words[0]) + 1
            words = words[1:]
            while start < len(sentence) and sentence[start] == " ":
                start += 1
        while words and (_CALENDAR.match(words[-1]) or words[-1].casefold() in STOPWORDS):
            words = words[:-1]
        if not words or all(w.isupper() and len(w) > 1 for w in words):   # datelines, "(AP)"
            continue
        text = " ".join(words)
        text = re.sub(r"(?:['’]s?|[.,-])$", "", text)
        if len(text) > 1 and not text.isdigit():
            out.append((start, start + len(text), text))
    return out
