"""What a question asks for, and whether a sentence holds that kind of fact.

Rule-based like bot/extractive/text.py and shipped with the code: question types ("cues") from the wording,
the facts that answer each type (amounts, dates, names...), and how close a fact sits to the
question's subject. Deterministic; nothing is downloaded. Wording and related words: bot/extractive/lexicon.py.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection

from bench.baseline_answerer.lexicon import plain_question, related
from bench.baseline_answerer.text import STOPWORDS, stem, word_spans, words


class Cue(enum.Enum):
    NONE = "none"
    NUMBER = "number"       # how much / how many
    PERCENT = "percent"     # what percentage / what share
    MONEY = "money"         # how much did it cost
    DATE = "date"           # when / what year / what day
    TIME = "time"           # what time
    DURATION = "duration"   # how long
    PERSON = "person"       # who
    PLACE = "place"         # where
    REASON = "reason"       # why


# --- question types -------------------------------------------------------------------------------

_MONEY_VERBS = (r"(?:cost|pay|paid|spen[dt]|earn|charg|sell|sold|fine|get|got|receiv|make|made|win|won|owe|sav|"
                r"los[et]|give|gave|donat|invest|bring|brought|worth|budget|offer)\w*")
_CHANGE_VERBS = (r"(?:rise|rose|risen|rising|grow|grew|grown|increas|fall|fell|fallen|drop|declin|shrank|shrink|"
                 r"jump|climb|gain|cut|raise[ds]? (?:its |their |the )?(?:prices?|rates?|fares?|tax\w*))\w*")
_AUX = r"(?:did|does|do|will|would|has|have|had|is|are|was|were)"
_Q_PATTERNS: tuple[tuple[Cue, re.Pattern[str]], ...] = tuple((c, re.compile(p, re.I)) for c, p in (
    (Cue.PERCENT, r"\bwhat (?:percentage|percent|share|proportion|fraction)\b|\bby how much\b"),
    # "How much did prices rise?" asks for a change, which a percentage answers as well as an amount;
    # "how much will it cost to close the Falls plant?" asks for money: the first verb decides.
    (Cue.NUMBER, rf"\bhow much {_AUX} (?:(?!{_MONEY_VERBS}\b).){{0,60}}?\b(?-i:{_CHANGE_VERBS})"),
    (Cue.MONEY, rf"\bhow much (?:money|{_AUX} .{{0,60}}\b{_MONEY_VERBS})|"
                rf"\bwhat {_AUX} .{{0,60}}\bcosts?\b|"
                r"\bwhat (?:was|is|were) the (?:[\w-]+\s+)?(?:[\w-]+['’]s?\s+)?"
                r"(?:price|cost|value|budget|fine|salary|revenue|fee|profit|income|sales)\b"),
    (Cue.TIME, r"\bwhat time\b|\bat what hour\b"),
    (Cue.DURATION, r"\bhow long\b|\bfor how many (?:days|weeks|months|years|hours|minutes)\b"),
    (Cue.NUMBER, r"\bhow (?:much|many|large|big|high|tall|far|fast|old|deep|heavy|strong)\b|"
                 r"\bwhat (?:was|is|were) the (?:[\w-]+['’]s? |[\w-]+ )?"
                 r"(?:score|number|total|amount|figure|count|margin|vote|tally)\b|"
                 r"\bby what margin\b|\b(?:what|which) (?:minute|round|inning|lap)\b"),
    (Cue.DATE, r"\bwhen\b|\b(?:what|which) (?:year|date|day|month|week|season)\b"),
    (Cue.PERSON, r"\bwho(?:m|se)?\b|\b(?:which|what) (?:person|official|player|judge|team|company|firm)\b"),
    (Cue.PLACE, r"\bwhere\b|"
                r"\b(?:what|which) (?:city|town|country|state|street|neighbou?rhood|venue|place)\b"),
    (Cue.REASON, r"\bwhy\b|\bwhat (?:caused|led to|was the reason)\b|\bfor what reason\b"),
))


def question_cue(question: str) -> Cue:
    """What kind of fact the question asks for, from its wording."""
    question = plain_question(question)
    for cue, pattern in _Q_PATTERNS:
        if pattern.search(question):
            return cue
    return Cue.NONE


# Question words that name the kind of fact rather than the subject: a fact of the cue's kind in a
# sentence stands for them ("How much will it cost?" is answered by "$2.8 million", costs unnamed).
TYPE_TERMS: dict[Cue, frozenset[str]] = {c: frozenset(stem(w) for w in ws.split()) for c, ws in {
    Cue.MONEY: "cost costs price worth value pay paid spend spent money amount charge fee sum",
    Cue.NUMBER: "number total amount figure count score tally margin",
    Cue.PERCENT: "percent percentage share proportion rate",
    Cue.DATE: "date day year month",
    Cue.TIME: "time hour",
    Cue.DURATION: "long time duration",
}.items()}


# --- the facts that answer them ---------------------------------------------------------------------

_NUM_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
              r"forty|fifty|hundred|thousand|million|billion|dozen|half|third|quarter|percent")
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_WEEKDAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_CALENDAR = (r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|"
             r"August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|"
             r"Saturday|Sunday")
_CLOCK = r"\d\s*(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\bnoon\b|\bmidnight\b|\bo'clock\b"
_SEASONS = r"spring|summer|autumn|fall|winter"
_CUE_PATTERNS: dict[Cue, re.Pattern[str]] = {c: re.compile(p, re.I) for c, p in {
    Cue.NUMBER: rf"\d|\b(?:{_NUM_WORDS})\b",
    Cue.PERCENT: r"\d\s*%|\bper ?cent\b|\bpercentage points?\b|\b(?:half|third|quarter)\b",
    Cue.MONEY: r"[$€£¥]\s?\d[\d,.]*(?:\s*(?:million|billion|thousand|[mbk]n?)\b)?|"
               r"\b\d[\d,.]*\s*(?:dollars|euros|pounds|cents|million|billion)\b",
    # "When" is answered by a day, a month, a year, a season, a relative date or a clock time.
    Cue.DATE: rf"\b(?:{_MONTHS})\b\.?(?:\s+\d{{1,2}}\b)?|\b(?:{_WEEKDAYS})\b|\b(?:1[89]|20)\d\d\b|"
              rf"\b(?:yesterday|today|tomorrow|tonight|(?:last|next|this) (?:week(?:end)?|month|year|night|"
              rf"decade|season|{_SEASONS}|{_WEEKDAYS})|{_SEASONS}|weekend)\b|\bago\b|"
              rf"\b(?:in|within) (?:\d+|{_NUM_WORDS}|a few|several) (?:days?|weeks?|months?|years?)\b|{_CLOCK}",
    Cue.TIME: rf"{_CLOCK}|\b(?:morning|afternoon|evening|overnight|night|dawn)\b",
    Cue.DURATION: rf"\b(?:\d+|{_NUM_WORDS}|several|a few)[\s-]+(?:\w+[\s-]+)?"
                  r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b",
    Cue.PERSON: r"(?-i:(?<![.!?]\s)(?<!^)\b(?!(?:" + _CALENDAR + r")\b)[A-Z][a-z]+(?:\s[A-Z][a-z]+)*)|"
                r"\b(?:mayor|judge|chief|officer|president|director|spokes\w+|coach|manager|captain|curator|"
                r"minister|governor|senator|council\w*|superintendent|chair\w*|ceo|executive|founder|lawyer|"
                r"attorney|prosecutor|defendant|plaintiff|jury|police|scientist|researcher|professor|"
                r"residents?)\b",
    Cue.PLACE: r"\b(?:in|at|near|from|outside|inside|across|along)\s+(?:the\s+)?(?-i:[A-Z]\w+)|"
               r"\b(?:street|avenue|road|park|hall|building|county|city|town|river|museum|school|stadium|arena|"
               r"station|hospital|court\w*|bridge|district|neighbou?rhood|campus|lab\w*|island|coast|airport|"
               r"gallery|wing|floor|room)\b",
    Cue.REASON: r"\b(?:because|due to|after|since|so that|in order to|cit(?:ing|ed)|reasons?|blam\w+|"
                r"caus\w+|result\w*|following|amid|to (?:avoid|prevent|protect|cover|fund|pay|reduce))\b",
}.items()}

_LEADING_PREP = re.compile(r"^(?:(?:in|at|near|from|outside|inside|across|along|the)\s+)+")
_HOW_MANY = re.compile(r"\bhow many\s+((?:[^\W\d_]+\s+){0,2}?[^\W\d_]+)"
                       r"(?=\s+(?:did|do|does|were|was|will|would|are|is|have|has|had|can|could|and|in|at|"
                       r"on|of|for|to|from|took|lost)\b|\s*\?|\s*$)", re.IGNORECASE)
_NUMBER_WORD = re.compile(rf"^(?:\d[\d.,]*|{_NUM_WORDS}|eleven|thirteen|fourteen|sixteen|seventeen|eighteen|"
                          r"nineteen|sixty|seventy|eighty|ninety)$")


def _counted_nouns(question: str) -> set[str]:
    """What "how many X" counts, with X's related words ("how many people" is answered by "200 residents")."""
    m = _HOW_MANY.search(plain_question(question))
    if not m:
        return set()
    nouns = {stem(w) for w in words(m.group(1)) if w not in STOPWORDS}
    return nouns | {r for n in nouns for r in related(n)}


