"""What a question wants: the kind of answer, the words to look for, and what a number should count.

Works on the question's plain words (bot/extractive/chat.py). The kinds follow how people ask: a number or
amount, money, a date, a clock time, a duration, a person, an organisation, a place, yes or no, a reason, or
a description. Rule-based and deterministic.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from bot.extractive.facts import FactKind
from bot.extractive.lexicon import plain_phrases
from bot.extractive.stemming import number_value, stem
from bot.extractive.text import STOPWORDS


class Want(enum.Enum):
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    TIME = "time"
    DURATION = "duration"
    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"
    YESNO = "yesno"
    REASON = "reason"
    DESCRIPTION = "description"


class Attribute(enum.Enum):
    COUNT = "count"        # how many X
    AGE = "age"            # how old
    MEASURE = "measure"    # how high, deep, far, tall, big; how much rain
    CHANGE = "change"      # how much lower, how much did it rise
    SCORE = "score"        # what was the score


# The facts that answer each want, with how well they fit it.
ACCEPTS: dict[Want, dict[FactKind, float]] = {
    Want.MONEY: {FactKind.MONEY: 1.0},
    Want.DATE: {FactKind.DATE: 1.0, FactKind.TIME: 0.6},
    Want.TIME: {FactKind.TIME: 1.0, FactKind.DATE: 0.5},
    Want.DURATION: {FactKind.DURATION: 1.0, FactKind.DATE: 0.5, FactKind.MEASURE: 0.6},
    Want.PERSON: {FactKind.NAME: 1.0},
    Want.ORGANISATION: {FactKind.NAME: 1.0},
    Want.PLACE: {FactKind.PLACE: 1.0, FactKind.NAME: 0.7},
}
NUMBER_ACCEPTS: dict[Attribute, dict[FactKind, float]] = {
    Attribute.COUNT: {FactKind.COUNT: 1.0, FactKind.MEASURE: 0.7, FactKind.PERCENT: 0.5, FactKind.MONEY: 0.4},
    Attribute.AGE: {FactKind.AGE: 1.0},
    Attribute.MEASURE: {FactKind.MEASURE: 1.0, FactKind.COUNT: 0.6, FactKind.PERCENT: 0.6, FactKind.DURATION: 0.6},
    Attribute.CHANGE: {FactKind.PERCENT: 1.0, FactKind.MONEY: 0.8, FactKind.COUNT: 0.7, FactKind.MEASURE: 0.8},
    Attribute.SCORE: {FactKind.SCORE: 1.0},
}

TIME_UNITS = frozenset(stem(w) for w in "seconds minutes hours days weeks months years decades".split())
_AUX = frozenset("did does do is are was were will would can could has have had should shall may might must".split())
_WH = frozenset("what when where who whom whose why how which".split())
# Nouns after "how much" / "what is the" that name money.
_MONEY_NOUNS = frozenset(stem(w) for w in """
cost price budget bail fine salary wage pay fee fare rent bill reward prize value worth money cash fund
funding grant revenue profit income sales deal contract bid ransom settlement damages payout bonus
""".split())
_MONEY_VERBS = frozenset(stem(w) for w in """
cost pay paid spend spent charge earn make made sell sold worth owe lose lost save raise donate invest
steal stole stolen fund get got receive bring
""".split())
_CHANGE_WORDS = frozenset(stem(w) for w in """
lower higher more less fewer bigger smaller rise rose fall fell drop increase decrease grow grew shrink
cut jump climb gain up down better worse
""".split())
_MEASURE_ADJ = frozenset("high tall deep far big large heavy wide fast hot cold strong".split())
_ORG_NOUNS = frozenset(stem(w) for w in """
company firm team channel network brand studio station service thing store shop bank agency group club
party union charity organisation organization contractor outlet paper newspaper site platform label
""".split())
_PLACE_NOUNS = frozenset(stem(w) for w in "city town country state place county street venue area region".split())
_PERSON_NOUNS = frozenset(stem(w) for w in "person guy man woman player name".split())
# Words that only frame the want ("how old", "what time", "the name of", "which streaming thing").
_FRAME = frozenset("""
old long many much time name kind sort type thing things stuff one ones anyone anybody someone somebody
everyone everybody anything something since
""".split())
# A guessed amount is no term: "a few hundred?", "like fifty".
_NUMBERISH = frozenset("few several couple hundred hundreds thousand thousands million millions dozen dozens".split())
# Words that name the wanted kind of fact: a fact of that kind stands for them ("what was the final score").
TYPE_TERMS: dict[Want, frozenset[str]] = {w: frozenset(stem(x) for x in ws.split()) for w, ws in {
    Want.MONEY: "cost price pay paid money amount charge fee sum budget worth value bail fine",
    Want.NUMBER: "number total amount figure count score tally margin result final vote",
    Want.DATE: "date day year month week",
    Want.TIME: "time hour",
    Want.DURATION: "long time duration",
}.items()}
_STOP = STOPWORDS - {"happen"}     # "what time did it happen" is answered by "the robbery happened at..."
# Function words that narrow what is asked: "has it recalled heaters before", "more layoffs after this".
CONSTRAINTS = frozenset("before after more else other".split())
PRONOUNS_PERSON = frozenset("he she him her his hers".split())
PRONOUNS_THING = frozenset("it its they them their theirs this that those these".split())


@dataclass(slots=True)
class Question:
    want: Want
    attribute: Attribute | None = None
    terms: list[str] = field(default_factory=list)       # stems of the content words, in order
    about: frozenset[str] = frozenset()                  # what a count counts / whose age ("planes", "guy")
    guess: str | None = None                             # a number the asker guessed ("like fifty")
    person_pronoun: bool = False                         # he, she: the article's main person
    thing_pronoun: bool = False                          # it, they: the article's main subject
    words: list[str] = field(default_factory=list)       # the plain words

    def accepts(self) -> dict[FactKind, float]:
        if self.want is Want.NUMBER:
            if self.about & TIME_UNITS:          # "did he teach there like forty years": a duration
                return {**NUMBER_ACCEPTS[self.attribute or Attribute.COUNT], FactKind.DURATION: 1.0}
            return NUMBER_ACCEPTS[self.attribute or Attribute.COUNT]
        return ACCEPTS.get(self.want, {})


@dataclass(slots=True)
class Query:
    """A question as asked of one article: its analysis and the stems to look for."""
    question: Question
    weights: dict[str, float]            # stem -> weight
    asked: frozenset[str]                # every stem the asker typed
    referred: frozenset[str]             # the name "it" or "he" stands for: the title's first, the main person
    subject_only: bool                   # "when's it out?": only the article's subject is asked about


def _after(words: list[str], i: int, n: int = 2) -> list[str]:
    """Up to n content words after position i (the noun of "how many X")."""
    out: list[str] = []
    for w in words[i:]:
        if w in STOPWORDS or w in _AUX:
            if out:
                break
            continue
        out.append(w)
        if len(out) == n:
            break
    return out


def analyse(words: list[str]) -> Question:
    """What the plain words of a question (chat.casual_to_plain) ask for."""
    words = plain_phrases(" ".join(words)).split()
    clauses = " ".join(words).split(" , ")
    # "what happens if they finish late, do they have to pay anything": the last real question decides.
    main = next((c for c in reversed(clauses) if c.split()[:1] and (c.split()[0] in _WH or c.split()[0] in _AUX)),
                clauses[0])
    words = [w for w in words if w != ","]
    text = main
    stems = [stem(w) for w in words]
    first = next((w for w in main.split() if w not in ("and", "but", "or", "then")), "")
    q = Question(Want.DESCRIPTION, words=words)
    q.person_pronoun = any(w in PRONOUNS_PERSON for w in words)
    q.thing_pronoun = any(w in PRONOUNS_THING for w in words)
    frame: set[str] = set()

    tw = text.split()      # positions from at() are in the main clause

    def at(phrase: str) -> int:
        m = re.search(rf"\b(?:{phrase})\b", text)
        return len(text[:m.end()].split()) if m else -1

    if (i := at("how many")) >= 0:
        q.want, q.attribute = Want.NUMBER, Attribute.COUNT
        q.about = frozenset(stem(w) for w in _after(tw, i))
    elif (i := at("how much")) >= 0:
        nxt = tw[i] if i < len(tw) else ""
        rest = {stem(w) for w in tw[i:]}
        if stem(nxt) in _CHANGE_WORDS or (rest & _CHANGE_WORDS and not rest & _MONEY_VERBS):
            q.want, q.attribute = Want.NUMBER, Attribute.CHANGE
        elif nxt and nxt not in _AUX and nxt not in STOPWORDS and stem(nxt) not in _MONEY_NOUNS:
            q.want, q.attribute = Want.NUMBER, Attribute.MEASURE       # "how much rain"
            q.about = frozenset({stem(nxt)})
        else:
            q.want = Want.MONEY
    elif at("how old") >= 0:
        q.want, q.attribute = Want.NUMBER, Attribute.AGE
    elif at("how long") >= 0 or at("for how many (?:days|weeks|months|years|hours)") >= 0:
        q.want = Want.DURATION
    elif (i := at("how")) >= 0 and i < len(tw) and tw[i] in _MEASURE_ADJ:
        q.want, q.attribute = Want.NUMBER, Attribute.MEASURE
        frame.add(tw[i])
    elif at("what time|at what hour") >= 0:
        q.want = Want.TIME
    elif at("when|(?:what|which) (?:days?|dates?|years?|months?|weeks?)") >= 0:
        q.want = Want.DATE
        frame.update(("day", "date", "year", "month", "week"))
    elif at("where|what (?:city|town|country|state|place|street|venue)") >= 0:
        q.want = Want.PLACE
    elif at("why|how come|what caused|what is the reason|for what reason|(?:die|died|dies) (?:of|from)|"
            "cause of death|what killed") >= 0:
        q.want = Want.REASON
    elif first in ("who", "whom", "whose") or at("what is the name|what was the name|who is|who was") >= 0:
        q.want = Want.PERSON
    elif (i := at("what|which")) >= 0 and i < len(tw):
        head = stem(tw[i]) if tw[i] not in _AUX and tw[i] not in STOPWORDS else ""
        nstems = {stem(w) for w in _after(tw, i, 3)}
        if head in _ORG_NOUNS or (nstems & _ORG_NOUNS and head not in _MONEY_NOUNS):
            q.want = Want.ORGANISATION
        elif head in _PLACE_NOUNS:
            q.want = Want.PLACE
        elif head in _PERSON_NOUNS:
            q.want = Want.PERSON
        elif nstems & _MONEY_NOUNS or {stem(w) for w in tw[i:]} & {"cost", "price"}:
            q.want = Want.MONEY        # "what is the budget", "what's the roof gonna cost"
        elif nstems & {"score", "result", "vote", "tally"}:     # "what was the vote": 5-2
            q.want, q.attribute = Want.NUMBER, Attribute.SCORE
        elif nstems & {"percent", "percentag", "share", "rate"}:
            q.want, q.attribute = Want.NUMBER, Attribute.CHANGE
        elif nstems & {"number", "total", "count", "tal"}:
            q.want, q.attribute = Want.NUMBER, Attribute.COUNT
        elif at("how") >= 0 and (j := at("how")) < len(tw) and tw[j] in ("did", "does", "do"):
            q.want = Want.REASON
        elif "name" in tw[i:]:
            q.want = Want.PERSON       # "what's her daughter's name"
        else:
            q.want = Want.DESCRIPTION
    elif first == "how":
        q.want = Want.REASON        # "how did he die", "how does it work": the manner, told like a reason
    elif first in _AUX:
        # "are naps good or bad": a choice between two things wants a description, not yes or no.
        q.want = Want.DESCRIPTION if re.search(r"\w+ or \w+", text) else Want.YESNO
    # "did they take like fifty watches?" asks for the number; the guess is no term.
    numbers = [(i, number_value(w)) for i, w in enumerate(words) if number_value(w) is not None
               and w not in ("one",)]
    if numbers and q.want in (Want.YESNO, Want.NUMBER):
        i, value = numbers[0]
        q.guess = value
        if q.want is Want.YESNO:
            q.want, q.attribute = Want.NUMBER, Attribute.COUNT
            q.about = frozenset(stem(w) for w in _after(words, i + 1))
    skip = (_STOP - CONSTRAINTS) | _AUX | _WH | _FRAME | frame | PRONOUNS_PERSON | PRONOUNS_THING
    if q.want is Want.NUMBER and q.attribute is not Attribute.COUNT:
        skip = skip | _MEASURE_ADJ
    if q.want in (Want.NUMBER, Want.MONEY):
        skip = skip | _NUMBERISH
    if q.want is Want.DESCRIPTION:
        skip = skip | {"look", "like", "about"}
    q.terms = [s for w, s in zip(words, stems, strict=True)
               if w not in skip and s not in skip and not (q.guess and s == q.guess)]
    return q