def _count_spans(sentence: str, nouns: set[str]) -> list[tuple[int, int]]:
    """Numbers counting one of `nouns`: shortly before it ("12 more buses") or after "of" ("a crowd of 38,214")."""
    toks = word_spans(sentence)
    out = []
    for i, (_, _, tok) in enumerate(toks):
        if tok[0].isdigit() or stem(tok) not in nouns:
            continue
        before = [t for t in toks[max(0, i - 4):i] if _NUMBER_WORD.match(t[2])]
        after = toks[i + 2] if i + 2 < len(toks) and toks[i + 1][2] == "of" else None
        if before:
            out.append((before[-1][0], before[-1][1]))
        elif after and _NUMBER_WORD.match(after[2]):
            out.append((after[0], after[1]))
    return out


def fact_spans(cue: Cue, sentence: str, question: str = "") -> list[tuple[int, int]]:
    """Offsets in `sentence` of the facts of the kind `cue` asks for, leaving out those `question` states.

    "Who will the Tide play in the Cup?" is not answered by a sentence whose only names are the Tide
    and the Cup, and "How many officers?" is not answered by a sentence that counts firefighters.
    """
    if cue is Cue.NONE:
        return []
    if cue is Cue.NUMBER and (nouns := _counted_nouns(question)):
        return _count_spans(sentence, nouns)
    asked = plain_question(question).casefold()
    out = []
    for m in _CUE_PATTERNS[cue].finditer(sentence):
        found = _LEADING_PREP.sub("", m.group(0).strip().casefold())
        if not asked or not re.search(rf"\b{re.escape(found)}\b", asked):
            out.append(m.span())
    return out


def has_cue(cue: Cue, sentence: str, question: str = "") -> bool:
    """Whether `sentence` has the kind of fact `cue` asks for, other than what `question` already says.

    Always true for Cue.NONE.
    """
    return cue is Cue.NONE or bool(fact_spans(cue, sentence, question))


# --- where the fact sits --------------------------------------------------------------------------

_FIT_SLOPE = 0.02        # per word between a fact and the nearest subject word
_FIT_FLOOR = 0.8         # ...down to this
_FIT_NO_ANCHOR = 0.9     # no subject word in the sentence: coverage already counts that
_FIT_OTHER_OWNER = 0.8   # an amount owned by a money word the question does not ask about
_NEAR_CUES = frozenset({Cue.NUMBER, Cue.PERCENT, Cue.MONEY, Cue.DATE, Cue.TIME, Cue.DURATION})
# Money words that make an amount the answer to another question ("save $140,000", "a $75,000 grant").
_MONEY_OWNERS = frozenset(stem(w) for w in """
save saving savings grant fine reward prize salary wage revenue sales profit income loss fee tax loan debt
donation dividend bonus reserve earnings raise refund
""".split())


def slot_fit(cue: Cue, sentence: str, anchors: Collection[str], question: str = "",
             known: Collection[str] = ()) -> float:
    """How well a fact of the kind `cue` asks for is attached to the question's subject in `sentence`.

    `anchors` are the stems of the question's subject words and their related words; `known` any other
    stems the question asks about. 1.0 when a fact sits next to an anchor, down to 0.8 as it floats off;
    0.9 when no anchor is in the sentence at all; and an amount owned by a money word the question does
    not ask about counts less again: "How much will the canopy cost?" prefers "a $2.8 million canopy"
    to "the canopy would save $140,000 a year in electricity costs". Always 1.0 for who, where, why.
    """
    if cue not in _NEAR_CUES:
        return 1.0
    spans = fact_spans(cue, sentence, question)
    if not spans:
        return 1.0
    toks = word_spans(sentence)
    stems = [stem(t) if not t[0].isdigit() else t for _, _, t in toks]
    at = [i for i, s in enumerate(stems) if s in anchors]
    best = 0.0
    for start, end in spans:
        inside = [i for i, (s, e, _) in enumerate(toks) if s < end and e > start]
        if not inside:
            continue
        lo, hi = inside[0], inside[-1]
        if at:
            dist = min(0 if lo <= i <= hi else min(abs(i - lo), abs(i - hi)) for i in at)
            fit = max(_FIT_FLOOR, 1.0 - _FIT_SLOPE * max(0, dist - 1))   # next to the subject: 1.0
        else:
            fit = _FIT_NO_ANCHOR
        if cue is Cue.MONEY and any(w in _MONEY_OWNERS and w not in anchors and w not in known
                                    for w in stems[max(0, lo - 3):hi + 4]):
            fit *= _FIT_OTHER_OWNER
        best = max(best, fit)
    return best or 1.0
